package org.parley.groups;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.messaging.ConversationAction;
import org.parley.link.LinkEvents;
import org.parley.link.Neighbours;
import org.parley.link.PeerInfo;
import org.parley.messaging.GroupSignalListener;
import org.parley.messaging.GroupSignalTransport;
import org.parley.overlay.gossip.GossipOverLinks;
import org.parley.overlay.gossip.GossipRouter;
import org.parley.proto.wire.v1.FileOffer;
import org.parley.runtime.Clock;
import org.parley.runtime.Scheduler;
import org.parley.store.ContentCipher;
import org.parley.store.StorageQueue;

/**
 * Group channels: membership by signed ops ({@link Membership}), Sender Keys handed out over the
 * pairwise sessions ({@link GroupSignalTransport#sendGroupSignal}), posts on the group's gossip topic, and
 * the group log with back-fill ({@link GroupLog}).
 *
 * <p>A facade over its parts: {@link MembershipChanges} (ours and other members'),
 * {@link SenderKeyDistribution}, {@link OwnPosts} and {@link PostIntake} (posts out and in),
 * {@link Backfill} (heads and gaps), {@link SignalIntake} (the door for group control), the
 * {@link SignalOutbox} and {@link OneShotSignal} (control out), over a shared
 * {@link GroupDirectory} and {@link GroupStorage}. The limits below are the groups' vocabulary,
 * used by every part.
 *
 * <p>Confined to the node's loop; disk work goes through the {@link StorageQueue}. Control
 * messages that must arrive (invitations, ops, key grants) are stored and sent again until the
 * member acknowledges them; a member acknowledges only after it has stored what they changed.
 * Heads and back-fill are sent once and asked for again at the next beat if still missing.
 *
 * <p>Over 400 lines and kept whole on purpose: beside the limits, it wires its parts and has one
 * short method for each thing the node and the user ask of groups, delegating to the part that
 * does it.
 */
public final class Groups implements LinkEvents, GroupSignalListener, GossipOverLinks.Listener {
    /** Largest text of one post, in UTF-8 bytes (the post stays below gossip's payload limit). */
    public static final int MAX_TEXT_BYTES = 32 * 1024;
    /** Most ops one group may hold; most ops or IDs in one control message. */
    public static final int MAX_OPS = 4096;
    public static final int MAX_OPS_PER_MESSAGE = 200;
    /** Most ops of one actor a group keeps: one member alone cannot fill the group's limit. */
    public static final int MAX_OPS_PER_AUTHOR = MAX_OPS / 4;
    /** Invitations in chunks held in memory until their chunks make us a member. */
    public static final int MAX_PENDING_INVITATIONS = 4;
    public static final int MAX_IDS = 256;
    /** Most posts, and bytes of posts, in one back-fill answer (it must fit one envelope). */
    public static final int MAX_BACKFILL_POSTS = 64;
    public static final int MAX_BACKFILL_BYTES = 60 * 1024;
    /** Posts held for a sender key still on its way, per group, and for how long. */
    public static final int MAX_PENDING_POSTS = 512;
    public static final Duration PENDING_LIFETIME = Duration.ofMinutes(1);
    /** Opaque entries remembered per group, for reading once their sender key comes. */
    public static final int MAX_OPAQUE_AWAITING_KEY = 4096;
    /** The beat: resend unacknowledged control, exchange heads, ask for gaps, expire pending posts. */
    public static final Duration BEAT = Duration.ofSeconds(2);
    /** Sender-key grants kept until their invitation or their sender's add comes (see {@link EarlyGrants}). */
    static final int MAX_EARLY_GRANTS = 256;
    public static final Duration RESEND_AFTER = Duration.ofSeconds(4);
    /**
     * How long a live post's missing parents may take to come by gossip before they are asked
     * for: posts made in quick succession overtake each other on the mesh's paths.
     */
    public static final Duration PARENTS_GRACE = Duration.ofSeconds(1);
    /** Beats a gap may stay open, asked of every linked member in turn, before we reach out to another. */
    static final int GAP_BEATS_BEFORE_REACHING_OUT = 3;

    private final PeerId self;
    private final GossipRouter gossip;
    private final Scheduler loop;
    private final Clock clock;
    private final List<GroupEvents> listeners = new CopyOnWriteArrayList<>();
    private final GroupDirectory directory;
    private final GroupStorage storage;
    private final SignalOutbox outbox;
    private final PostIntake posts;
    private final OwnPosts ownPosts;
    private final MembershipChanges membership;
    private final Backfill backfill;
    private final SignalIntake intake;
    private final SenderKeyDistribution keys;
    private final GroupTyping typing;
    private final GroupReadMarks readMarks;
    private Scheduler.Cancellable beatTimer;
    private long beats;
    private boolean stopped;

