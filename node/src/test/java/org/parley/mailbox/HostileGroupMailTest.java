package org.parley.mailbox;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.parley.groups.GroupPost;
import org.parley.groups.SenderKey;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.link.EmbeddedLinks;
import org.parley.messaging.PrekeyBundles;
import org.parley.overlay.dht.DhtKey;
import org.parley.overlay.record.PeerRecord;
import org.parley.proto.wire.v1.Frame;
import org.parley.proto.wire.v1.GroupDeposit;
import org.parley.proto.wire.v1.GroupFetch;
import org.parley.proto.wire.v1.GroupPostProto;
import org.parley.proto.wire.v1.GroupPosts;
import org.parley.proto.wire.v1.MailboxFrame;
import org.parley.proto.wire.v1.StoreAnswer.Outcome;
import org.parley.runtime.VirtualScheduler;

/**
 * Group deposits, fetches and answers no honest peer sends: malformed, truncated, oversized,
 * forged, replayed, unasked, of another topic. Each is refused with a penalty for the link it came
 * on (an unasked answer is only ignored, as late answers are honest), and nothing held is lost.
 */
class HostileGroupMailTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String TOPIC = "g/" + "3c".repeat(20);
    private static final byte[] GROUP = new byte[16];

    private final VirtualScheduler loop = new VirtualScheduler(1_767_225_600_000L);
    private final Identity replicaIdentity = Identity.generate("replica", RANDOM);
    private final Identity alice = Identity.generate("alice", RANDOM);
    private final Identity bob = Identity.generate("bob", RANDOM);
    private final Identity mallory = Identity.generate("mallory", RANDOM);
    private final SenderKey alicesKey = SenderKey.generate(RANDOM);
    private final EmbeddedLinks links = new EmbeddedLinks();
    private final List<byte[]> taken = new ArrayList<>();
    private final Mailbox replica;

    HostileGroupMailTest() {
        List.of(alice.peerId(), bob.peerId(), mallory.peerId()).forEach(links::open);
        replica = mailboxOf(replicaIdentity, links, List.of());
        replica.start();
    }

    private Mailbox mailboxOf(Identity self, EmbeddedLinks on, List<PeerRecord> replicas) {
        ReplicaFinder finder = new ReplicaFinder() {
            @Override
            public List<PeerRecord> closest(PeerId recipient, int count) {
                return List.of();
            }

            @Override
            public List<PeerRecord> closestToKey(DhtKey key, int count) {
                return replicas;
            }
        };
        Mailbox mailbox = Mailbox.inMemory(self, on, loop, loop, MailboxConfig.defaults(), finder,
                new RelayOutbox() {
                    @Override
                    public List<org.parley.messaging.RelayItem> awaitingRelay() {
                        return List.of();
                    }

                    @Override
                    public void relayed(PeerId recipient, org.parley.messaging.MessageId id, int count) {
                    }
                }, (from, envelope) -> CompletableFuture.completedFuture(null));
        mailbox.fetchGroupPostsFor(() -> List.of(TOPIC), (topic, posts) -> {
            assertEquals(TOPIC, topic);
            taken.addAll(posts);
        });
        return mailbox;
    }

    private byte[] post(String text) {
        return alicesKey.seal(text.getBytes(), GROUP, loop.nowMillis(), RANDOM).toBytes();
    }

    private void receive(Identity from, MailboxFrame.Builder frame) {
        replica.frameReceived(from.peerId(), Frame.newBuilder().setMailbox(frame).build());
        loop.runUntilIdle();
    }

    private Outcome deposit(Identity from, long requestId, String topic, byte[] post) {
        receive(from, MailboxFrame.newBuilder().setRequestId(requestId).setGroupDeposit(GroupDeposit.newBuilder()
                .setTopic(topic).setPost(ByteString.copyFrom(post))));
        List<Frame> answers = links.takeSent(from.peerId());
        assertEquals(1, answers.size());
        assertEquals(requestId, answers.get(0).getMailbox().getRequestId());
        return answers.get(0).getMailbox().getGroupStored().getOutcome();
    }

    private GroupPosts fetch(Identity from, String topic, long after) {
        receive(from, MailboxFrame.newBuilder().setRequestId(9)
                .setGroupFetch(GroupFetch.newBuilder().setTopic(topic).setAfter(after)));
        List<Frame> answers = links.takeSent(from.peerId());
        return answers.isEmpty() ? null : answers.get(0).getMailbox().getGroupPosts();
    }

    private double penalty(Identity peer) {
        return links.penalties().getOrDefault(peer.peerId(), 0.0);
    }

    @Test
    void aForgedTruncatedOversizedOrMisaddressedPostIsRefusedAndNotHeld() {
        byte[] honest = post("hello");
        GroupPostProto proto = parse(honest);
        byte[] signature = proto.getSignature().toByteArray();
        signature[5] ^= 1;
        assertEquals(Outcome.INVALID, deposit(mallory, 1, TOPIC,
                proto.toBuilder().setSignature(ByteString.copyFrom(signature)).build().toByteArray()));
        assertEquals(50, penalty(mallory));
        byte[] ciphertext = proto.getCiphertext().toByteArray();
        ciphertext[0] ^= 1;
        assertEquals(Outcome.INVALID, deposit(mallory, 2, TOPIC,
                proto.toBuilder().setCiphertext(ByteString.copyFrom(ciphertext)).build().toByteArray()),
                "a changed copy of alice's post");
        assertEquals(100, penalty(mallory));

        assertEquals(Outcome.INVALID, deposit(mallory, 3, TOPIC, java.util.Arrays.copyOf(honest, honest.length - 9)));
        assertEquals(Outcome.INVALID, deposit(mallory, 4, TOPIC, new byte[GroupPost.MAX_SIZE + 1]));
        assertEquals(Outcome.INVALID, deposit(mallory, 5, TOPIC, new byte[0]));
        assertEquals(Outcome.INVALID, deposit(mallory, 6, "g/" + "3C".repeat(20), honest), "not a topic's shape");
        assertEquals(Outcome.INVALID, deposit(mallory, 7, "dm/" + "3c".repeat(20), honest));
        assertEquals(Outcome.INVALID, deposit(mallory, 8, "", honest));
        assertEquals(100 + 6 * 20, penalty(mallory));
        assertEquals(0, replica.groupPostsHeldForOthers());

        assertEquals(Outcome.STORED, deposit(alice, 9, TOPIC, honest));
        assertEquals(0, penalty(alice));
        assertEquals(1, replica.groupPostsHeldForOthers());
    }

    @Test
    void aReplayedDepositIsHeldOnceAndFetchesPageThroughWhatIsHeld() {
        byte[] first = post("one");
        assertEquals(Outcome.STORED, deposit(alice, 1, TOPIC, first));
        assertEquals(Outcome.STORED, deposit(alice, 2, TOPIC, first));
        assertEquals(Outcome.STORED, deposit(mallory, 3, TOPIC, first));
        assertEquals(1, replica.groupPostsHeldForOthers(), "held once, however often it comes");
        assertEquals(0, penalty(mallory), "a copy again is no fault: members' posts may come twice");
        for (int i = 0; i < 200; i++) {
            loop.advance(Duration.ofMillis(1));
            deposit(alice, 10 + i, TOPIC, alicesKey.seal(new byte[2000], GROUP, loop.nowMillis(), RANDOM).toBytes());
        }

        List<ByteString> fetched = new ArrayList<>();
        long after = 0;
        int answers = 0;
        while (true) {
            GroupPosts page = fetch(bob, TOPIC, after);
            answers++;
            assertEquals(TOPIC, page.getTopic());
            fetched.addAll(page.getPostsList());
            after = page.getLast();
            if (!page.getMore()) {
                break;
            }
        }
        assertTrue(answers >= 2, "over 256 KiB takes more than one answer");
        assertEquals(201, fetched.size());
        assertEquals(201, fetched.stream().distinct().count());
        assertArrayEquals(first, fetched.get(0).toByteArray(), "oldest first");
        assertEquals(0, fetch(bob, TOPIC, after).getPostsCount(), "nothing after the last cursor");
        assertEquals(0, fetch(bob, "g/" + "00".repeat(20), 0).getPostsCount(), "nothing held for another topic");

        assertEquals(null, fetch(mallory, "not a topic", 0));
        assertEquals(20, penalty(mallory));
    }

    @Test
    void postsNobodyAskedForOrForgedOrOfAnotherTopicAreNotTakenIn() {
        EmbeddedLinks bobsLinks = new EmbeddedLinks();
        bobsLinks.open(replicaIdentity.peerId());
        PeerRecord replicaRecord = PeerRecord.create(replicaIdentity, List.of("10.0.0.9:7000"), 1, loop.nowMillis(),
                Duration.ofHours(1).toMillis(), PrekeyBundles.throwaway(replicaIdentity, RANDOM, loop.nowMillis()));
        Mailbox bobs = mailboxOf(bob, bobsLinks, List.of(replicaRecord));
        bobs.start();
        PeerId from = replicaIdentity.peerId();
        byte[] honest = post("hello");
        GroupPostProto proto = parse(honest);
        byte[] signature = proto.getSignature().toByteArray();
        signature[0] ^= 1;
        byte[] forged = proto.toBuilder().setSignature(ByteString.copyFrom(signature)).build().toByteArray();

        answer(bobs, from, 999, GroupPosts.newBuilder().setTopic(TOPIC).addPosts(ByteString.copyFrom(honest))
                .setLast(5));
        assertTrue(taken.isEmpty(), "an answer to no request of ours");
        assertTrue(bobsLinks.penalties().isEmpty(), "a late answer is no fault");

        loop.advance(MailboxConfig.defaults().firstPickup());
        GroupFetch asked = lastFetch(bobsLinks, from);
        assertEquals(TOPIC, asked.getTopic());
        assertEquals(0, asked.getAfter());
        answer(bobs, from, lastRequestId, GroupPosts.newBuilder().setTopic(TOPIC).setLast(5)
                .addPosts(ByteString.copyFrom(honest)).addPosts(ByteString.copyFrom(forged)));
        assertTrue(taken.isEmpty(), "an answer with a forged post is dropped whole");
        assertEquals(50, bobsLinks.penalties().get(from));

        loop.advance(Duration.ofSeconds(6));
        lastFetch(bobsLinks, from);
        answer(bobs, from, lastRequestId, GroupPosts.newBuilder().setTopic("g/" + "00".repeat(20)).setLast(5)
                .addPosts(ByteString.copyFrom(honest)));
        assertTrue(taken.isEmpty(), "posts of a topic we did not ask for");
        assertEquals(70, bobsLinks.penalties().get(from));

        loop.advance(Duration.ofSeconds(12));
        lastFetch(bobsLinks, from);
        answer(bobs, from, lastRequestId, GroupPosts.newBuilder().setTopic(TOPIC).setLast(0)
                .addPosts(ByteString.copyFrom(honest)));
        assertTrue(taken.isEmpty(), "a cursor that does not move on would have us ask for ever");
        assertEquals(90, bobsLinks.penalties().get(from));

        loop.advance(Duration.ofSeconds(24));
        lastFetch(bobsLinks, from);
        GroupPosts.Builder tooMany = GroupPosts.newBuilder().setTopic(TOPIC).setLast(5);
        for (int i = 0; i <= GroupPostCarrier.MAX_POSTS_PER_ANSWER; i++) {
            tooMany.addPosts(ByteString.copyFrom(honest));
        }
        answer(bobs, from, lastRequestId, tooMany);
        assertTrue(taken.isEmpty(), "more posts than any replica holds for a topic");
        assertEquals(110, bobsLinks.penalties().get(from));

        loop.advance(Duration.ofSeconds(48));
        lastFetch(bobsLinks, from);
        answer(bobs, from, lastRequestId, GroupPosts.newBuilder().setTopic(TOPIC).setLast(5)
                .addPosts(ByteString.copyFrom(honest)).setMore(true));
        assertEquals(1, taken.size());
        assertArrayEquals(honest, taken.get(0));
        assertEquals(5, lastFetch(bobsLinks, from).getAfter(), "more waits: asked again at once, after the cursor");
        answer(bobs, from, lastRequestId, GroupPosts.newBuilder().setTopic(TOPIC).setLast(5));
        answer(bobs, from, lastRequestId, GroupPosts.newBuilder().setTopic(TOPIC).setLast(7)
                .addPosts(ByteString.copyFrom(honest)));
        assertEquals(1, taken.size(), "one answer per request");

        loop.advance(Duration.ofSeconds(60));
        assertEquals(5, lastFetch(bobsLinks, from).getAfter(), "the next round asks after the cursor too");
        assertEquals(110, bobsLinks.penalties().get(from));
    }

    private long lastRequestId;

    private GroupFetch lastFetch(EmbeddedLinks on, PeerId to) {
        List<Frame> sent = on.takeSent(to);
        MailboxFrame last = sent.get(sent.size() - 1).getMailbox();
        assertTrue(last.hasGroupFetch(), last.toString());
        lastRequestId = last.getRequestId();
        return last.getGroupFetch();
    }

    private void answer(Mailbox to, PeerId from, long requestId, GroupPosts.Builder posts) {
        to.frameReceived(from, Frame.newBuilder().setMailbox(MailboxFrame.newBuilder().setRequestId(requestId)
                .setGroupPosts(posts)).build());
        loop.runUntilIdle();
    }

    private static GroupPostProto parse(byte[] post) {
        try {
            return GroupPostProto.parseFrom(post);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aHeldPostIsOfferedToTheTopicsClosestPeersUntilEachSaysItHoldsIt() {
        EmbeddedLinks holderLinks = new EmbeddedLinks();
        List.of(alice.peerId(), bob.peerId(), mallory.peerId()).forEach(holderLinks::open);
        Mailbox holder = mailboxOf(replicaIdentity, holderLinks, List.of(recordOf(bob), recordOf(mallory),
                recordOf(alice)));
        holder.start();
        byte[] post = post("keep me");
        holder.frameReceived(alice.peerId(), Frame.newBuilder().setMailbox(MailboxFrame.newBuilder().setRequestId(1)
                .setGroupDeposit(GroupDeposit.newBuilder().setTopic(TOPIC).setPost(ByteString.copyFrom(post))))
                .build());
        loop.runUntilIdle();
        holderLinks.sent().clear();

        Duration round = MailboxConfig.defaults().repairInterval();
        loop.advance(round);
        List<MailboxFrame> toBob = deposits(holderLinks, bob.peerId());
        assertEquals(1, toBob.size());
        assertArrayEquals(post, toBob.get(0).getGroupDeposit().getPost().toByteArray());
        assertEquals(TOPIC, toBob.get(0).getGroupDeposit().getTopic());
        assertEquals(1, deposits(holderLinks, mallory.peerId()).size());
        assertTrue(deposits(holderLinks, alice.peerId()).isEmpty(), "alice handed it over: she has it");
        holder.frameReceived(bob.peerId(), Frame.newBuilder().setMailbox(MailboxFrame.newBuilder()
                .setRequestId(toBob.get(0).getRequestId()).setGroupStored(org.parley.proto.wire.v1.StoreAnswer
                        .newBuilder().setOutcome(Outcome.STORED))).build());
        loop.runUntilIdle();

        loop.advance(round);
        assertTrue(deposits(holderLinks, bob.peerId()).isEmpty(), "bob said he holds it");
        assertEquals(1, deposits(holderLinks, mallory.peerId()).size(), "mallory did not: offered again");
    }

    private PeerRecord recordOf(Identity peer) {
        return PeerRecord.create(peer, List.of("10.0.0.7:7000"), 1, loop.nowMillis(), Duration.ofDays(1).toMillis(),
                PrekeyBundles.throwaway(peer, RANDOM, loop.nowMillis()));
    }

    private static List<MailboxFrame> deposits(EmbeddedLinks on, PeerId to) {
        return on.takeSent(to).stream().map(Frame::getMailbox).filter(MailboxFrame::hasGroupDeposit).toList();
    }

    @Test
    void aDepositGoesToTheTopicsReplicasAndOnlyThere() {
        EmbeddedLinks alicesLinks = new EmbeddedLinks();
        alicesLinks.open(replicaIdentity.peerId());
        PeerRecord replicaRecord = PeerRecord.create(replicaIdentity, List.of("10.0.0.9:7000"), 1, loop.nowMillis(),
                Duration.ofHours(1).toMillis(), PrekeyBundles.throwaway(replicaIdentity, RANDOM, loop.nowMillis()));
        Mailbox alices = mailboxOf(alice, alicesLinks, List.of(replicaRecord));
        byte[] honest = post("hello");
        alices.depositGroupPost(TOPIC, honest);
        List<Frame> sent = alicesLinks.takeSent(replicaIdentity.peerId());
        assertEquals(1, sent.size());
        GroupDeposit deposit = sent.get(0).getMailbox().getGroupDeposit();
        assertEquals(TOPIC, deposit.getTopic());
        assertArrayEquals(honest, deposit.getPost().toByteArray());
        assertFalse(alicesLinks.sent().containsKey(bob.peerId()));
    }
}
