package org.parley.groups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.identity.Identity;
import org.parley.link.Misbehaviour;
import org.parley.overlay.gossip.GossipOverLinks;
import org.parley.overlay.gossip.GossipId;
import org.parley.proto.wire.v1.BackfillPosts;
import org.parley.proto.wire.v1.GroupSignal;
import org.parley.proto.wire.v1.GroupInvite;
import org.parley.proto.wire.v1.GroupText;
import org.parley.proto.wire.v1.LogIds;
import org.parley.proto.wire.v1.MembershipOpProto;
import org.parley.proto.wire.v1.MembershipOps;
import org.parley.proto.wire.v1.SenderKeyGrant;
import org.parley.runtime.VirtualScheduler;

/** Every kind of bad group input: refused, counted or scored, and nothing stored. */
class GroupsHostileTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path directory;

    private final VirtualScheduler loop = new VirtualScheduler(1_700_000_000_000L);
    private GroupNode alice;
    private GroupNode bob;
    private GroupNode mallory;
    private GroupId id;

    @BeforeEach
    void aliceAndBobShareAGroupMalloryIsOutside() {
        alice = new GroupNode("alice", 1, loop, directory, RANDOM);
        bob = new GroupNode("bob", 2, loop, directory, RANDOM);
        mallory = new GroupNode("mallory", 3, loop, directory, RANDOM);
        GroupNode.linkAll(List.of(alice, bob, mallory));
        loop.advance(Duration.ofSeconds(5));
        id = alice.await(alice.groups.create("club")).id();
        alice.await(alice.groups.invite(id, bob.id(), false));
        loop.advance(Duration.ofSeconds(5));
        bob.await(bob.groups.join(id));
        loop.advance(Duration.ofSeconds(5));
        alice.penalties.clear();
    }

    private void control(GroupNode from, GroupNode to, GroupSignal.Builder control) {
        to.groups.groupSignalReceived(from.id(), control.setSignalId(ByteString.copyFrom(new byte[16])).build()
                .toByteArray());
        loop.runUntilIdle();
    }

    private void post(GroupNode to, byte[] payload) {
        to.groups.delivered(new GossipOverLinks.Delivery(id.topic(), GossipId.of(id.topic(),
                ByteString.copyFrom(payload)), payload, 1));
        loop.runUntilIdle();
    }

    private long refused(GroupNode node, String reason) {
        return node.groups.refusedIn(id).getOrDefault(reason, 0L);
    }

    private MembershipOpProto op(Identity actor, MembershipOp.Kind kind, Identity target) {
        return MembershipOp.sign(actor, id, kind, target.peerId(), false, alice.groups.state(id).membership.heads(), 0,
                "", new byte[0]).toProto();
    }

    @Test
    void unparseableControlScoresTheSenderDown() {
        alice.groups.groupSignalReceived(mallory.id(), new byte[] {(byte) 0xff, 0x01, 0x02});
        alice.groups.groupSignalReceived(mallory.id(), GroupSignal.newBuilder().build().toByteArray());
        assertEquals(2 * Misbehaviour.MALFORMED.penalty(), alice.penalties.get(mallory.id()));
    }

    @Test
    void aForgedOpIsRefusedAndNotStored() {
        MembershipOpProto genuine = op(alice, MembershipOp.Kind.REMOVE, bob.identity);
        MembershipOpProto forged = genuine.toBuilder().setActor(ByteString.copyFrom(alice.id().publicKey()))
                .setTarget(ByteString.copyFrom(alice.id().publicKey())).build();
        int ops = alice.groups.state(id).ops.size();
        control(mallory, bob, GroupSignal.newBuilder().setOps(MembershipOps.newBuilder().addOps(forged)));
        assertEquals(Misbehaviour.FORGED.penalty(), bob.penalties.get(mallory.id()));
        assertTrue(bob.groups.state(id).membership.isMember(bob.id()));
        assertEquals(ops, bob.groups.state(id).ops.size());
    }

    @Test
    void opsFromAnOutsiderAreRefusedAndOpsWithoutTheRightTakeNoEffect() {
        control(mallory, bob, GroupSignal.newBuilder().setOps(MembershipOps.newBuilder()
                .addOps(op(alice, MembershipOp.Kind.ADD, mallory.identity))));
        assertEquals(1, refused(bob, "not-a-member"));
        assertFalse(bob.groups.state(id).membership.isMember(mallory.id()));

        control(bob, alice, GroupSignal.newBuilder().setOps(MembershipOps.newBuilder()
                .addOps(op(bob.identity, MembershipOp.Kind.ADD, mallory.identity))));
        assertEquals(1, refused(alice, "not-allowed"), "bob is a member, not an admin");
        assertFalse(alice.groups.state(id).membership.isMember(mallory.id()));
    }

    private MembershipOpProto op(GroupNode actor, MembershipOp.Kind kind, Identity target) {
        return op(actor.identity, kind, target);
    }

    @Test
    void anInvitationWhoseOpsAreNotOfOneGroupIsRefused() {
        byte[] nonce = new byte[GroupId.NONCE_SIZE];
        GroupId other = GroupId.derive(mallory.id().publicKey(), nonce);
        MembershipOpProto create = MembershipOp.sign(mallory.identity, other, MembershipOp.Kind.CREATE, mallory.id(),
                true, List.of(), 0, "trap", nonce).toProto();
        control(mallory, bob, GroupSignal.newBuilder().setInvite(GroupInvite.newBuilder().addOps(create)
                .addOps(op(alice, MembershipOp.Kind.ADD, bob.identity))));
        assertEquals(Misbehaviour.FORGED.penalty(), bob.penalties.get(mallory.id()));
        assertEquals(1, bob.groups.groups().size());

        control(mallory, bob, GroupSignal.newBuilder().setInvite(GroupInvite.newBuilder()));
        assertEquals(Misbehaviour.FORGED.penalty() + Misbehaviour.MALFORMED.penalty(),
                bob.penalties.get(mallory.id()), "an invitation without its create op");
        List<MembershipOpProto> many = new ArrayList<>();
        for (int i = 0; i <= Groups.MAX_OPS_PER_MESSAGE; i++) {
            many.add(create);
        }
        control(mallory, bob, GroupSignal.newBuilder().setInvite(GroupInvite.newBuilder().addAllOps(many)));
        assertEquals(Misbehaviour.FORGED.penalty() + Misbehaviour.MALFORMED.penalty()
                + Misbehaviour.TOO_LARGE.penalty(), bob.penalties.get(mallory.id()));
    }

    @Test
    void anInvitationThatDoesNotMakeUsAMemberLeavesNoTrace() {
        byte[] nonce = new byte[GroupId.NONCE_SIZE];
        GroupId spam = GroupId.derive(mallory.id().publicKey(), nonce);
        MembershipOpProto create = MembershipOp.sign(mallory.identity, spam, MembershipOp.Kind.CREATE, mallory.id(),
                true, List.of(), 0, "spam", nonce).toProto();
        control(mallory, bob, GroupSignal.newBuilder().setInvite(GroupInvite.newBuilder().addOps(create)));
        assertEquals(Misbehaviour.MALFORMED.penalty(), bob.penalties.get(mallory.id()));
        assertEquals(null, bob.groups.state(spam));
        assertEquals(1, bob.groups.groups().size());
    }

    @Test
    void anInvitationOfExactlyOneFullChunkThatDoesNotMakeUsAMemberLeavesNoTrace() {
        byte[] nonce = new byte[GroupId.NONCE_SIZE];
        GroupId spam = GroupId.derive(mallory.id().publicKey(), nonce);
        MembershipOp create = MembershipOp.sign(mallory.identity, spam, MembershipOp.Kind.CREATE, mallory.id(), true,
                List.of(), 0, "spam", nonce);
        GroupInvite.Builder invite = GroupInvite.newBuilder().addOps(create.toProto());
        for (int i = 1; i < Groups.MAX_OPS_PER_MESSAGE; i++) {
            invite.addOps(MembershipOp.sign(mallory.identity, spam, MembershipOp.Kind.ADD,
                    Identity.generate("stranger", RANDOM).peerId(), false, List.of(create), i, "", new byte[0]).toProto());
        }
        control(mallory, bob, GroupSignal.newBuilder().setInvite(invite));
        assertEquals(null, bob.groups.state(spam), "a full first chunk is held, not taken as a group");
        assertEquals(1, bob.groups.groups().size());

        MembershipOp last = MembershipOp.sign(mallory.identity, spam, MembershipOp.Kind.ADD,
                Identity.generate("stranger", RANDOM).peerId(), false, List.of(create), 0, "", new byte[0]);
        control(mallory, bob, GroupSignal.newBuilder().setOps(MembershipOps.newBuilder().addOps(last.toProto())));
        assertEquals(null, bob.groups.state(spam), "a later chunk that does not make us a member either");
        assertEquals(1, bob.groups.groups().size());
    }

    @Test
    void aLegacyOpAsAChangeToAGroupWeAreInIsRefused() {
        long clock = alice.groups.state(id).ops.values().stream().mapToLong(MembershipOp::clock).max().orElseThrow();
        MembershipOpProto legacy = MembershipOp.signLegacy(alice.identity, id, MembershipOp.Kind.REMOVE, bob.id(),
                false, clock + 1, 0, "", new byte[0]).toProto();
        int held = bob.groups.state(id).ops.size();
        control(alice, bob, GroupSignal.newBuilder().setOps(MembershipOps.newBuilder().addOps(legacy)));
        assertEquals(held, bob.groups.state(id).ops.size());
        assertTrue(bob.groups.state(id).membership.isMember(bob.id()));
        assertEquals(1, refused(bob, "malformed"), "the format before causal ops is taken only from our inviter");
    }

    @Test
    void senderKeysFromOutsidersOrClaimingAMembersKeyAreRefused() {
        SenderKeyGrant.Builder grant = SenderKeyGrant.newBuilder().setGroupId(ByteString.copyFrom(id.bytes()))
                .setKeyId(ByteString.copyFrom(bob.groups.state(id).ownKey.keyId())).setIteration(0)
                .setChainKey(ByteString.copyFrom(new byte[32]));
        control(mallory, alice, GroupSignal.newBuilder().setSenderKey(grant));
        assertEquals(1, refused(alice, "not-a-member"));

        alice.await(alice.groups.invite(id, mallory.id(), false));
        loop.advance(Duration.ofSeconds(5));
        control(mallory, alice, GroupSignal.newBuilder().setSenderKey(grant));
        assertEquals(1, refused(alice, "forged"), "mallory, now a member, claims bob's key");

        control(mallory, alice, GroupSignal.newBuilder().setSenderKey(grant.setKeyId(ByteString.copyFrom(new byte[5]))));
        assertTrue(alice.penalties.get(mallory.id()) >= Misbehaviour.MALFORMED.penalty());
    }

    @Test
    void aMembersGrantForwardedToANewcomerAsAnothersIsRefusedAndTheOwnersIsTaken() {
        alice.await(alice.groups.invite(id, mallory.id(), false));
        loop.advance(Duration.ofSeconds(5));
        mallory.await(mallory.groups.join(id));
        loop.advance(Duration.ofSeconds(5));
        GroupNode carol = new GroupNode("carol", 4, loop, directory, RANDOM);
        GroupNode.link(carol, alice);
        GroupNode.link(carol, mallory);
        loop.advance(Duration.ofSeconds(5));
        SenderKey bobsKey = bob.groups.state(id).ownKey;
        SenderKeyGrant bobsGrant = SenderKeyDistribution.grant(id, bob.id(), bobsKey,
                new SenderKey.Step(bobsKey.iteration(), bobsKey.chainKey())).build();

        alice.await(alice.groups.invite(id, carol.id(), false));
        loop.advance(Duration.ofSeconds(5));
        assertTrue(carol.groups.state(id).membership.isMember(carol.id()));
        control(mallory, carol, GroupSignal.newBuilder().setSenderKey(bobsGrant.toBuilder()));
        ByteString bobsKeyId = ByteString.copyFrom(bobsKey.keyId());
        assertEquals(null, carol.groups.state(id).keyOwners.get(bobsKeyId), "bob's key is not mallory's");
        assertEquals(1, carol.groups.refusedIn(id).getOrDefault("forged", 0L));
        assertEquals(Misbehaviour.FORGED.penalty(), carol.penalties.get(mallory.id()));

        GroupNode.link(carol, bob);
        loop.advance(Duration.ofSeconds(30));
        assertEquals(bob.id(), carol.groups.state(id).keyOwners.get(bobsKeyId));
        assertEquals(null, carol.penalties.get(bob.id()), "bob is not scored down as a forger");
    }

    @Test
    void aRemovedAdminCannotTakeTheGroupBackWithBackdatedOpsWhicheverArrivesFirst() {
        GroupNode carol = new GroupNode("carol", 4, loop, directory, RANDOM);
        GroupNode dave = new GroupNode("dave", 5, loop, directory, RANDOM);
        GroupNode.linkAll(List.of(alice, bob, carol, dave));
        loop.advance(Duration.ofSeconds(5));
        alice.await(alice.groups.invite(id, bob.id(), true));
        alice.await(alice.groups.invite(id, carol.id(), false));
        alice.await(alice.groups.invite(id, dave.id(), false));
        loop.advance(Duration.ofSeconds(5));
        List<MembershipOp> before = bob.groups.state(id).membership.heads();
        GroupNode.unlink(bob, dave); // dave will hear of alice's removal only after her backdated ops
        bob.await(bob.groups.remove(id, alice.id()));
        loop.advance(Duration.ofSeconds(5));
        assertFalse(carol.groups.state(id).membership.isMember(alice.id()));
        assertTrue(dave.groups.state(id).membership.isMember(alice.id()));

        // Alice, removed, signs ops that name only what came before her removal.
        Identity puppet = Identity.generate("puppet", RANDOM);
        MembershipOps.Builder backdated = MembershipOps.newBuilder()
                .addOps(MembershipOp.sign(alice.identity, id, MembershipOp.Kind.ADD, puppet.peerId(), true, before, 0,
                        "", new byte[0]).toProto())
                .addOps(MembershipOp.sign(alice.identity, id, MembershipOp.Kind.REMOVE, carol.id(), false, before, 0,
                        "", new byte[0]).toProto());
        control(alice, carol, GroupSignal.newBuilder().setOps(backdated));
        control(alice, dave, GroupSignal.newBuilder().setOps(backdated));
        GroupNode.link(bob, dave);
        loop.advance(Duration.ofSeconds(30));

        for (GroupNode member : List.of(carol, dave)) {
            Membership membership = member.groups.state(id).membership;
            assertFalse(membership.isMember(alice.id()), "alice stays removed");
            assertFalse(membership.isMember(puppet.peerId()), "her puppet is not let in");
            assertTrue(membership.isMember(carol.id()), "her removal of carol loses");
            assertTrue(membership.isAdmin(bob.id()));
        }
        assertEquals(carol.groups.state(id).membership.members(), dave.groups.state(id).membership.members());
    }

    @Test
    void aMemberAboutToBeRemovedCannotBlockItsRemovalByFloodingTheOpLog() {
        GroupNode carol = new GroupNode("carol", 4, loop, directory, RANDOM);
        GroupNode.link(carol, alice);
        GroupNode.link(carol, bob);
        loop.advance(Duration.ofSeconds(5));
        alice.await(alice.groups.invite(id, carol.id(), false));
        loop.advance(Duration.ofSeconds(5));
        int held = carol.groups.state(id).ops.size();
        List<MembershipOp> heads = carol.groups.state(id).membership.heads();
        int room = Groups.MAX_OPS - held;
        for (int sent = 0; sent < room; sent += Groups.MAX_OPS_PER_MESSAGE) {
            MembershipOps.Builder junk = MembershipOps.newBuilder();
            for (int i = 0; i < Math.min(Groups.MAX_OPS_PER_MESSAGE, room - sent); i++) {
                MembershipOp.Kind kind = i % 2 == 0 ? MembershipOp.Kind.ADD : MembershipOp.Kind.REMOVE;
                junk.addOps(MembershipOp.sign(bob.identity, id, kind, kind == MembershipOp.Kind.ADD
                        ? Identity.generate("junk", RANDOM).peerId() : alice.id(), true, heads, sent + i, "",
                        new byte[0]).toProto());
            }
            control(bob, carol, GroupSignal.newBuilder().setOps(junk));
        }
        assertEquals(held, carol.groups.state(id).ops.size(), "no junk kept");
        assertTrue(carol.groups.state(id).membership.isMember(bob.id()));
        assertTrue(carol.groups.state(id).membership.isAdmin(alice.id()));
        alice.await(alice.groups.remove(id, bob.id()));
        loop.advance(Duration.ofSeconds(30));
        assertFalse(carol.groups.state(id).membership.isMember(bob.id()), "the removal went through");
    }

    @Test
    void anExMemberCannotFloodTheOpLogThroughTheInvitationPath() {
        alice.await(alice.groups.remove(id, bob.id()));
        loop.advance(Duration.ofSeconds(5));
        int held = alice.groups.state(id).ops.size();
        List<MembershipOp> heads = alice.groups.state(id).membership.heads();
        MembershipOpProto create = alice.groups.state(id).ops.values().stream()
                .filter(op -> op.kind() == MembershipOp.Kind.CREATE).findFirst().orElseThrow().toProto();
        GroupInvite.Builder invite = GroupInvite.newBuilder().addOps(create);
        for (int i = 0; i < Groups.MAX_OPS_PER_MESSAGE - 1; i++) {
            invite.addOps(MembershipOp.sign(bob.identity, id, MembershipOp.Kind.ADD,
                    Identity.generate("junk", RANDOM).peerId(), true, heads, i, "", new byte[0]).toProto());
        }
        control(mallory, alice, GroupSignal.newBuilder().setInvite(invite));
        assertEquals(1, refused(alice, "not-a-member"), "a stranger's invitation to a group we are in");
        control(bob, alice, GroupSignal.newBuilder().setInvite(invite));
        assertEquals(held, alice.groups.state(id).ops.size(), "nothing kept from the ex-member");
    }

    @Test
    void malformedOversizedForgedAndReplayedPostsAreRefusedAndNothingIsStored() {
        bob.await(bob.groups.send(id, "genuine"));
        loop.advance(Duration.ofSeconds(2));
        byte[] genuine = alice.posts.get(alice.posts.size() - 1);
        assertEquals(1, alice.history(id).size());

        post(alice, new byte[] {1, 2, 3});
        assertEquals(1, refused(alice, "malformed"));
        post(alice, new byte[GroupPost.MAX_SIZE + 1]);
        assertEquals(1, refused(alice, "too-large"));
        post(alice, java.util.Arrays.copyOf(genuine, genuine.length - 10));
        assertEquals(2, refused(alice, "malformed"), "a truncated post");
        post(alice, genuine);
        assertEquals(1, refused(alice, "replayed"));

        GroupPost second = GroupsTest.parse(GroupsTest.seal(GroupsTest.copy(bob.groups.state(id).ownKey), id,
                "second", 9));
        byte[] ciphertext = second.ciphertext().clone();
        ciphertext[0] ^= 1;
        post(alice, new GroupPost(second.keyId(), second.iteration(), ciphertext, second.signature()).toBytes());
        assertEquals(1, refused(alice, "forged"));
        assertEquals(List.of("genuine"), alice.history(id).stream().map(GroupMessageRecord::text).toList());
    }

    @Test
    void postsFromTheMailboxesGoThroughEveryCheckAndScoreNobodyDown() {
        bob.await(bob.groups.send(id, "genuine"));
        loop.advance(Duration.ofSeconds(2));
        byte[] genuine = alice.posts.get(alice.posts.size() - 1);
        alice.penalties.clear();

        alice.groups.receiveMailedPosts(id.topic(), List.of(genuine));
        loop.runUntilIdle();
        assertEquals(0, refused(alice, "replayed"), "a replica hands over all it holds: a copy we have is no replay");

        GroupPost second = GroupsTest.parse(GroupsTest.seal(GroupsTest.copy(bob.groups.state(id).ownKey), id,
                "second", 9));
        byte[] ciphertext = second.ciphertext().clone();
        ciphertext[0] ^= 1;
        byte[] outsiders = SenderKey.generate(RANDOM).seal("let me in".getBytes(), id.bytes(), loop.nowMillis(),
                RANDOM).toBytes();
        alice.groups.receiveMailedPosts(id.topic(), List.of(
                new GroupPost(second.keyId(), second.iteration(), ciphertext, second.signature()).toBytes(),
                outsiders, new byte[] {1, 2, 3}));
        alice.groups.receiveMailedPosts("g/" + "00".repeat(20), List.of(outsiders));
        loop.advance(Groups.PENDING_LIFETIME.plus(Groups.BEAT.multipliedBy(2)));
        assertEquals(1, refused(alice, "forged"));
        assertEquals(1, refused(alice, "malformed"));
        assertEquals(1, refused(alice, "unknown-key"), "a key no member handed out never comes");
        assertTrue(alice.penalties.isEmpty(), "a replica cannot know what only members check: "
                + alice.penalties);
        assertEquals(List.of("genuine"), alice.history(id).stream().map(GroupMessageRecord::text).toList());
    }

    @Test
    void oversizedOrEmptyTextIsRefusedAtSend() {
        CompletionException tooLong = assertThrows(CompletionException.class,
                () -> alice.await(alice.groups.send(id, "x".repeat(Groups.MAX_TEXT_BYTES + 1))));
        assertTrue(tooLong.getCause().getMessage().contains("the limit is " + Groups.MAX_TEXT_BYTES));
        assertThrows(CompletionException.class, () -> alice.await(alice.groups.send(id, "")));
        assertThrows(CompletionException.class, () -> alice.await(alice.groups.create("")));
        assertThrows(CompletionException.class, () -> alice.await(alice.groups.create("x".repeat(65))));
        assertThrows(CompletionException.class, () -> bob.await(bob.groups.invite(id, mallory.id(), false)),
                "bob is no admin");
        assertThrows(CompletionException.class, () -> mallory.await(mallory.groups.join(id)), "not invited");
        assertTrue(alice.history(id).isEmpty());
    }

    @Test
    void logRequestsFromOutsidersGetNothingAndMalformedOnesCost() {
        bob.await(bob.groups.send(id, "secret"));
        loop.advance(Duration.ofSeconds(2));
        List<ByteString> heads = alice.groups.state(id).log.heads();
        control(mallory, alice, GroupSignal.newBuilder().setBackfillRequest(LogIds.newBuilder()
                .setGroupId(ByteString.copyFrom(id.bytes())).addAllIds(heads)));
        loop.advance(Duration.ofSeconds(1));
        assertEquals(1, refused(alice, "not-a-member"));
        assertTrue(mallory.posts.isEmpty());

        control(mallory, alice, GroupSignal.newBuilder().setHeads(LogIds.newBuilder()
                .setGroupId(ByteString.copyFrom(id.bytes())).addIds(ByteString.copyFrom(new byte[7]))));
        assertEquals(Misbehaviour.NOT_A_MEMBER.penalty() + Misbehaviour.MALFORMED.penalty(),
                alice.penalties.get(mallory.id()));

        BackfillPosts.Builder flood = BackfillPosts.newBuilder().setGroupId(ByteString.copyFrom(id.bytes()));
        for (int i = 0; i <= Groups.MAX_BACKFILL_POSTS; i++) {
            flood.addPosts(ByteString.copyFrom(new byte[] {1}));
        }
        control(bob, alice, GroupSignal.newBuilder().setBackfill(flood));
        assertEquals(Misbehaviour.TOO_LARGE.penalty(), alice.penalties.get(bob.id()));
        assertEquals(1, alice.history(id).size());
    }

    /**
     * A member chooses its post's Lamport number and parents. Bob names Alice's second post as
     * his parent but claims Lamport number 1, to show his post before both of hers.
     */
    @Test
    void aPostBackdatedBelowItsParentsIsRefused() {
        alice.await(alice.groups.send(id, "first"));
        alice.await(alice.groups.send(id, "second"));
        loop.advance(Duration.ofSeconds(2));
        List<ByteString> heads = bob.groups.state(id).log.heads();

        post(alice, sealedBy(bob, "backdated", 1, heads));

        assertEquals(List.of("first", "second"), texts(alice));
        assertEquals(1, refused(alice, "out-of-order"));
    }

    /**
     * Bob claims the largest Lamport number there is: every later post would have to be numbered
     * above it, past the limit every member enforces, and the group would fall silent.
     */
    @Test
    void aPostFromTheFarFutureIsRefusedAndTheGroupGoesOn() {
        alice.await(alice.groups.send(id, "first"));
        loop.advance(Duration.ofSeconds(2));

        post(alice, sealedBy(bob, "the end", 1L << 53, bob.groups.state(id).log.heads()));
        alice.await(alice.groups.send(id, "after"));
        loop.advance(Duration.ofSeconds(2));

        assertEquals(List.of("first", "after"), texts(bob));
        assertEquals(1, refused(alice, "out-of-order"));
    }

    /** Parents we lack cannot be checked; those we hold still bound the number from below. */
    @Test
    void aPostWithAParentWeLackIsNumberedAboveTheParentsWeHold() {
        alice.await(alice.groups.send(id, "first"));
        alice.await(alice.groups.send(id, "second"));
        loop.advance(Duration.ofSeconds(2));
        List<ByteString> parents = new ArrayList<>(bob.groups.state(id).log.heads());
        byte[] unknown = new byte[32];
        RANDOM.nextBytes(unknown);
        parents.add(ByteString.copyFrom(unknown));

        post(alice, sealedBy(bob, "below", 2, parents));
        assertEquals(1, refused(alice, "out-of-order"));
        post(alice, sealedBy(bob, "above", 7, parents));

        assertEquals(List.of("first", "second", "above"), texts(alice));
    }

    private List<String> texts(GroupNode node) {
        return node.history(id).stream().map(GroupMessageRecord::text).toList();
    }

    /** A post as {@code member}'s client would seal it, with the order fields of its choosing. */
    private byte[] sealedBy(GroupNode member, String text, long lamport, List<ByteString> parents) {
        byte[] messageId = new byte[16];
        RANDOM.nextBytes(messageId);
        GroupText plain = GroupText.newBuilder().setMessageId(ByteString.copyFrom(messageId))
                .setSentAtMs(loop.nowMillis()).setLamport(lamport).addAllParents(parents).setText(text).build();
        return member.groups.state(id).ownKey.seal(plain.toByteArray(), id.bytes(), loop.nowMillis(), RANDOM)
                .toBytes();
    }
}
