package org.parley.groups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.parley.identity.Identity;
import org.parley.link.Misbehaviour;
import org.parley.proto.wire.v1.MembershipOpProto;

/** The op decoder on well-formed, malformed, truncated, oversized and forged input. */
class MembershipOpTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final Identity alice = Identity.generate("alice", RANDOM);
    private final Identity bob = Identity.generate("bob", RANDOM);
    private final byte[] nonce = new byte[GroupId.NONCE_SIZE];
    private final GroupId group = GroupId.derive(alice.peerId().publicKey(), nonce);
    private final MembershipOp createOp = MembershipOp.sign(alice, group, MembershipOp.Kind.CREATE, alice.peerId(),
            true, java.util.List.of(), 5, "book club", nonce);
    private final MembershipOpProto create = createOp.toProto();
    private final MembershipOpProto add = MembershipOp.sign(alice, group, MembershipOp.Kind.ADD, bob.peerId(), false,
            java.util.List.of(createOp), 6, "", new byte[0]).toProto();

    private static Misbehaviour refusal(MembershipOpProto proto) {
        return assertThrows(GroupException.class, () -> MembershipOp.verify(proto)).rejection();
    }

    @Test
    void signedOpsVerifyAndKeepTheirId() throws GroupException {
        MembershipOp verified = MembershipOp.verify(add);
        assertEquals(bob.peerId(), verified.target());
        assertEquals(verified.idHex(), MembershipOp.verify(add.toBuilder().build()).idHex());
        assertEquals("book club", MembershipOp.verify(create).name());
    }

    @Test
    void anyChangedFieldBreaksTheSignature() {
        assertEquals(Misbehaviour.FORGED, refusal(add.toBuilder().setAdmin(true).build()));
        assertEquals(Misbehaviour.FORGED, refusal(add.toBuilder().setClock(3).build()));
        assertEquals(Misbehaviour.FORGED, refusal(add.toBuilder().setActor(ByteString.copyFrom(bob.peerId()
                .publicKey())).build()));
        assertEquals(Misbehaviour.FORGED, refusal(create.toBuilder().setName("book clubs").build()));
        assertEquals(Misbehaviour.FORGED, refusal(add.toBuilder().setParents(0, ByteString.copyFrom(new byte[32]))
                .build()), "the parents are signed");
        assertEquals(Misbehaviour.FORGED, refusal(add.toBuilder().setVersion(1).clearParents().build()),
                "a causal op cannot be passed off as legacy");
    }

    @Test
    void malformedTruncatedAndOversizedOpsAreRefused() {
        assertEquals(Misbehaviour.MALFORMED, refusal(add.toBuilder().setKind(9).build()));
        assertEquals(Misbehaviour.MALFORMED, refusal(add.toBuilder().setGroupId(ByteString.copyFrom(new byte[15]))
                .build()));
        assertEquals(Misbehaviour.MALFORMED, refusal(add.toBuilder().setTarget(ByteString.copyFrom(new byte[31]))
                .build()));
        assertEquals(Misbehaviour.MALFORMED, refusal(add.toBuilder().setSignature(add.getSignature().substring(1))
                .build()));
        assertEquals(Misbehaviour.MALFORMED, refusal(add.toBuilder().setClock(0).build()));
        assertEquals(Misbehaviour.MALFORMED, refusal(add.toBuilder().setNonce(ByteString.copyFrom(nonce)).build()),
                "only a create carries a nonce");
        assertEquals(Misbehaviour.MALFORMED, refusal(create.toBuilder().clearNonce().build()));
        assertEquals(Misbehaviour.MALFORMED, refusal(create.toBuilder().setName(" padded").build()));
        assertEquals(Misbehaviour.MALFORMED, refusal(create.toBuilder().setName("bell\u0007").build()));
        assertEquals(Misbehaviour.MALFORMED, refusal(add.toBuilder().setKind(4).build()),
                "a leave names its actor as target");
        assertEquals(Misbehaviour.TOO_LARGE, refusal(create.toBuilder().setName("x".repeat(3000)).build()));
        assertEquals(Misbehaviour.MALFORMED, refusal(add.toBuilder().setVersion(3).build()));
        assertEquals(Misbehaviour.MALFORMED, refusal(add.toBuilder().clearParents().build()),
                "only a create names no parents");
        assertEquals(Misbehaviour.MALFORMED, refusal(create.toBuilder().addParents(add.getParents(0)).build()));
        assertEquals(Misbehaviour.MALFORMED, refusal(add.toBuilder().addParents(add.getParents(0)).build()),
                "a parent named twice");
        assertEquals(Misbehaviour.MALFORMED, refusal(add.toBuilder().setParents(0, ByteString.copyFrom(new byte[31]))
                .build()));
        MembershipOpProto.Builder many = add.toBuilder();
        for (int i = 0; i < MembershipOp.MAX_PARENTS; i++) {
            many.addParents(ByteString.copyFrom(new byte[] {(byte) i}).concat(ByteString.copyFrom(new byte[31])));
        }
        assertEquals(Misbehaviour.MALFORMED, refusal(many.build()), "over the most parents");
    }

    @Test
    void legacyOpsStillVerify() throws GroupException {
        MembershipOpProto legacy = MembershipOp.signLegacy(alice, group, MembershipOp.Kind.ADD, bob.peerId(), false, 2,
                6, "", new byte[0]).toProto();
        assertEquals(0, legacy.getVersion());
        MembershipOp verified = MembershipOp.verify(legacy);
        assertEquals(MembershipOp.LEGACY, verified.version());
        assertEquals(Misbehaviour.FORGED, refusal(legacy.toBuilder().setVersion(MembershipOp.CAUSAL)
                .addParents(ByteString.copyFrom(new byte[32])).build()));
    }

    @Test
    void groupIdsParseOnlyInTheirTextForm() throws GroupException {
        assertEquals(group, GroupId.parse(group.toString()));
        assertEquals(group, GroupId.parse(group.toString().toUpperCase()));
        for (String bad : new String[] {"", "abc", group.toString() + "0", group.toString().substring(1) + "g",
                "\u0000".repeat(32)}) {
            assertThrows(GroupException.class, () -> GroupId.parse(bad), bad);
        }
        assertThrows(GroupException.class, () -> GroupId.parse(null));
    }
}
