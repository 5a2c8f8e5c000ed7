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
            List.of(), 0, "club", nonce);

    private MembershipOp op(Identity actor, MembershipOp.Kind kind, Identity target, boolean admin,
                            MembershipOp... parents) {
        return MembershipOp.sign(actor, group, kind, target.peerId(), admin, List.of(parents), 0, "", new byte[0]);
    }

    /** The order given, its reverse and a few hundred shuffles of {@code ops}. */
    private static List<List<MembershipOp>> orders(List<MembershipOp> ops) {
        List<List<MembershipOp>> orders = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            List<MembershipOp> shuffled = new ArrayList<>(ops);
            Collections.shuffle(shuffled, RANDOM);
            orders.add(shuffled);
        }
        orders.add(ops);
        List<MembershipOp> reversed = new ArrayList<>(ops);
        Collections.reverse(reversed);
        orders.add(reversed);
        return orders;
    }

    @Test
    void theCreatorIsTheFirstAdminAndAdminsAdd() {
        MembershipOp addBob = op(alice, MembershipOp.Kind.ADD, bob, true, create);
        MembershipOp addCarol = op(bob, MembershipOp.Kind.ADD, carol, false, addBob);
        Membership membership = Membership.replay(group, List.of(create, addBob, addCarol));
        assertEquals(Map.of(alice.peerId(), true, bob.peerId(), true, carol.peerId(), false), membership.members());
        assertEquals(List.of(addCarol), membership.heads());
        assertEquals(3, addCarol.clock());
    }

    @Test
    void opsWithoutTheRightTakeNoEffect() {
        MembershipOp addBob = op(alice, MembershipOp.Kind.ADD, bob, false, create);
        MembershipOp bobAdds = op(bob, MembershipOp.Kind.ADD, carol, false, addBob);
        MembershipOp bobRemoves = op(bob, MembershipOp.Kind.REMOVE, alice, false, bobAdds);
        MembershipOp daveAddsHimself = op(dave, MembershipOp.Kind.ADD, dave, true, bobRemoves);
        Membership membership = Membership.replay(group, List.of(create, addBob, bobAdds, bobRemoves, daveAddsHimself));
        assertEquals(Map.of(alice.peerId(), true, bob.peerId(), false), membership.members(),
                "a plain member neither adds nor removes; an outsider cannot add itself");
        assertFalse(membership.rightful(com.google.protobuf.ByteString.copyFrom(bobAdds.id())));
        assertTrue(membership.rightful(com.google.protobuf.ByteString.copyFrom(addBob.id())));
    }

    @Test
    void aCreateOpOfAnotherGroupOrBySomeoneElseFoundsNothing() {
        MembershipOp impostor = MembershipOp.sign(bob, group, MembershipOp.Kind.CREATE, bob.peerId(), true, List.of(),
                0, "club", nonce);
        assertTrue(Membership.replay(group, List.of(impostor)).members().isEmpty(),
                "the group ID derives from alice's key: bob cannot found it");
        Membership both = Membership.replay(group, List.of(impostor, create));
        assertEquals(Map.of(alice.peerId(), true), both.members());
    }

    @Test
    void anOpWithoutItsParentsOrWithAWrongClockIsNotPlaced() {
        MembershipOp addBob = op(alice, MembershipOp.Kind.ADD, bob, true, create);
        MembershipOp addCarol = op(bob, MembershipOp.Kind.ADD, carol, false, addBob);
        Membership withoutParent = Membership.replay(group, List.of(create, addCarol));
        assertFalse(withoutParent.placed(com.google.protobuf.ByteString.copyFrom(addCarol.id())));
        assertEquals(Map.of(alice.peerId(), true), withoutParent.members());
    }

    @Test
    void aRemovedAdminsBackdatedOpsLoseInEveryArrivalOrder() {
        MembershipOp addBob = op(alice, MembershipOp.Kind.ADD, bob, true, create);
        MembershipOp addCarol = op(alice, MembershipOp.Kind.ADD, carol, false, addBob);
        MembershipOp removeAlice = op(bob, MembershipOp.Kind.REMOVE, alice, false, addCarol);
        Identity puppet = Identity.generate("puppet", RANDOM);
        // Alice saw her removal, and names only what came before it.
        MembershipOp addPuppet = op(alice, MembershipOp.Kind.ADD, puppet, true, addCarol);
        MembershipOp removeCarol = op(alice, MembershipOp.Kind.REMOVE, carol, false, addCarol);
        MembershipOp puppetAddsAlice = op(puppet, MembershipOp.Kind.ADD, alice, true, addPuppet);
        MembershipOp addDave = op(bob, MembershipOp.Kind.ADD, dave, false, removeAlice);
        List<MembershipOp> ops = List.of(create, addBob, addCarol, removeAlice, addPuppet, removeCarol,
                puppetAddsAlice, addDave);
        for (List<MembershipOp> order : orders(ops)) {
            assertEquals(Map.of(bob.peerId(), true, carol.peerId(), false, dave.peerId(), false),
                    Membership.replay(group, order).members(), order.toString());
        }
    }

    @Test
    void aRemovedAdminsOpsMadeBeforeItLearnedOfItsRemovalLoseToo() {
        MembershipOp addBob = op(alice, MembershipOp.Kind.ADD, bob, true, create);
        MembershipOp removeAlice = op(bob, MembershipOp.Kind.REMOVE, alice, false, addBob);
        MembershipOp addCarol = op(alice, MembershipOp.Kind.ADD, carol, false, addBob);
        MembershipOp carolAddsDave = op(alice, MembershipOp.Kind.ADD, dave, false, addCarol);
        for (List<MembershipOp> order : orders(List.of(create, addBob, removeAlice, addCarol, carolAddsDave))) {
            assertEquals(Map.of(bob.peerId(), true), Membership.replay(group, order).members());
        }
    }

    @Test
    void twoAdminsRemovingEachOtherAtOnceBothGo() {
        MembershipOp addBob = op(alice, MembershipOp.Kind.ADD, bob, true, create);
        MembershipOp addCarol = op(alice, MembershipOp.Kind.ADD, carol, true, addBob);
        MembershipOp bobRemovesAlice = op(bob, MembershipOp.Kind.REMOVE, alice, false, addCarol);
        MembershipOp aliceRemovesBob = op(alice, MembershipOp.Kind.REMOVE, bob, false, addCarol);
        for (List<MembershipOp> order : orders(List.of(create, addBob, addCarol, bobRemovesAlice, aliceRemovesBob))) {
            assertEquals(Map.of(carol.peerId(), true), Membership.replay(group, order).members(),
                    "neither can be shown to have acted first, so neither keeps the group");
        }
    }

    @Test
    void anAdminReAddedAfterItsRemovalActsAgain() {
        MembershipOp addBob = op(alice, MembershipOp.Kind.ADD, bob, true, create);
        MembershipOp removeBob = op(alice, MembershipOp.Kind.REMOVE, bob, false, addBob);
        MembershipOp addBobAgain = op(alice, MembershipOp.Kind.ADD, bob, true, removeBob);
        MembershipOp bobAddsCarol = op(bob, MembershipOp.Kind.ADD, carol, false, addBobAgain);
        MembershipOp carolLeaves = op(carol, MembershipOp.Kind.LEAVE, carol, false, bobAddsCarol);
        MembershipOp addDave = op(bob, MembershipOp.Kind.ADD, dave, false, carolLeaves);
        assertEquals(Map.of(alice.peerId(), true, bob.peerId(), true, dave.peerId(), false),
                Membership.replay(group, List.of(create, addBob, removeBob, addBobAgain, bobAddsCarol, carolLeaves,
                        addDave)).members());
    }

    @Test
    void concurrentAddsByTwoAdminsBothCount() {
        MembershipOp addBob = op(alice, MembershipOp.Kind.ADD, bob, true, create);
        MembershipOp aliceAddsCarol = op(alice, MembershipOp.Kind.ADD, carol, false, addBob);
        MembershipOp bobAddsDave = op(bob, MembershipOp.Kind.ADD, dave, false, addBob);
        Membership membership = Membership.replay(group, List.of(create, addBob, aliceAddsCarol, bobAddsDave));
        assertEquals(4, membership.members().size());
        assertEquals(2, membership.heads().size(), "two heads: the next op names both");
        MembershipOp next = op(alice, MembershipOp.Kind.REMOVE, dave, false,
                membership.heads().toArray(MembershipOp[]::new));
        assertEquals(4, next.clock());
    }

    @Test
    void legacyOpsFromBeforeCausalOpsReplayAsBeforeAndCausalOpsFollowThem() {
        MembershipOp legacyCreate = MembershipOp.signLegacy(alice, group, MembershipOp.Kind.CREATE, alice.peerId(),
                true, 1, 0, "club", nonce);
        MembershipOp legacyAdd = MembershipOp.signLegacy(alice, group, MembershipOp.Kind.ADD, bob.peerId(), true, 2, 0,
                "", new byte[0]);
        MembershipOp legacyBobAdds = MembershipOp.signLegacy(bob, group, MembershipOp.Kind.ADD, carol.peerId(), false,
                3, 0, "", new byte[0]);
        Membership legacy = Membership.replay(group, List.of(legacyBobAdds, legacyCreate, legacyAdd));
        assertEquals(Map.of(alice.peerId(), true, bob.peerId(), true, carol.peerId(), false), legacy.members());
        assertEquals(List.of(legacyBobAdds), legacy.heads());
        MembershipOp removeCarol = op(alice, MembershipOp.Kind.REMOVE, carol, false,
                legacy.heads().toArray(MembershipOp[]::new));
        assertEquals(Map.of(alice.peerId(), true, bob.peerId(), true),
                Membership.replay(group, List.of(legacyCreate, legacyAdd, legacyBobAdds, removeCarol)).members());
    }

    @Test
    void addsStopAtTheSizeLimit() {
        List<MembershipOp> ops = new ArrayList<>(List.of(create));
        for (int i = 0; i < Membership.MAX_MEMBERS + 5; i++) {
            ops.add(op(alice, MembershipOp.Kind.ADD, Identity.generate("m" + i, RANDOM), false, ops.get(ops.size() - 1)));
        }
        assertEquals(Membership.MAX_MEMBERS, Membership.replay(group, ops).members().size());
    }
}
