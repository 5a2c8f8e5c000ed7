package org.parley.groups;

import com.google.protobuf.ByteString;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.parley.crypto.Ed25519;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.link.Misbehaviour;
import org.parley.proto.wire.v1.MembershipOpProto;

/**
 * One signed change of a group's membership. The actor signs a fixed-layout statement with its
 * identity key; the op's ID is the SHA-256 of statement and signature. Whether an op takes effect
 * is decided by {@link Membership}, not here: here only shape and signature are checked.
 *
 * <p>A causal op ({@link #CAUSAL}) names its parents, the ops its actor had applied that no other
 * applied op names, so the ops form a graph and each op's history is what lies below it. A
 * {@link #LEGACY} op (the format before) names none: its history is every legacy op sorted before
 * it, which its signer chose by its clock. Legacy ops are kept so that groups stored before load.
 *
 * @param clock Lamport clock: 1 + the largest clock of the parents (causal), or of the ops the actor
 *     had applied (legacy)
 * @param name the group's name (create only, else empty)
 * @param nonce what the group ID derives from (create only, else empty)
 * @param parents the parents' op IDs (causal only)
 */
public record MembershipOp(int version, GroupId groupId, Kind kind, PeerId actor, PeerId target, boolean admin,
                           long clock, long atMillis, String name, byte[] nonce, List<ByteString> parents,
                           byte[] signature) {
    public static final int LEGACY = 1;
    public static final int CAUSAL = 2;
    /** Longest group name, in characters. */
    public static final int MAX_NAME_LENGTH = 64;
    /** Most parents an op names: heads beyond it are left out, oldest first (their ops stay below newer heads). */
    public static final int MAX_PARENTS = 24;
    /** Largest encoded op: a create with the longest name, or an op with the most parents, fits. */
    public static final int MAX_SIZE = 2048;
    private static final byte[] LEGACY_PREFIX = "parley-group-op-v1:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CAUSAL_PREFIX = "parley-group-op-v2:".getBytes(StandardCharsets.US_ASCII);

    public enum Kind {
        CREATE(1), ADD(2), REMOVE(3), LEAVE(4);

        final int code;

        Kind(int code) {
            this.code = code;
        }

        static Kind of(int code) throws GroupException {
            for (Kind kind : values()) {
                if (kind.code == code) {
                    return kind;
                }
            }
            throw new GroupException(Misbehaviour.MALFORMED, "unknown op kind " + code);
        }
    }

    /** Signs a new causal op as {@code actor}, after {@code parents} (none for a create). */
    public static MembershipOp sign(Identity actor, GroupId groupId, Kind kind, PeerId target, boolean admin,
                                    List<MembershipOp> parents, long atMillis, String name, byte[] nonce) {
        long clock = 1 + parents.stream().mapToLong(MembershipOp::clock).max().orElse(0);
        List<ByteString> ids = parents.stream().map(op -> ByteString.copyFrom(op.id())).toList();
        byte[] statement = statement(CAUSAL, groupId, kind, actor.peerId(), target, admin, clock, atMillis, name, nonce,
                ids);
        return new MembershipOp(CAUSAL, groupId, kind, actor.peerId(), target, admin, clock, atMillis, name,
                nonce.clone(), ids, actor.sign(statement));
    }

    /** Signs an op in the format before causal ops: only to show that groups stored in it still load. */
    static MembershipOp signLegacy(Identity actor, GroupId groupId, Kind kind, PeerId target, boolean admin, long clock,
                                   long atMillis, String name, byte[] nonce) {
        byte[] statement = statement(LEGACY, groupId, kind, actor.peerId(), target, admin, clock, atMillis, name, nonce,
                List.of());
        return new MembershipOp(LEGACY, groupId, kind, actor.peerId(), target, admin, clock, atMillis, name,
                nonce.clone(), List.of(), actor.sign(statement));
    }

    /** Checks shape and signature of a received op. */
    public static MembershipOp verify(MembershipOpProto proto) throws GroupException {
        if (proto.getSerializedSize() > MAX_SIZE) {
            throw new GroupException(Misbehaviour.TOO_LARGE, "op over " + MAX_SIZE + " bytes");
        }
        int version = proto.getVersion() == 0 ? LEGACY : proto.getVersion();
        if (version != LEGACY && version != CAUSAL) {
            throw new GroupException(Misbehaviour.MALFORMED, "unknown op version " + version);
        }
        GroupId groupId = GroupId.of(proto.getGroupId().toByteArray());
        Kind kind = Kind.of(proto.getKind());
        PeerId actor = peer(proto.getActor());
        PeerId target = peer(proto.getTarget());
        if (proto.getClock() < 1 || proto.getClock() > Long.MAX_VALUE / 2) {
            throw new GroupException(Misbehaviour.MALFORMED, "op clock out of range");
        }
        List<ByteString> parents = proto.getParentsList();
        Set<ByteString> distinct = new HashSet<>(parents);
        if (parents.size() > MAX_PARENTS || distinct.size() != parents.size()
                || parents.stream().anyMatch(parent -> parent.size() != 32)
                || (version == LEGACY && !parents.isEmpty())
                || (version == CAUSAL && (kind == Kind.CREATE) != parents.isEmpty())) {
            throw new GroupException(Misbehaviour.MALFORMED, "op parents: distinct 32-byte IDs, none for a create "
                    + "or a legacy op, at most " + MAX_PARENTS);
        }
        byte[] nonce = proto.getNonce().toByteArray();
        String name = proto.getName();
        if (kind == Kind.CREATE) {
            if (nonce.length != GroupId.NONCE_SIZE || !actor.equals(target) || !validName(name)) {
                throw new GroupException(Misbehaviour.MALFORMED, "create op without a valid name, nonce or target");
            }
        } else if (nonce.length != 0 || !name.isEmpty()) {
            throw new GroupException(Misbehaviour.MALFORMED, "only a create op carries a name and nonce");
        }
        if (kind == Kind.LEAVE && !actor.equals(target)) {
            throw new GroupException(Misbehaviour.MALFORMED, "a member leaves only by itself");
        }
        byte[] signature = proto.getSignature().toByteArray();
        if (signature.length != Ed25519.SIGNATURE_SIZE) {
            throw new GroupException(Misbehaviour.MALFORMED, "op signature is not " + Ed25519.SIGNATURE_SIZE + " bytes");
        }
        byte[] statement = statement(version, groupId, kind, actor, target, proto.getAdmin(), proto.getClock(),
                proto.getAtMs(), name, nonce, parents);
        if (!Ed25519.verify(actor.publicKey(), statement, signature)) {
            throw new GroupException(Misbehaviour.FORGED, "op signature does not verify");
        }
        return new MembershipOp(version, groupId, kind, actor, target, proto.getAdmin(), proto.getClock(),
                proto.getAtMs(), name, nonce, List.copyOf(parents), signature);
    }

    /** 1 to {@link #MAX_NAME_LENGTH} characters, trimmed, no control characters. */
    public static boolean validName(String name) {
        return !name.isEmpty() && name.length() <= MAX_NAME_LENGTH && name.strip().equals(name)
                && name.codePoints().noneMatch(Character::isISOControl);
    }

    public boolean causal() {
        return version == CAUSAL;
    }

    public MembershipOpProto toProto() {
        MembershipOpProto.Builder proto = MembershipOpProto.newBuilder()
                .setGroupId(ByteString.copyFrom(groupId.bytes()))
                .setKind(kind.code)
                .setActor(ByteString.copyFrom(actor.publicKey()))
                .setTarget(ByteString.copyFrom(target.publicKey()))
                .setAdmin(admin)
                .setClock(clock)
                .setAtMs(atMillis)
                .setName(name)
                .setNonce(ByteString.copyFrom(nonce))
                .setSignature(ByteString.copyFrom(signature))
                .addAllParents(parents);
        if (causal()) {
            proto.setVersion(CAUSAL);
        }
        return proto.build();
    }

    /** SHA-256 of the signed statement and the signature. */
    public byte[] id() {
        return GroupId.sha256(statement(version, groupId, kind, actor, target, admin, clock, atMillis, name, nonce,
                parents), signature);
    }

    public String idHex() {
        return HexFormat.of().formatHex(id());
    }

    private static byte[] statement(int version, GroupId groupId, Kind kind, PeerId actor, PeerId target, boolean admin,
                                    long clock, long atMillis, String name, byte[] nonce, List<ByteString> parents) {
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(version == CAUSAL ? CAUSAL_PREFIX : LEGACY_PREFIX);
        out.writeBytes(groupId.bytes());
        out.write(kind.code);
        out.writeBytes(actor.publicKey());
        out.writeBytes(target.publicKey());
        out.write(admin ? 1 : 0);
        out.writeBytes(ByteBuffer.allocate(16).putLong(clock).putLong(atMillis).array());
        out.write(nonce.length);
        out.writeBytes(nonce);
        out.writeBytes(ByteBuffer.allocate(2).putShort((short) nameBytes.length).array());
        out.writeBytes(nameBytes);
        if (version == CAUSAL) {
            out.write(parents.size());
            parents.forEach(parent -> out.writeBytes(parent.toByteArray()));
        }
        return out.toByteArray();
    }

    private static PeerId peer(ByteString key) throws GroupException {
        if (key.size() != Ed25519.PUBLIC_KEY_SIZE) {
            throw new GroupException(Misbehaviour.MALFORMED, "a peer key is " + Ed25519.PUBLIC_KEY_SIZE + " bytes");
        }
        return PeerId.fromPublicKey(key.toByteArray());
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof MembershipOp op && Arrays.equals(id(), op.id());
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(id());
    }
}
