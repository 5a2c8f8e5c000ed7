package org.parley.mailbox;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.parley.groups.GroupException;
import org.parley.groups.GroupPost;
import org.parley.identity.PeerId;
import org.parley.link.Misbehaviour;
import org.parley.link.Neighbours;
import org.parley.overlay.dht.DhtKey;
import org.parley.overlay.record.PeerRecord;
import org.parley.proto.wire.v1.GroupDeposit;
import org.parley.proto.wire.v1.GroupFetch;
import org.parley.proto.wire.v1.GroupPosts;
import org.parley.proto.wire.v1.MailboxFrame;
import org.parley.runtime.Scheduler;

/**
 * A member's part for group channels: deposits each post it makes with the k peers closest to the
 * DHT key of the group's topic (a fixed number of copies per post, whatever the group's size, and
 * no need to know who is away), and asks the 2k closest for each joined group's posts at each of
 * the {@link PickupRounds}, so a member that comes back while no other member is online still
 * catches up. Per replica and topic it remembers the cursor of the
 * last post taken, so a later round asks only for what came since. Confined to the node's loop.
 */
final class GroupPostCarrier {
    /** Keeps the DHT key of a topic's posts apart from any other use of the topic's bytes. */
    private static final String KEY_PREFIX = "parley-group-posts-v1:";
    /** Posts one answer may carry: no more than a replica holds for a topic by default. */
    static final int MAX_POSTS_PER_ANSWER = 2048;
    /** Time for a new neighbour's record to arrive after its link is up. */
    private static final Duration RECORD_GRACE = Duration.ofSeconds(2);

    /** A fetch we sent: to whom, for which topic, after which cursor. */
    private record Asked(PeerId peer, String topic, long after) {
    }

    private final Neighbours links;
    private final MailCourier courier;
    private final ReplicaFinder finder;
    private final Scheduler scheduler;
    private final MailboxConfig config;
    private final Map<Long, Asked> asked = new HashMap<>();
    private final Map<String, Map<PeerId, Long>> cursors = new HashMap<>();
    private Supplier<Collection<String>> topics = List::of;
    private GroupPostSink sink = (topic, posts) -> { };
    private final PickupRounds rounds;

    GroupPostCarrier(Neighbours links, MailCourier courier, ReplicaFinder finder, Scheduler scheduler,
                     MailboxConfig config) {
        this.links = links;
        this.courier = courier;
        this.finder = finder;
        this.scheduler = scheduler;
        this.config = config;
        this.rounds = new PickupRounds(scheduler, config, this::round);
    }

    /** The DHT key under which replicas hold a topic's posts. */
    static DhtKey keyOf(String topic) {
        return DhtKey.ofBytes((KEY_PREFIX + topic).getBytes(StandardCharsets.UTF_8));
    }

    /** Which topics to fetch posts for (the joined groups'), and where fetched posts go. */
    void fetchFor(Supplier<Collection<String>> topics, GroupPostSink sink) {
        this.topics = topics;
        this.sink = sink;
    }

    void start() {
        rounds.start();
    }

    void stop() {
        rounds.stop();
    }

    /**
     * A link came up: if the peer holds posts of one of our topics, ask it soon — once its record,
     * which follows the link's first frames, tells us where it sits. A member back from away
     * thus asks the replicas as it finds them, not only at the next round.
     */
    void peerConnected(PeerId peer) {
        scheduler.schedule(RECORD_GRACE, () -> {
            if (rounds.stopped() || !links.isConnected(peer)) {
                return;
            }
            for (String topic : List.copyOf(topics.get())) {
                boolean replica = finder.closestToKey(keyOf(topic), 2 * config.replicas()).stream()
                        .anyMatch(record -> record.peer().equals(peer));
                if (replica) {
                    courier.sendLinked(peer, fetchFrame(peer, topic));
                }
            }
        });
    }

    /** Hands one of our posts, as it travels on the topic, to the topic's k closest peers. */
    void deposit(String topic, byte[] post) {
        MailboxFrame.Builder frame = MailboxFrame.newBuilder()
                .setGroupDeposit(GroupDeposit.newBuilder().setTopic(topic)
                        .setPost(com.google.protobuf.ByteString.copyFrom(post)));
        for (PeerRecord replica : finder.closestToKey(keyOf(topic), config.replicas())) {
            courier.send(replica, frame.setRequestId(courier.nextRequestId()).build());
        }
    }

    private void round() {
        asked.clear(); // answers to the last round that have not come by now will not come
        for (String topic : List.copyOf(topics.get())) {
            for (PeerRecord replica : finder.closestToKey(keyOf(topic), 2 * config.replicas())) {
                fetch(replica, topic);
            }
        }
    }

    private void fetch(PeerRecord replica, String topic) {
        courier.send(replica, fetchFrame(replica.peer(), topic));
    }

    private MailboxFrame fetchFrame(PeerId peer, String topic) {
        long after = cursors.getOrDefault(topic, Map.of()).getOrDefault(peer, 0L);
        long requestId = courier.nextRequestId();
        asked.put(requestId, new Asked(peer, topic, after));
        return MailboxFrame.newBuilder().setRequestId(requestId)
                .setGroupFetch(GroupFetch.newBuilder().setTopic(topic).setAfter(after)).build();
    }

    /**
     * Posts from a replica we asked. The whole answer is checked before any of it is taken in: a
     * replica that hands over one post out of shape, forged, or a cursor that does not move on, is
     * not trusted with the rest. What the replica cannot check (the sender key's owner is a member,
     * the text opens) the group layer checks, without blaming the replica.
     */
    void received(PeerId from, long requestId, GroupPosts answer) {
        Asked question = asked.get(requestId);
        if (question == null || !question.peer().equals(from)) {
            return; // an answer to nothing we asked of this peer, or a late one: nothing to do
        }
        asked.remove(requestId);
        List<byte[]> posts = new ArrayList<>();
        try {
            if (!answer.getTopic().equals(question.topic())) {
                throw new MailboxException(Misbehaviour.MALFORMED, "posts of another topic");
            }
            if (answer.getPostsCount() > MAX_POSTS_PER_ANSWER) {
                throw new MailboxException(Misbehaviour.MALFORMED, "more posts than a topic holds");
            }
            if (answer.getPostsCount() > 0 && answer.getLast() <= question.after()) {
                throw new MailboxException(Misbehaviour.MALFORMED, "a cursor that does not move on");
            }
            for (com.google.protobuf.ByteString bytes : answer.getPostsList()) {
                GroupPost post;
                try {
                    post = GroupPost.parse(bytes.toByteArray());
                } catch (GroupException e) {
                    throw new MailboxException(Misbehaviour.MALFORMED, e.getMessage());
                }
                if (!post.signatureValid()) {
                    throw new MailboxException(Misbehaviour.FORGED, "a post whose signature fails");
                }
                posts.add(bytes.toByteArray());
            }
        } catch (MailboxException e) {
            links.penalize(from, e.reason(), "group posts: " + e.getMessage());
            return;
        }
        if (answer.getPostsCount() > 0) {
            cursors.computeIfAbsent(question.topic(), topic -> new HashMap<>()).put(from, answer.getLast());
            sink.take(question.topic(), posts);
        }
        if (answer.getMore() && answer.getPostsCount() > 0 && !rounds.stopped()) {
            courier.sendLinked(from, fetchFrame(from, question.topic()));
        }
    }
}
