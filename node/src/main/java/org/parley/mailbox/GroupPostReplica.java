package org.parley.mailbox;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;
import org.parley.groups.GroupException;
import org.parley.groups.GroupId;
import org.parley.groups.GroupPost;
import org.parley.identity.PeerId;
import org.parley.link.Misbehaviour;
import org.parley.link.Neighbours;
import org.parley.overlay.record.PeerRecord;
import org.parley.proto.wire.v1.GroupDeposit;
import org.parley.proto.wire.v1.GroupFetch;
import org.parley.proto.wire.v1.GroupPosts;
import org.parley.proto.wire.v1.MailboxFrame;
import org.parley.proto.wire.v1.StoreAnswer;
import org.parley.proto.wire.v1.StoreAnswer.Outcome;
import org.parley.runtime.Clock;
import org.parley.runtime.Scheduler;

/**
 * The replica's part for group channels: holds the posts members deposit under a group's topic,
 * within its limits, and hands them to whoever asks for the topic's posts after a cursor. A
 * replica checks what it can without being a member: the topic's shape, the post's shape and size,
 * and the post's signature under the sender key it names (so nobody can pass off a changed copy of
 * someone's post); whether that key belongs to a member only members know, and they check it as
 * they check posts from gossip. Anyone who knows the topic may fetch: what it gets is what gossip
 * relays see anyway, ciphertext. Confined to the node's loop.
 */
final class GroupPostReplica {
    private static final Logger LOG = Logger.getLogger(GroupPostReplica.class.getName());
    /** Deposits one repair round sends at most. */
    private static final int REPAIRS_PER_ROUND = 1024;

    private final Neighbours links;
    private final MailCourier courier;
    private final GroupPostJournal journal;
    private final Scheduler scheduler;
    private final Clock clock;
    private final GroupMailConfig config;
    private final HeldItems<String, ByteString> held;
    private final PeerId self;
    private final ReplicaFinder finder;
    private final int replicas;
    private final ReplicaCopies copies = new ReplicaCopies();
    private Scheduler.Cancellable expiryTimer;
    private boolean stopped;

    GroupPostReplica(PeerId self, Neighbours links, MailCourier courier, ReplicaFinder finder, int replicas,
                     GroupPostJournal journal, Scheduler scheduler, Clock clock, GroupMailConfig config,
                     List<HeldItem<String, ByteString>> restored) {
        this.self = self;
        this.finder = finder;
        this.replicas = replicas;
        this.links = links;
        this.courier = courier;
        this.journal = journal;
        this.scheduler = scheduler;
        this.clock = clock;
        this.config = config;
        this.held = heldPosts(config);
        restored.forEach(held::restore);
    }

    /**
     * The store of group posts held under topics (keys) from depositors (contributors): a new
     * post pushes out the topic's oldest, then the depositor's, past their limits.
     */
    static HeldItems<String, ByteString> heldPosts(GroupMailConfig config) {
        return new HeldItems<>(new HeldItems.Limits(config.perTopicBytes(), config.perTopicPosts(),
                config.perDepositorBytes(), config.totalBytes(), HeldItems.WhenFull.PUSH_OUT_OLDEST));
    }

    /**
     * Every {@code interval} from now on: drops expired posts, then offers each held post to the
     * topic's k closest peers we know that have not confirmed holding it, so that k copies outlive
     * replicas leaving and follow the topic's neighbourhood as peers come and go.
     */
    void start(java.time.Duration interval) {
        if (stopped) {
            return;
        }
        expiryTimer = scheduler.schedule(interval, () -> {
            expire();
            repair();
            start(interval);
        });
    }

    void stop() {
        stopped = true;
        if (expiryTimer != null) {
            expiryTimer.cancel();
        }
    }

