package org.parley.groups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.parley.identity.Identity;

/** Invitations in chunks wait bounded: per inviter, in number and in ops. */
class PendingInvitationsTest {
    private final Identity mallory = Identity.generate("mallory", GroupParts.RANDOM);
    private final Identity alice = Identity.generate("alice", GroupParts.RANDOM);

    private GroupId group(Identity founder, int n) {
        return GroupId.derive(founder.peerId().publicKey(), nonce(n));
    }

    private static byte[] nonce(int n) {
        byte[] nonce = new byte[GroupId.NONCE_SIZE];
        nonce[0] = (byte) n;
        return nonce;
    }

    private MembershipOp create(Identity founder, int n) {
        return MembershipOp.sign(founder, group(founder, n), MembershipOp.Kind.CREATE, founder.peerId(), true,
                List.of(), 0, "g", nonce(n));
    }

    @Test
    void oneInvitationPerInviterAndTheOldestGoesFirst() {
        PendingInvitations invitations = new PendingInvitations(2);
        invitations.start(group(mallory, 1), mallory.peerId(), "g", ByteString.EMPTY, List.of(create(mallory, 1)));
        invitations.start(group(mallory, 2), mallory.peerId(), "g", ByteString.EMPTY, List.of(create(mallory, 2)));
        assertEquals(1, invitations.size(), "a new invitation from the same inviter replaces its last");
        assertNull(invitations.more(group(mallory, 1), mallory.peerId(), ByteString.EMPTY, List.of()));

        invitations.start(group(alice, 3), alice.peerId(), "g", ByteString.EMPTY, List.of(create(alice, 3)));
        Identity carol = Identity.generate("carol", GroupParts.RANDOM);
        invitations.start(group(carol, 4), carol.peerId(), "g", ByteString.EMPTY, List.of(create(carol, 4)));
        assertEquals(2, invitations.size());
        assertNull(invitations.more(group(mallory, 2), mallory.peerId(), ByteString.EMPTY, List.of()),
                "the oldest went out");
        assertNull(invitations.more(group(alice, 3), mallory.peerId(), ByteString.EMPTY, List.of()),
                "later chunks only from the inviter");
    }

    @Test
    void anInvitationHoldsAtMostTheGroupsOpLimit() {
        PendingInvitations invitations = new PendingInvitations(2);
        MembershipOp create = create(mallory, 1);
        List<MembershipOp> ops = new ArrayList<>();
        for (int i = 0; i < Groups.MAX_OPS + 10; i++) {
            ops.add(MembershipOp.sign(mallory, create.groupId(), MembershipOp.Kind.LEAVE, mallory.peerId(), false,
                    List.of(create), i, "", new byte[0]));
        }
        PendingInvitations.Pending pending = invitations.start(create.groupId(), mallory.peerId(), "g",
                ByteString.EMPTY, List.of(create));
        invitations.more(create.groupId(), mallory.peerId(), ByteString.copyFromUtf8("2"), ops);
        assertEquals(Groups.MAX_OPS, pending.ops().size());
        assertEquals(2, pending.controlIds().size());
    }
}
