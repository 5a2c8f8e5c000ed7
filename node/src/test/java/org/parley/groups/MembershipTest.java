package org.parley.groups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;

/** The membership rule on hand-built sets of ops. */
class MembershipTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final Identity alice = Identity.generate("alice", RANDOM);
    private final Identity bob = Identity.generate("bob", RANDOM);
    private final Identity carol = Identity.generate("carol", RANDOM);
    private final Identity dave = Identity.generate("dave", RANDOM);
    private final byte[] nonce = new byte[GroupId.NONCE_SIZE];
    private final GroupId group = GroupId.derive(alice.peerId().publicKey(), nonce);
    private final MembershipOp create = MembershipOp.sign(alice, group, MembershipOp.Kind.CREATE, alice.peerId(), true,
            1, 0, "club", nonce);

    private MembershipOp op(Identity actor, MembershipOp.Kind kind, Identity target, boolean admin, long clock) {
        return MembershipOp.sign(actor, group, kind, target.peerId(), admin, clock, 0, "", new byte[0]);
    }

    @Test
    void theCreatorIsTheFirstAdminAndAdminsAdd() {
        Membership membership = Membership.replay(group, List.of(create,
                op(alice, MembershipOp.Kind.ADD, bob, true, 2), op(bob, MembershipOp.Kind.ADD, carol, false, 3)));
        assertEquals(Map.of(alice.peerId(), true, bob.peerId(), true, carol.peerId(), false), membership.members());
        assertEquals(3, membership.maxClock());
    }

    @Test
    void opsWithoutTheRightTakeNoEffect() {
        Membership membership = Membership.replay(group, List.of(create,
                op(alice, MembershipOp.Kind.ADD, bob, false, 2),
                op(bob, MembershipOp.Kind.ADD, carol, false, 3),
                op(bob, MembershipOp.Kind.REMOVE, alice, false, 4),
                op(dave, MembershipOp.Kind.ADD, dave, true, 5)));
        assertEquals(Map.of(alice.peerId(), true, bob.peerId(), false), membership.members(),
                "a plain member neither adds nor removes; an outsider cannot add itself");
    }

    @Test
    void aCreateOpOfAnotherGroupOrBySomeoneElseFoundsNothing() {
        MembershipOp impostor = MembershipOp.sign(bob, group, MembershipOp.Kind.CREATE, bob.peerId(), true, 1, 0,
                "club", nonce);
        assertTrue(Membership.replay(group, List.of(impostor)).members().isEmpty(),
                "the group ID derives from alice's key: bob cannot found it");
        Membership both = Membership.replay(group, List.of(impostor, create));
        assertEquals(Map.of(alice.peerId(), true), both.members());
    }

    @Test
    void concurrentInviteAndRemoveConvergeWhateverOrderTheyArriveIn() {
        MembershipOp addBob = op(alice, MembershipOp.Kind.ADD, bob, true, 2);
        // Both admins at clock 2 act at once: alice adds carol, bob removes alice.
        MembershipOp addCarol = op(alice, MembershipOp.Kind.ADD, carol, false, 3);
        MembershipOp removeAlice = op(bob, MembershipOp.Kind.REMOVE, alice, false, 3);
        List<MembershipOp> ops = new ArrayList<>(List.of(create, addBob, addCarol, removeAlice));
        Map<PeerId, Boolean> first = Membership.replay(group, ops).members();
        for (int i = 0; i < 20; i++) {
            Collections.shuffle(ops, RANDOM);
            assertEquals(first, Membership.replay(group, ops).members());
        }
        boolean addFirst = Membership.ORDER.compare(addCarol, removeAlice) < 0;
        assertEquals(addFirst, first.containsKey(carol.peerId()),
                "the (clock, op ID) order decides: carol is in exactly when alice's add sorts before her removal");
        assertFalse(first.containsKey(alice.peerId()));
    }

    @Test
    void aRemovedMemberMayBeAddedAgainLaterAndLeavingNeedsNoRight() {
        Membership membership = Membership.replay(group, List.of(create,
                op(alice, MembershipOp.Kind.ADD, bob, false, 2),
                op(alice, MembershipOp.Kind.REMOVE, bob, false, 3),
                op(alice, MembershipOp.Kind.ADD, bob, false, 4),
                op(alice, MembershipOp.Kind.ADD, carol, false, 5),
                op(carol, MembershipOp.Kind.LEAVE, carol, false, 6)));
        assertEquals(Map.of(alice.peerId(), true, bob.peerId(), false), membership.members());
    }

    @Test
    void addsStopAtTheSizeLimit() {
        List<MembershipOp> ops = new ArrayList<>(List.of(create));
        for (int i = 0; i < Membership.MAX_MEMBERS + 5; i++) {
            ops.add(op(alice, MembershipOp.Kind.ADD, Identity.generate("m" + i, RANDOM), false, 2 + i));
        }
        assertEquals(Membership.MAX_MEMBERS, Membership.replay(group, ops).members().size());
    }
}