    private Groups(Identity self, GroupSignalTransport transport, GossipRouter gossip, Neighbours neighbours, StorageQueue storage,
                   ContentCipher cipher, PostVerifier postVerifier, Scheduler loop, Clock clock, SecureRandom random) {
        this.self = self.peerId();
        this.gossip = gossip;
        this.loop = loop;
        this.clock = clock;
        this.directory = new GroupDirectory(self.peerId(), neighbours);
        this.storage = new GroupStorage(storage, cipher, loop);
        this.outbox = new SignalOutbox(transport, storage, cipher, loop, clock, random);
        OneShotSignal control = new OneShotSignal(self.peerId(), transport);
        this.posts = new PostIntake(directory, this.storage, control, clock, loop, listeners, postVerifier);
        this.ownPosts = new OwnPosts(self.peerId(), directory, this.storage, gossip, clock, random, listeners);
        this.keys = new SenderKeyDistribution(directory, this.storage, outbox, control, posts,
                neighbours, clock, random);
        this.membership = new MembershipChanges(self, directory, this.storage, outbox, control, keys, gossip, clock,
                random, listeners);
        this.backfill = new Backfill(directory, this.storage, control, posts, neighbours, loop);
        this.typing = new GroupTyping(self.peerId(), directory, transport, storage, loop, clock,
                (group, member, active) -> listeners.forEach(listener -> listener.groupTyping(group, member, active)));
        this.readMarks = new GroupReadMarks(self.peerId(), directory, transport, storage, loop, clock,
                (group, member, entryId) -> listeners.forEach(listener -> listener.groupRead(group, member, entryId,
                        clock.nowMillis())));
        this.intake = new SignalIntake(neighbours, membership, keys, backfill, outbox, typing, readMarks);
    }

    /** Loads every group from storage (blocking: call before the loop serves anything). */
    public static Groups open(Identity self, GroupSignalTransport transport, GossipRouter gossip, Neighbours neighbours,
                              StorageQueue storage, ContentCipher cipher, PostVerifier postVerifier, Scheduler loop,
                              Clock clock, SecureRandom random) {
        Groups groups = new Groups(self, transport, gossip, neighbours, storage, cipher, postVerifier, loop, clock,
                random);
        groups.storage.load(groups.directory, connection -> {
            groups.outbox.load(connection);
            groups.typing.load(connection);
            groups.readMarks.load(connection);
        });
        return groups;
    }

    /**
     * Where each post we make goes besides the topic: to the mailbox replicas of the topic, so a
     * member that comes back while no other member is online still finds it. Call before start.
     */
    public void depositPostsWith(BiConsumer<String, byte[]> depositor) {
        ownPosts.depositWith(depositor);
    }

    /**
     * Who reaches a peer at once when a control message waits for it and no link to it is up
     * (the node's peer reacher, which looks it up and dials it). Call before start.
     */
    public void reachPeersWith(Consumer<PeerId> reach) {
        outbox.tellUnlinked(reach);
    }

    public void addListener(GroupEvents listener) {
        listeners.add(listener);
    }

    /** Subscribes to the topics of joined groups and starts the beat. Call on the loop, after gossip started. */
    public void start() {
        directory.all().stream().filter(GroupState::joined).forEach(state -> gossip.subscribe(state.topic));
        if (storage.restored()) {
            keys.replaceRestoredKeys();
        }
        scheduleBeat();
    }

    public void stop() {
        stopped = true;
        if (beatTimer != null) {
            beatTimer.cancel();
        }
    }

    // ---------------------------------------------------------------- user requests

    /** Founds a group with us as its first admin. */
    public CompletableFuture<GroupRecord> create(String name) {
        return membership.create(name);
    }

    /** Adds a peer to a group we administer and sends them the invitation. */
    public CompletableFuture<GroupRecord> invite(GroupId id, PeerId peer, boolean admin) {
        return membership.invite(id, peer, admin);
    }

    /** Accepts an invitation: from now on we read and post. */
    public CompletableFuture<GroupRecord> join(GroupId id) {
        return membership.join(id);
    }