    void deposit(PeerId from, long requestId, GroupDeposit deposit) {
        GroupPost post;
        try {
            post = checked(deposit);
        } catch (MailboxException e) {
            LOG.fine(() -> "refused a group post from " + from.shortForm() + ": " + e.getMessage());
            links.penalize(from, e.reason(), "group deposit: " + e.getMessage());
            answer(from, requestId, ByteString.EMPTY, Outcome.INVALID);
            return;
        }
        ByteString id = ByteString.copyFrom(post.entryId());
        List<HeldItem<String, ByteString>> taken = new ArrayList<>();
        List<HeldItem<String, ByteString>> pushedOut = new ArrayList<>();
        long now = clock.nowMillis();
        Outcome outcome = held.offer(id, deposit.getTopic(), from, now + config.holdFor().toMillis(),
                deposit.getPost(), deposit.getPost().size(), now, taken, pushedOut);
        pushedOut.forEach(gone -> copies.forget(gone.id()));
        if (outcome == Outcome.STORED) {
            copies.heldBy(id, from);
        }
        if (taken.isEmpty()) {
            answer(from, requestId, id, outcome);
            return;
        }
        journal.held(taken, pushedOut).whenCompleteAsync((ignored, error) -> {
            if (error == null) {
                answer(from, requestId, id, Outcome.STORED);
            } else {
                // Not on disk: not held. The depositor's copies with the other replicas remain.
                held.unhold(id);
                copies.forget(id);
            }
        }, scheduler);
    }

    void fetch(PeerId from, long requestId, GroupFetch fetch) {
        if (!GroupId.isTopic(fetch.getTopic())) {
            links.penalize(from, Misbehaviour.MALFORMED, "group fetch without a valid topic");
            return;
        }
        HeldItems.Page<String, ByteString> page = held.after(fetch.getTopic(), fetch.getAfter(), config.batchBytes());
        GroupPosts.Builder answer = GroupPosts.newBuilder().setTopic(fetch.getTopic()).setLast(page.last())
                .setMore(page.more());
        page.items().forEach(one -> answer.addPosts(one.payload()));
        courier.sendLinked(from, MailboxFrame.newBuilder().setRequestId(requestId).setGroupPosts(answer).build());
    }

    /** Drops what has been held for the hold time. */
    void expire() {
        List<HeldItem<String, ByteString>> expired = held.expire(clock.nowMillis());
        if (!expired.isEmpty()) {
            expired.forEach(gone -> copies.forget(gone.id()));
            journal.dropped(expired);
        }
    }

    /** A peer's answer to one of our repair offers; false when it answers none of them. */
    boolean repairAnswered(PeerId from, long requestId, StoreAnswer answer) {
        return copies.answered(from, requestId, answer);
    }

    private void repair() {
        copies.newRound();
        Map<String, List<PeerRecord>> closest = new HashMap<>();
        int sent = 0;
        for (HeldItem<String, ByteString> one : held.all()) {
            List<PeerRecord> responsible = closest.computeIfAbsent(one.key(),
                    topic -> finder.closestToKey(GroupPostCarrier.keyOf(topic), replicas));
            Set<PeerId> known = copies.holdersOf(one.id());
            for (PeerRecord record : responsible) {
                if (record.peer().equals(self) || known.contains(record.peer())) {
                    continue;
                }
                if (sent++ >= REPAIRS_PER_ROUND) {
                    return;
                }
                long requestId = courier.nextRequestId();
                copies.offered(requestId, one.id());
                courier.send(record, MailboxFrame.newBuilder().setRequestId(requestId).setGroupDeposit(
                        GroupDeposit.newBuilder().setTopic(one.key()).setPost(one.payload())).build());
            }
        }
    }

    long bytesHeld() {
        return held.totalBytes();
    }

    int postsHeld() {
        return held.all().size();
    }

    /** Checks what a non-member can check of a deposit: topic, shape and size, signature. */
    static GroupPost checked(GroupDeposit deposit) throws MailboxException {
        if (!GroupId.isTopic(deposit.getTopic())) {
            throw new MailboxException(Misbehaviour.MALFORMED, "not a group topic");
        }
        GroupPost post;
        try {
            post = GroupPost.parse(deposit.getPost().toByteArray());
        } catch (GroupException e) {
            throw new MailboxException(Misbehaviour.MALFORMED, e.getMessage());
        }
        if (!post.signatureValid()) {
            throw new MailboxException(Misbehaviour.FORGED, "post signature does not verify");
        }
        return post;
    }

    private void answer(PeerId to, long requestId, ByteString id, Outcome outcome) {
        courier.sendLinked(to, MailboxFrame.newBuilder().setRequestId(requestId)
                .setGroupStored(StoreAnswer.newBuilder().setEnvelopeId(id).setOutcome(outcome)).build());
    }
}