    /** Removes a member (admins only). Every remaining member then rotates its sender key. */
    public CompletableFuture<GroupRecord> remove(GroupId id, PeerId peer) {
        return membership.remove(id, peer);
    }

    /** Leaves a group (or declines an invitation). */
    public CompletableFuture<GroupRecord> leave(GroupId id) {
        return membership.leave(id);
    }

    /** Posts a message; the future completes once it is stored, and it then goes out on the topic. */
    public CompletableFuture<GroupMessageRecord> send(GroupId id, String text) {
        return ownPosts.send(id, text);
    }

    /** Posts {@code text} replying to (quoting) the message {@code replyTo} (an entry ID) of the group. */
    public CompletableFuture<GroupMessageRecord> send(GroupId id, String text, Optional<byte[]> replyTo) {
        return ownPosts.send(id, text, replyTo);
    }

    /** Posts {@code text} with a file offer to the group: every member may fetch the file. */
    public CompletableFuture<GroupMessageRecord> sendWithFile(GroupId id, String text, FileOffer offer) {
        return ownPosts.sendWithFile(id, text, offer);
    }

    /** Offers of files posted by members go to {@code intake}; set before the loop serves anything. */
    public void takeFileOffersWith(GroupFileIntake intake) {
        posts.takeFileOffersWith(intake);
    }

    /** Our one reaction to a message of the group (an empty emoji takes it back); completes with the message as now shown. */
    public CompletableFuture<GroupMessageRecord> react(GroupId id, byte[] entryId, String emoji) {
        return ownPosts.act(id, ConversationAction.Kind.REACTION, entryId, emoji);
    }

    /** A new text for one of our messages in the group. */
    public CompletableFuture<GroupMessageRecord> edit(GroupId id, byte[] entryId, String text) {
        return ownPosts.act(id, ConversationAction.Kind.EDIT, entryId, text);
    }

    /** Deletes one of our group messages for everyone: our copy at once, each member's when its client honours it. */
    public CompletableFuture<GroupMessageRecord> delete(GroupId id, byte[] entryId) {
        return ownPosts.act(id, ConversationAction.Kind.DELETION, entryId, "");
    }

    /** The last {@code limit} messages of a group, in log order (the same on every member). */
    public CompletableFuture<List<GroupMessageRecord>> history(GroupId id, int limit, Optional<byte[]> before) {
        if (directory.get(id) == null) {
            return CompletableFuture.failedFuture(new GroupFailure(GroupFailure.Reason.NOT_FOUND, "no group " + id));
        }
        return storage.history(id, limit, before);
    }

    /** Members of a group (by peer ID) with whether each is an admin, as our ops say. */
    public CompletableFuture<Map<PeerId, Boolean>> members(GroupId id) {
        GroupState state = directory.get(id);
        if (state == null) {
            return CompletableFuture.failedFuture(new GroupFailure(GroupFailure.Reason.NOT_FOUND, "no group " + id));
        }
        return CompletableFuture.completedFuture(state.membership.members());
    }

    /** Groups we were invited to or belong to (or did). */
    public List<GroupRecord> groups() {
        List<GroupRecord> records = new ArrayList<>();
        for (GroupState state : directory.all()) {
            if (state.membership.isMember(self) || !state.status.equals(GroupRecord.INVITED)) {
                records.add(directory.record(state));
            }
        }
        return records;
    }

    /**
     * Turns typing indicators in a group on or off (decision 0060; empty: unchanged); completes
     * with the switch as stored, or fails {@code NOT_FOUND} for no such group.
     */
    public CompletableFuture<Boolean> setTyping(GroupId id, Optional<Boolean> on) {
        if (on.isEmpty()) {
            return directory.get(id) == null
                    ? CompletableFuture.failedFuture(new GroupFailure(GroupFailure.Reason.NOT_FOUND, "no group " + id))
                    : CompletableFuture.completedFuture(typing.isOn(id));
        }
        return typing.set(id, on.get());
    }

    /**
     * The user is typing in a group ({@code active}) or stopped: goes to each linked member when
     * turned on, a start at most once every 3 s; whether it went to any.
     */
    public boolean typing(GroupId id, boolean active) {
        return typing.send(id, active);
    }

    /**
     * Turns read marks in a group on or off (decision 0062; empty: unchanged); completes with the
     * switch as stored, or fails {@code NOT_FOUND} for no such group.
     */
    public CompletableFuture<Boolean> setReadReceipts(GroupId id, Optional<Boolean> on) {
        if (on.isEmpty()) {
            return directory.get(id) == null
                    ? CompletableFuture.failedFuture(new GroupFailure(GroupFailure.Reason.NOT_FOUND, "no group " + id))
                    : CompletableFuture.completedFuture(readMarks.isOn(id));
        }
        return readMarks.set(id, on.get());
    }

    /** Whether read marks are on in a group. */
    public boolean readReceiptsOn(GroupId id) {
        return readMarks.isOn(id);
    }

    /**
     * Marks a group we joined read up to an entry of its log ({@code upTo}) or its newest; never
     * back. The mark goes to each linked member when read marks are on and it moved.
     */
    public CompletableFuture<ReadMarked> markRead(GroupId id, Optional<byte[]> upTo) {
        return readMarks.markRead(id, upTo).thenApply(marked -> new ReadMarked(marked.upTo(), marked.sent()));
    }

    /** What marking a group read did: the entry now marked (empty when the mark did not move), and whether it went out. */
    public record ReadMarked(Optional<String> upTo, boolean sent) {
    }

    /** The members who read one of our messages, with read marks on in its group; none otherwise. */
    public List<PeerId> readBy(GroupMessageRecord message) {
        return readMarks.readBy(message);
    }

    /** Refusals in a group since start, by reason. */
    public Map<String, Long> refusedIn(GroupId id) {
        return directory.refusedIn(id);
    }

    /** A group's state, for tests in this package that look at keys and logs directly. */
    GroupState state(GroupId id) {
        return directory.get(id);
    }

    /**
     * Peers the node should reach: those control messages wait for, and, per joined group with no
     * fellow member linked, one member to exchange heads and back-fill with.
     */
    public Set<PeerId> waitingPeers() {
        Set<PeerId> waiting = outbox.waitingPeers();
        directory.all().stream().filter(GroupState::joined).map(state -> state.wantedLink)
                .filter(Objects::nonNull).forEach(waiting::add);
        return waiting;
    }

    /** Whether a control message (an invitation, an op, a sender key) waits for {@code peer} to acknowledge it. */
    public boolean controlWaitsFor(PeerId peer) {
        return outbox.waitsFor(peer);
    }

    /** The topics of the groups we joined: those whose posts held by mailboxes we fetch. */
    public List<String> joinedTopics() {
        return directory.all().stream().filter(GroupState::joined).map(state -> state.topic).toList();
    }

    /**
     * Posts of a topic that mailbox replicas held for us. They go through every check a post from
     * gossip goes through; a refusal is counted but scores nobody down, since a replica cannot know
     * who is a member (it checked shape and signature itself). Posts we hold already are no replay:
     * a replica hands over all it holds.
     */
    public void receiveMailedPosts(String topic, List<byte[]> mailed) {
        GroupState state = directory.byTopic(topic);
        if (state == null || !state.joined()) {
            return;
        }
        for (byte[] post : mailed) {
            posts.receive(state, post, null, true);
        }
    }

    // ---------------------------------------------------------------- events from below

    @Override
    public void peerConnected(PeerInfo peer) {
        outbox.peerConnected(peer.peerId());
        readMarks.linked(peer.peerId());
    }

    @Override
    public void delivered(GossipOverLinks.Delivery delivery) {
        GroupState state = directory.byTopic(delivery.topic());
        if (state != null && state.joined()) {
            posts.receive(state, delivery.payload(), null, false);
        }
    }

    @Override
    public void groupSignalReceived(PeerId sender, byte[] bytes) {
        intake.receive(sender, bytes, false);
    }

    @Override
    public void groupSignalReceived(PeerId sender, byte[] bytes, boolean relayed) {
        intake.receive(sender, bytes, relayed);
    }

    @Override
    public void bundleArrived(PeerId peer) {
        outbox.sendUnsent(peer);
    }

    // ---------------------------------------------------------------- the beat

    private void scheduleBeat() {
        if (stopped) {
            return;
        }
        beatTimer = loop.schedule(BEAT, () -> {
            beat();
            scheduleBeat();
        });
    }

    /**
     * Resends control messages not acknowledged in time; drops posts whose key never came; per
     * joined group, exchanges heads and asks for gaps ({@link Backfill#beat}).
     */
    private void beat() {
        long now = clock.nowMillis();
        beats++;
        outbox.resend(RESEND_AFTER.toMillis());
        for (GroupState state : directory.all()) {
            posts.expirePending(state, now);
            if (state.joined()) {
                backfill.beat(state, beats);
            }
        }
    }
}
