package org.parley.groups;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.parley.identity.Identity;
import org.parley.identity.InvalidPeerIdException;
import org.parley.identity.PeerId;
import org.parley.link.LinkEvents;
import org.parley.link.Neighbours;
import org.parley.link.PeerInfo;
import org.parley.messaging.GroupControlListener;
import org.parley.messaging.Messenger;
import org.parley.overlay.gossip.GossipOverLinks;
import org.parley.overlay.gossip.GossipRouter;
import org.parley.proto.wire.v1.BackfillPosts;
import org.parley.proto.wire.v1.GroupAck;
import org.parley.proto.wire.v1.GroupControl;
import org.parley.proto.wire.v1.GroupInvite;
import org.parley.proto.wire.v1.GroupText;
import org.parley.proto.wire.v1.LogIds;
import org.parley.proto.wire.v1.MembershipOpProto;
import org.parley.proto.wire.v1.MembershipOps;
import org.parley.proto.wire.v1.SenderKeyGrant;
import org.parley.runtime.Clock;
import org.parley.runtime.Scheduler;
import org.parley.store.ContentCipher;
import org.parley.store.GroupRows;
import org.parley.store.StorageQueue;

/**
 * Group channels: membership by signed ops ({@link Membership}), Sender Keys handed out over the
 * pairwise sessions ({@link Messenger#sendGroupControl}), posts on the group's gossip topic, and
 * the group log with back-fill ({@link GroupLog}).
 *
 * <p>Confined to the node's loop; disk work goes through the {@link StorageQueue}. Control
 * messages that must arrive (invitations, ops, key grants) are stored and sent again until the
 * member acknowledges them; a member acknowledges only after it has stored what they changed.
 * Heads and back-fill are sent once and asked for again at the next beat if still missing.
 */
public final class Groups implements LinkEvents, GroupControlListener, GossipOverLinks.Listener {
    private static final Logger LOG = Logger.getLogger(Groups.class.getName());

    /** Largest text of one post, in UTF-8 bytes (the post stays below gossip's payload limit). */
    public static final int MAX_TEXT_BYTES = 32 * 1024;
    /** Most ops one group may hold; most ops or IDs in one control message. */
    public static final int MAX_OPS = 4096;
    public static final int MAX_OPS_PER_MESSAGE = 200;
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
    /** Beats a gap may stay open, asked of every linked member in turn, before we reach out to another. */
    static final int GAP_BEATS_BEFORE_REACHING_OUT = 3;
    private static final long MAX_LAMPORT = 1L << 53;

    private final Identity self;
    private final Messenger messenger;
    private final GossipRouter gossip;
    private final Neighbours neighbours;
    private final StorageQueue storage;
    private final ContentCipher cipher;
    private final Scheduler loop;
    private final Clock clock;
    private final SecureRandom random;
    private final Map<GroupId, GroupState> groups = new LinkedHashMap<>();
    private final EarlyGrants earlyGrants = new EarlyGrants(MAX_EARLY_GRANTS);
    private final Map<String, GroupState> byTopic = new HashMap<>();
    private final ControlOutbox outbox;
    private final Map<GroupId, Map<String, Long>> refused = new HashMap<>();
    private final List<GroupEvents> listeners = new CopyOnWriteArrayList<>();
    /** Hands each post we make to the replicas that hold a topic's posts for members who are away. */
    private BiConsumer<String, byte[]> depositor = (topic, post) -> { };
    private Scheduler.Cancellable beatTimer;
    private long beats;
    private boolean stopped;

    private interface Rows {
        void write(Connection connection) throws SQLException;
    }

    private Groups(Identity self, Messenger messenger, GossipRouter gossip, Neighbours neighbours, StorageQueue storage,
                   ContentCipher cipher, Scheduler loop, Clock clock, SecureRandom random) {
        this.self = self;
        this.messenger = messenger;
        this.gossip = gossip;
        this.neighbours = neighbours;
        this.storage = storage;
        this.cipher = cipher;
        this.loop = loop;
        this.clock = clock;
        this.random = random;
        this.outbox = new ControlOutbox(messenger, storage, cipher, loop, clock, random);
    }

    /** Loads every group from storage (blocking: call before the loop serves anything). */
    public static Groups open(Identity self, Messenger messenger, GossipRouter gossip, Neighbours neighbours,
                              StorageQueue storage, ContentCipher cipher, Scheduler loop, Clock clock,
                              SecureRandom random) {
        Groups groups = new Groups(self, messenger, gossip, neighbours, storage, cipher, loop, clock, random);
        groups.load();
        return groups;
    }

    /**
     * Where each post we make goes besides the topic: to the mailbox replicas of the topic, so a
     * member that comes back while no other member is online still finds it. Call before start.
     */
    public void depositPostsWith(BiConsumer<String, byte[]> depositor) {
        this.depositor = depositor;
    }

    public void addListener(GroupEvents listener) {
        listeners.add(listener);
    }

    /** Subscribes to the topics of joined groups and starts the beat. Call on the loop, after gossip started. */
    public void start() {
        groups.values().stream().filter(GroupState::joined).forEach(state -> gossip.subscribe(state.topic));
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
        if (!MembershipOp.validName(name)) {
            return failed("a group name has 1 to " + MembershipOp.MAX_NAME_LENGTH
                    + " characters, no control characters");
        }
        byte[] nonce = new byte[GroupId.NONCE_SIZE];
        random.nextBytes(nonce);
        GroupId id = GroupId.derive(self.peerId().publicKey(), nonce);
        long now = clock.nowMillis();
        MembershipOp create = MembershipOp.sign(self, id, MembershipOp.Kind.CREATE, self.peerId(), true, 1, now, name,
                nonce);
        GroupState state = new GroupState(id, name, GroupRecord.JOINED, null, now);
        groups.put(id, state);
        byTopic.put(state.topic, state);
        state.ownKey = SenderKey.generate(random);
        state.putKey(self.peerId(), state.ownKey);
        gossip.subscribe(state.topic);
        List<Rows> rows = new ArrayList<>();
        rows.add(groupRow(state));
        rows.add(keyRow(state, self.peerId(), state.ownKey));
        return applyOps(state, List.of(create), rows).thenApply(ignored -> record(state));
    }

    /** Adds a peer to a group we administer and sends them the invitation. */
    public CompletableFuture<GroupRecord> invite(GroupId id, PeerId peer, boolean admin) {
        GroupState state = groups.get(id);
        if (state == null || !state.joined()) {
            return failed("you are not a member of group " + id);
        }
        if (!state.membership.isAdmin(self.peerId())) {
            return failed("only an admin of the group invites");
        }
        if (state.membership.isMember(peer) && (!admin || state.membership.isAdmin(peer))) {
            return failed(peer + " is already a member");
        }
        if (!state.membership.isMember(peer) && state.membership.members().size() >= Membership.MAX_MEMBERS) {
            return failed("a group has at most " + Membership.MAX_MEMBERS + " members");
        }
        if (state.ops.size() >= MAX_OPS) {
            return failed("the group has reached its limit of " + MAX_OPS + " membership changes");
        }
        MembershipOp add = newOp(state, MembershipOp.Kind.ADD, peer, admin);
        Set<PeerId> others = otherMembers(state);
        CompletableFuture<Void> applied = applyOps(state, List.of(add), new ArrayList<>());
        for (PeerId member : others) {
            if (!member.equals(peer)) {
                outbox.queue(member, GroupControl.newBuilder().setOps(MembershipOps.newBuilder().addOps(add.toProto())));
            }
        }
        sendAllOps(state, peer);
        return applied.thenApply(ignored -> record(state));
    }

    /** Accepts an invitation: from now on we read and post. */
    public CompletableFuture<GroupRecord> join(GroupId id) {
        GroupState state = groups.get(id);
        if (state == null || !state.membership.isMember(self.peerId())) {
            return failed("no invitation to group " + id);
        }
        if (state.joined()) {
            return CompletableFuture.completedFuture(record(state));
        }
        state.status = GroupRecord.JOINED;
        state.ownKey = SenderKey.generate(random);
        state.putKey(self.peerId(), state.ownKey);
        gossip.subscribe(state.topic);
        SenderKey.Step first = currentStep(state);
        for (PeerId member : otherMembers(state)) {
            queueGrant(state, member, first, null, 0);
        }
        Rows group = groupRow(state);
        Rows key = keyRow(state, self.peerId(), state.ownKey);
        return commit(connection -> {
            group.write(connection);
            key.write(connection);
        }).thenApply(ignored -> record(state));
    }

    /** Removes a member (admins only). Every remaining member then rotates its sender key. */
    public CompletableFuture<GroupRecord> remove(GroupId id, PeerId peer) {
        GroupState state = groups.get(id);
        if (state == null || !state.joined()) {
            return failed("you are not a member of group " + id);
        }
        if (peer.equals(self.peerId())) {
            return failed("to leave a group use leave");
        }
        if (!state.membership.isAdmin(self.peerId())) {
            return failed("only an admin of the group removes members");
        }
        if (!state.membership.isMember(peer)) {
            return failed(peer + " is not a member");
        }
        return changeAndTell(state, newOp(state, MembershipOp.Kind.REMOVE, peer, false));
    }

    /** Leaves a group (or declines an invitation). */
    public CompletableFuture<GroupRecord> leave(GroupId id) {
        GroupState state = groups.get(id);
        if (state == null || !state.membership.isMember(self.peerId())) {
            return failed("you are not a member of group " + id);
        }
        return changeAndTell(state, newOp(state, MembershipOp.Kind.LEAVE, self.peerId(), false));
    }

    /** Posts a message; the future completes once it is stored, and it then goes out on the topic. */
    public CompletableFuture<GroupMessageRecord> send(GroupId id, String text) {
        GroupState state = groups.get(id);
        if (state == null || !state.joined()) {
            return failed("you have not joined group " + id);
        }
        int size = text.getBytes(StandardCharsets.UTF_8).length;
        if (size > MAX_TEXT_BYTES) {
            return failed("message is " + size + " bytes; the limit is " + MAX_TEXT_BYTES);
        }
        if (text.isEmpty()) {
            return failed("message is empty");
        }
        long now = clock.nowMillis();
        byte[] messageId = new byte[16];
        random.nextBytes(messageId);
        long lamport = state.log.nextLamport();
        List<ByteString> parents = state.log.heads();
        GroupText plain = GroupText.newBuilder()
                .setMessageId(ByteString.copyFrom(messageId))
                .setSentAtMs(now)
                .setLamport(lamport)
                .addAllParents(parents)
                .setText(text)
                .build();
        GroupPost post = state.ownKey.seal(plain.toByteArray(), id.bytes(), now, random);
        ByteString entryId = ByteString.copyFrom(post.entryId());
        state.log.add(new GroupLog.Entry(entryId, lamport, parents));
        GroupMessageRecord record = new GroupMessageRecord(id, hex(entryId), self.peerId(), text, now, now, lamport);
        Rows entry = entryRow(state, record, messageId, parents, post);
        Rows key = keyRow(state, self.peerId(), state.ownKey);
        byte[] payload = post.toBytes();
        return commit(connection -> {
            entry.write(connection);
            key.write(connection);
        }).thenApply(ignored -> {
            if (state.joined()) {
                gossip.publish(state.topic, payload);
                depositor.accept(state.topic, payload);
            }
            listeners.forEach(listener -> listener.groupMessageAdded(record));
            return record;
        });
    }

    /** The last {@code limit} messages of a group, in log order (the same on every member). */
    public CompletableFuture<List<GroupMessageRecord>> history(GroupId id, int limit, Optional<byte[]> before) {
        if (!groups.containsKey(id)) {
            return failed("no group " + id);
        }
        return storage.submit(connection -> {
            Optional<GroupRows.Position> anchor = Optional.empty();
            if (before.isPresent()) {
                anchor = GroupRows.position(connection, id.bytes(), before.get());
                if (anchor.isEmpty()) {
                    throw new GroupFailure("no message " + HexFormat.of().formatHex(before.get()) + " in group " + id);
                }
            }
            List<GroupMessageRecord> records = new ArrayList<>();
            for (GroupRows.Entry entry : GroupRows.history(connection, id.bytes(), limit, anchor)) {
                String entryHex = HexFormat.of().formatHex(entry.entryId());
                String text = new String(cipher.open(entry.body(), bodyContext(entryHex)), StandardCharsets.UTF_8);
                records.add(new GroupMessageRecord(id, entryHex, parse(entry.sender()), text, entry.sentMillis(),
                        entry.receivedMillis(), entry.lamport()));
            }
            return records;
        });
    }

    /** Members of a group (by peer ID) with whether each is an admin, as our ops say. */
    public CompletableFuture<Map<PeerId, Boolean>> members(GroupId id) {
        GroupState state = groups.get(id);
        if (state == null) {
            return failed("no group " + id);
        }
        return CompletableFuture.completedFuture(state.membership.members());
    }

    /** Groups we were invited to or belong to (or did). */
    public List<GroupRecord> groups() {
        List<GroupRecord> records = new ArrayList<>();
        for (GroupState state : groups.values()) {
            if (state.membership.isMember(self.peerId()) || !state.status.equals(GroupRecord.INVITED)) {
                records.add(record(state));
            }
        }
        return records;
    }

    /** A group's state, for tests in this package that look at keys and logs directly. */
    GroupState state(GroupId id) {
        return groups.get(id);
    }

    /**
     * Peers the node should reach: those control messages wait for, and, per joined group with no
     * fellow member linked, one member to exchange heads and back-fill with.
     */
    public Set<PeerId> waitingPeers() {
        Set<PeerId> waiting = outbox.waitingPeers();
        groups.values().stream().filter(GroupState::joined).map(state -> state.wantedLink)
                .filter(Objects::nonNull).forEach(waiting::add);
        return waiting;
    }

    /** The topics of the groups we joined: those whose posts held by mailboxes we fetch. */
    public List<String> joinedTopics() {
        return groups.values().stream().filter(GroupState::joined).map(state -> state.topic).toList();
    }

    /**
     * Posts of a topic that mailbox replicas held for us. They go through every check a post from
     * gossip goes through; a refusal is counted but scores nobody down, since a replica cannot know
     * who is a member (it checked shape and signature itself). Posts we hold already are no replay:
     * a replica hands over all it holds.
     */
    public void receiveMailedPosts(String topic, List<byte[]> posts) {
        GroupState state = byTopic.get(topic);
        if (state == null || !state.joined()) {
            return;
        }
        for (byte[] post : posts) {
            receivePost(state, post, null, true);
        }
    }

    // ---------------------------------------------------------------- events from below

    @Override
    public void peerConnected(PeerInfo peer) {
        outbox.peerConnected(peer.peerId());
    }

    @Override
    public void delivered(GossipOverLinks.Delivery delivery) {
        GroupState state = byTopic.get(delivery.topic());
        if (state != null && state.joined()) {
            receivePost(state, delivery.payload(), null, false);
        }
    }

    @Override
    public void groupControlReceived(PeerId sender, byte[] bytes) {
        GroupControl control;
        try {
            control = GroupControl.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            neighbours.penalize(sender, GroupRejection.MALFORMED.penalty(), "malformed group control");
            return;
        }
        ByteString controlId = control.getControlId();
        try {
            switch (control.getBodyCase()) {
                case INVITE -> receiveInvite(sender, controlId, control.getInvite());
                case OPS -> receiveOps(sender, controlId, control.getOps().getOpsList());
                case SENDER_KEY -> receiveGrant(sender, controlId, control.getSenderKey());
                case ACK -> receiveAck(sender, control.getAck());
                case HEADS -> receiveHeads(sender, control.getHeads());
                case BACKFILL_REQUEST -> answerBackfill(sender, control.getBackfillRequest());
                case BACKFILL -> receiveBackfill(sender, control.getBackfill());
                default -> throw new GroupException(GroupRejection.MALFORMED, "group control of unknown type");
            }
        } catch (GroupException e) {
            LOG.fine(() -> "refused group control from " + sender.shortForm() + ": " + e.getMessage());
            neighbours.penalize(sender, e.rejection().penalty(), "group control: " + e.rejection().label());
        }
    }

    // ---------------------------------------------------------------- control messages

    private void receiveInvite(PeerId sender, ByteString controlId, GroupInvite invite) throws GroupException {
        List<MembershipOp> ops = verifyOps(invite.getOpsList());
        MembershipOp create = ops.stream().filter(op -> op.kind() == MembershipOp.Kind.CREATE).findFirst()
                .orElseThrow(() -> new GroupException(GroupRejection.MALFORMED, "an invitation without the create op"));
        GroupId id = create.groupId();
        if (ops.stream().anyMatch(op -> !op.groupId().equals(id))
                || !GroupId.derive(create.actor().publicKey(), create.nonce()).equals(id)) {
            throw new GroupException(GroupRejection.FORGED, "an invitation whose ops are not of its group");
        }
        GroupState state = groups.get(id);
        List<Rows> rows = new ArrayList<>();
        if (state == null) {
            boolean chunked = ops.size() == MAX_OPS_PER_MESSAGE;
            if (!chunked && !Membership.replay(id, ops).isMember(self.peerId())) {
                throw new GroupException(GroupRejection.MALFORMED, "an invitation that does not make us a member");
            }
            state = new GroupState(id, create.name(), GroupRecord.INVITED, sender, clock.nowMillis());
            groups.put(id, state);
            byTopic.put(state.topic, state);
            rows.add(groupRow(state));
        }
        applyOps(state, ops, rows).thenRun(() -> acknowledge(sender, controlId));
        takeEarlyGrants(state);
    }

    private void receiveOps(PeerId sender, ByteString controlId, List<MembershipOpProto> protos) throws GroupException {
        List<MembershipOp> ops = verifyOps(protos);
        if (ops.isEmpty()) {
            throw new GroupException(GroupRejection.MALFORMED, "no ops");
        }
        GroupState state = groups.get(ops.get(0).groupId());
        if (state == null || ops.stream().anyMatch(op -> !op.groupId().equals(state.id))) {
            return; // not invited yet (the invitation may still be on its way): the sender tries again
        }
        if (!state.membership.isMember(sender) && ops.stream().noneMatch(op -> op.actor().equals(sender))) {
            count(state, sender, new GroupException(GroupRejection.NOT_A_MEMBER, "ops from a non-member"));
            return;
        }
        if (state.ops.size() + ops.size() > MAX_OPS) {
            count(state, sender, new GroupException(GroupRejection.TOO_LARGE, "the group's op limit is reached"));
            return;
        }
        applyOps(state, ops, new ArrayList<>()).thenRun(() -> acknowledge(sender, controlId));
        takeEarlyGrants(state);
    }

    /** Takes in the grants that came before the ops that make their senders members of the group. */
    private void takeEarlyGrants(GroupState state) {
        for (EarlyGrants.Early early : earlyGrants.takeUsable(state.id, state.membership::isMember)) {
            try {
                receiveGrant(early.sender(), early.controlId(), early.grant());
            } catch (GroupException e) {
                LOG.fine(() -> "refused a held sender key from " + early.sender().shortForm() + ": " + e.getMessage());
                neighbours.penalize(early.sender(), e.rejection().penalty(), "group control: " + e.rejection().label());
            }
        }
    }

    private void receiveGrant(PeerId sender, ByteString controlId, SenderKeyGrant grant) throws GroupException {
        GroupId id = GroupId.of(grant.getGroupId().toByteArray());
        GroupState state = groups.get(id);
        if (state == null) {
            earlyGrants.hold(id, sender, controlId, grant); // not invited yet: the invitation may come later
            return;
        }
        if (!state.membership.isMember(sender)) {
            // Counted but not scored, and kept: the add that makes it a member may still be on its way to us.
            count(state, null, new GroupException(GroupRejection.NOT_A_MEMBER, "a sender key from a non-member"));
            earlyGrants.hold(id, sender, controlId, grant);
            return;
        }
        SenderKey key = SenderKey.received(grant.getKeyId().toByteArray(), grant.getIteration(),
                grant.getChainKey().toByteArray());
        ByteString keyId = grant.getKeyId();
        PeerId owner = state.keyOwners.get(keyId);
        if (owner != null && !owner.equals(sender)) {
            count(state, sender, new GroupException(GroupRejection.FORGED, "another member's sender key"));
            return;
        }
        List<Rows> rows = new ArrayList<>();
        if (owner == null) {
            state.putKey(sender, key);
            rows.add(keyRow(state, sender, key));
        }
        SenderKey replaced = state.keys.get(grant.getReplacesKeyId());
        if (replaced != null && sender.equals(state.keyOwners.get(grant.getReplacesKeyId()))) {
            replaced.retire(grant.getReplacedKeyPosts());
            rows.add(keyRow(state, sender, replaced));
        }
        commit(all(rows)).thenRun(() -> {
            acknowledge(sender, controlId);
            retryPending(state, keyId);
            reopenOpaque(state, sender, keyId);
        });
    }

    private void receiveAck(PeerId sender, GroupAck ack) throws GroupException {
        if (ack.getControlIdsCount() > MAX_IDS) {
            throw new GroupException(GroupRejection.TOO_LARGE, "too many acknowledgements");
        }
        outbox.acknowledged(sender, ack.getControlIdsList());
    }

    private void receiveHeads(PeerId sender, LogIds heads) throws GroupException {
        // Not scored: heads come every beat, also from a member whose add is still on its way to us.
        GroupState state = memberState(sender, heads, false);
        if (state == null) {
            return;
        }
        List<ByteString> unknown = new ArrayList<>();
        for (ByteString id : heads.getIdsList()) {
            if (!state.log.holds(id)) {
                unknown.add(id);
            }
        }
        requestBackfill(state, sender, unknown);
    }

    private void answerBackfill(PeerId sender, LogIds request) throws GroupException {
        GroupState state = memberState(sender, request, true);
        if (state == null) {
            return;
        }
        byte[] groupId = state.id.bytes();
        List<ByteString> ids = request.getIdsList();
        storage.submit(connection -> {
            List<byte[]> posts = new ArrayList<>();
            for (ByteString id : ids) {
                GroupRows.post(connection, groupId, id.toByteArray()).ifPresent(posts::add);
            }
            return posts;
        }).whenCompleteAsync((posts, error) -> {
            if (error != null) {
                LOG.log(Level.WARNING, "reading posts to back-fill failed", error);
                return;
            }
            BackfillPosts.Builder answer = BackfillPosts.newBuilder().setGroupId(ByteString.copyFrom(groupId));
            int bytes = 0;
            for (byte[] post : posts) {
                if (answer.getPostsCount() >= MAX_BACKFILL_POSTS || bytes + post.length > MAX_BACKFILL_BYTES) {
                    sendOnce(sender, GroupControl.newBuilder().setBackfill(answer));
                    answer = BackfillPosts.newBuilder().setGroupId(ByteString.copyFrom(groupId));
                    bytes = 0;
                }
                answer.addPosts(ByteString.copyFrom(post));
                bytes += post.length;
            }
            if (answer.getPostsCount() > 0) {
                sendOnce(sender, GroupControl.newBuilder().setBackfill(answer));
            }
        }, loop);
    }

    private void receiveBackfill(PeerId sender, BackfillPosts backfill) throws GroupException {
        if (backfill.getPostsCount() > MAX_BACKFILL_POSTS) {
            throw new GroupException(GroupRejection.TOO_LARGE, "back-fill over " + MAX_BACKFILL_POSTS + " posts");
        }
        GroupState state = groups.get(GroupId.of(backfill.getGroupId().toByteArray()));
        if (state == null || !state.joined()) {
            return;
        }
        if (!state.membership.isMember(sender)) {
            count(state, sender, new GroupException(GroupRejection.NOT_A_MEMBER, "back-fill from a non-member"));
            return;
        }
        for (ByteString post : backfill.getPostsList()) {
            receivePost(state, post.toByteArray(), sender, true);
        }
    }

    /**
     * The group a heads or back-fill message names, if we joined it and the sender is a member; a
     * non-member's message is counted, and scores the sender down when {@code scored}.
     */
    private GroupState memberState(PeerId sender, LogIds ids, boolean scored) throws GroupException {
        if (ids.getIdsCount() > MAX_IDS || ids.getIdsList().stream().anyMatch(id -> id.size() != 32)) {
            throw new GroupException(GroupRejection.MALFORMED, "log IDs: at most " + MAX_IDS + " of 32 bytes");
        }
        GroupState state = groups.get(GroupId.of(ids.getGroupId().toByteArray()));
        if (state == null || !state.joined()) {
            return null;
        }
        if (!state.membership.isMember(sender)) {
            count(state, scored ? sender : null,
                    new GroupException(GroupRejection.NOT_A_MEMBER, "log request from a non-member"));
            return null;
        }
        return state;
    }

    private static List<MembershipOp> verifyOps(List<MembershipOpProto> protos) throws GroupException {
        if (protos.size() > MAX_OPS_PER_MESSAGE) {
            throw new GroupException(GroupRejection.TOO_LARGE, "over " + MAX_OPS_PER_MESSAGE + " ops in one message");
        }
        List<MembershipOp> ops = new ArrayList<>();
        for (MembershipOpProto proto : protos) {
            ops.add(MembershipOp.verify(proto));
        }
        return ops;
    }

    // ---------------------------------------------------------------- membership

    private MembershipOp newOp(GroupState state, MembershipOp.Kind kind, PeerId target, boolean admin) {
        return MembershipOp.sign(self, state.id, kind, target, admin, state.membership.maxClock() + 1,
                clock.nowMillis(), "", new byte[0]);
    }

    /** Applies our own op and sends it to every member before it (the target included). */
    private CompletableFuture<GroupRecord> changeAndTell(GroupState state, MembershipOp op) {
        Set<PeerId> told = otherMembers(state);
        CompletableFuture<Void> applied = applyOps(state, List.of(op), new ArrayList<>());
        for (PeerId member : told) {
            outbox.queue(member, GroupControl.newBuilder().setOps(MembershipOps.newBuilder().addOps(op.toProto())));
        }
        return applied.thenApply(ignored -> record(state));
    }

    /** Sends a new member every op, in chunks: the create op first, inside the invitation. */
    private void sendAllOps(GroupState state, PeerId peer) {
        List<MembershipOp> ordered = new ArrayList<>(state.ops.values());
        ordered.sort(Membership.ORDER);
        for (int start = 0; start < ordered.size(); start += MAX_OPS_PER_MESSAGE) {
            List<MembershipOpProto> chunk = ordered.subList(start, Math.min(ordered.size(), start + MAX_OPS_PER_MESSAGE))
                    .stream().map(MembershipOp::toProto).toList();
            outbox.queue(peer, start == 0
                    ? GroupControl.newBuilder().setInvite(GroupInvite.newBuilder().addAllOps(chunk))
                    : GroupControl.newBuilder().setOps(MembershipOps.newBuilder().addAllOps(chunk)));
        }
    }

    /**
     * Takes in ops, replays the membership and acts on what changed: a new member gets our sender
     * key; when anyone left or was removed, we rotate ours and hand the new one to those who stay;
     * when we are out, we stop. The future completes once everything is stored.
     */
    private CompletableFuture<Void> applyOps(GroupState state, List<MembershipOp> ops, List<Rows> rows) {
        Membership before = state.membership;
        for (MembershipOp op : ops) {
            if (state.ops.putIfAbsent(ByteString.copyFrom(op.id()), op) == null) {
                byte[] opId = op.id();
                byte[] encoded = op.toProto().toByteArray();
                rows.add(connection -> GroupRows.putOp(connection, state.id.bytes(), opId, encoded));
            }
        }
        state.membership = Membership.replay(state.id, state.ops.values());
        Membership after = state.membership;
        PeerId me = self.peerId();
        for (MembershipOp op : ops) {
            boolean needsAdmin = op.kind() == MembershipOp.Kind.ADD || op.kind() == MembershipOp.Kind.REMOVE;
            if (needsAdmin && !after.isAdmin(op.actor()) && !before.isAdmin(op.actor())) {
                count(state, op.actor(), new GroupException(GroupRejection.NOT_ALLOWED, "op by a non-admin"));
            }
        }
        String status = state.status;
        if (!before.isMember(me) && after.isMember(me) && !state.joined()) {
            state.status = GroupRecord.INVITED;
        } else if (before.isMember(me) && !after.isMember(me)) {
            boolean left = ops.stream().anyMatch(op -> op.kind() == MembershipOp.Kind.LEAVE && op.actor().equals(me));
            state.status = left ? GroupRecord.LEFT : GroupRecord.REMOVED;
            state.ownKey = null;
            gossip.unsubscribe(state.topic);
        }
        if (!status.equals(state.status)) {
            rows.add(groupRow(state));
        }
        if (state.joined() && after.isMember(me)) {
            boolean someoneWentAway = before.members().keySet().stream()
                    .anyMatch(peer -> !peer.equals(me) && !after.isMember(peer));
            if (someoneWentAway) {
                rotate(state, rows);
            } else {
                for (PeerId peer : after.members().keySet()) {
                    if (!peer.equals(me) && !before.isMember(peer)) {
                        // We may learn of the add only after posting since: those posts are its to read.
                        queueGrant(state, peer, state.ownKey.stepSince(addedAt(state, peer), clock.nowMillis()),
                                null, 0);
                    }
                }
            }
        }
        return commit(all(rows));
    }

    /** A fresh sender key for us, handed to every remaining member; the old one is retired. */
    private void rotate(GroupState state, List<Rows> rows) {
        SenderKey old = state.ownKey;
        old.retire(old.iteration());
        rows.add(keyRow(state, self.peerId(), old));
        state.ownKey = SenderKey.generate(random);
        state.putKey(self.peerId(), state.ownKey);
        rows.add(keyRow(state, self.peerId(), state.ownKey));
        SenderKey.Step first = currentStep(state);
        for (PeerId member : otherMembers(state)) {
            queueGrant(state, member, first, old.keyId(), old.iteration());
        }
    }

    private static SenderKey.Step currentStep(GroupState state) {
        return new SenderKey.Step(state.ownKey.iteration(), state.ownKey.chainKey());
    }

    /** When the newest add of {@code peer} was made (by its admin's clock); 0 when no add names it. */
    private static long addedAt(GroupState state, PeerId peer) {
        return state.ops.values().stream()
                .filter(op -> op.kind() == MembershipOp.Kind.ADD && peer.equals(op.target()))
                .mapToLong(MembershipOp::atMillis).max().orElse(0);
    }

    /** Hands our sender key, from {@code from} on, to a member. */
    private void queueGrant(GroupState state, PeerId member, SenderKey.Step from, byte[] replaces, int replacedPosts) {
        SenderKeyGrant.Builder grant = SenderKeyGrant.newBuilder()
                .setGroupId(ByteString.copyFrom(state.id.bytes()))
                .setKeyId(ByteString.copyFrom(state.ownKey.keyId()))
                .setIteration(from.iteration())
                .setChainKey(ByteString.copyFrom(from.chainKey()));
        if (replaces != null) {
            grant.setReplacesKeyId(ByteString.copyFrom(replaces)).setReplacedKeyPosts(replacedPosts);
        }
        outbox.queue(member, GroupControl.newBuilder().setSenderKey(grant));
    }

    private Set<PeerId> otherMembers(GroupState state) {
        Set<PeerId> others = new TreeSet<>(state.membership.members().keySet());
        others.remove(self.peerId());
        return others;
    }

    // ---------------------------------------------------------------- posts

    /**
     * Takes in a post from the topic ({@code via} null) or from a member's back-fill. Checks, in
     * order: shape, replay, sender key known (else held until the key arrives), its owner still a
     * member, signature, stale key, decryption; then stores entry and key state in one transaction.
     */
    private void receivePost(GroupState state, byte[] bytes, PeerId via, boolean backfilled) {
        GroupPost post;
        try {
            post = GroupPost.parse(bytes);
        } catch (GroupException e) {
            count(state, via, e);
            return;
        }
        ByteString entryId = ByteString.copyFrom(post.entryId());
        // An opaque entry goes through again: its key may have come since.
        if (state.log.hasRead(entryId)) {
            if (!backfilled) {
                count(state, via, new GroupException(GroupRejection.REPLAYED, "post seen before"));
            }
            return;
        }
        ByteString keyId = ByteString.copyFrom(post.keyId());
        SenderKey key = state.keys.get(keyId);
        if (key == null) {
            hold(state, entryId, new GroupState.PendingPost(bytes, keyId, clock.nowMillis(), via));
            if (backfilled) {
                state.log.addOpaque(entryId);
                if (state.opaqueWaiting < MAX_OPAQUE_AWAITING_KEY
                        && state.opaqueByKey.computeIfAbsent(keyId, id -> new java.util.LinkedHashSet<>()).add(entryId)) {
                    state.opaqueWaiting++;
                }
            }
            return;
        }
        PeerId sender = state.keyOwners.get(keyId);
        if (key.isOwn()) {
            return; // one of ours, which the log already holds unless it was lost with a crash
        }
        GroupText text;
        byte[] plaintext;
        try {
            if (!state.membership.isMember(sender)) {
                throw new GroupException(GroupRejection.NOT_A_MEMBER, "post from a non-member");
            }
            if (!post.signatureValid()) {
                throw new GroupException(GroupRejection.FORGED, "post signature does not verify");
            }
            if (key.isStale(post.iteration())) {
                throw new GroupException(GroupRejection.STALE_KEY, "post under a sender key replaced since");
            }
            plaintext = key.open(post, state.id.bytes());
        } catch (GroupException e) {
            if (e.rejection() == GroupRejection.BEFORE_KEY) {
                state.log.addOpaque(entryId);
            } else {
                count(state, via, e);
            }
            return;
        }
        try {
            text = checkedText(plaintext);
        } catch (GroupException e) {
            count(state, via, e);
            commit(keyRow(state, sender, key));
            return;
        }
        GroupLog.Entry entry = new GroupLog.Entry(entryId, text.getLamport(), text.getParentsList());
        state.log.add(entry);
        GroupMessageRecord record = new GroupMessageRecord(state.id, hex(entryId), sender, text.getText(),
                text.getSentAtMs(), clock.nowMillis(), text.getLamport());
        Rows entryRow = entryRow(state, record, text.getMessageId().toByteArray(), text.getParentsList(), post);
        Rows keyRow = keyRow(state, sender, key);
        commit(connection -> {
            entryRow.write(connection);
            keyRow.write(connection);
        }).thenRun(() -> {
            listeners.forEach(listener -> listener.groupMessageAdded(record));
            List<ByteString> missing = text.getParentsList().stream().filter(id -> !state.log.holds(id)).toList();
            requestBackfill(state, via != null ? via : sender, missing);
        });
    }

    private static GroupText checkedText(byte[] plaintext) throws GroupException {
        GroupText text;
        try {
            text = GroupText.parseFrom(plaintext);
        } catch (InvalidProtocolBufferException e) {
            throw new GroupException(GroupRejection.MALFORMED, "post content does not parse");
        }
        if (text.getMessageId().size() != 16 || text.getLamport() < 1 || text.getLamport() > MAX_LAMPORT
                || text.getParentsCount() > GroupLog.MAX_PARENTS
                || text.getParentsList().stream().anyMatch(id -> id.size() != 32) || text.getText().isEmpty()) {
            throw new GroupException(GroupRejection.MALFORMED, "post content out of shape");
        }
        if (text.getTextBytes().size() > MAX_TEXT_BYTES) {
            throw new GroupException(GroupRejection.TOO_LARGE, "post text over the limit");
        }
        return text;
    }

    private void hold(GroupState state, ByteString entryId, GroupState.PendingPost post) {
        state.pending.put(entryId, post);
        while (state.pending.size() > MAX_PENDING_POSTS) {
            Iterator<GroupState.PendingPost> oldest = state.pending.values().iterator();
            GroupState.PendingPost dropped = oldest.next();
            oldest.remove();
            count(state, dropped.via(), new GroupException(GroupRejection.UNKNOWN_KEY, "no sender key came"));
        }
    }

    /** Posts that waited for a key that has now arrived. */
    private void retryPending(GroupState state, ByteString keyId) {
        List<Map.Entry<ByteString, GroupState.PendingPost>> ready = new ArrayList<>();
        for (Map.Entry<ByteString, GroupState.PendingPost> entry : state.pending.entrySet()) {
            if (entry.getValue().keyId().equals(keyId)) {
                ready.add(entry);
            }
        }
        for (Map.Entry<ByteString, GroupState.PendingPost> entry : ready) {
            state.pending.remove(entry.getKey());
            receivePost(state, entry.getValue().post(), entry.getValue().via(), false);
        }
    }

    /**
     * Entries back-filled as opaque before their key came, which are no longer waiting in memory
     * (that lasts {@link #PENDING_LIFETIME}): gaps again, asked of the key's owner, who wrote them,
     * and of linked members at the next beats, and read when they come back.
     */
    private void reopenOpaque(GroupState state, PeerId owner, ByteString keyId) {
        Set<ByteString> ids = state.opaqueByKey.remove(keyId);
        if (ids == null) {
            return;
        }
        state.opaqueWaiting -= ids.size();
        List<ByteString> unread = ids.stream().filter(id -> !state.log.hasRead(id)).toList();
        unread.forEach(state.log::forgetOpaque);
        requestBackfill(state, owner, unread);
    }

    private void requestBackfill(GroupState state, PeerId from, List<ByteString> ids) {
        if (ids.isEmpty() || from == null || from.equals(self.peerId())) {
            return;
        }
        sendOnce(from, GroupControl.newBuilder().setBackfillRequest(LogIds.newBuilder()
                .setGroupId(ByteString.copyFrom(state.id.bytes()))
                .addAllIds(ids.subList(0, Math.min(ids.size(), MAX_IDS)))));
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
     * Resends control messages not acknowledged in time; per joined group, tells one linked member
     * (in turn) our heads, which is how a member back from offline learns what it missed, and
     * asks for the gaps still open (with no member linked, names one for the node to reach);
     * drops posts whose key never came.
     */
    private void beat() {
        long now = clock.nowMillis();
        beats++;
        outbox.resend(RESEND_AFTER.toMillis());
        for (GroupState state : groups.values()) {
            expirePending(state, now);
            if (!state.joined()) {
                continue;
            }
            List<ByteString> missing = new ArrayList<>(state.log.missing());
            state.beatsWithGaps = missing.isEmpty() ? 0 : state.beatsWithGaps + 1;
            List<PeerId> others = List.copyOf(otherMembers(state));
            List<PeerId> linked = others.stream().filter(neighbours::isConnected).toList();
            List<PeerId> unlinked = others.stream().filter(peer -> !neighbours.isConnected(peer)).toList();
            // Heads and back-fill go only to linked members: with none linked we never hear of posts
            // gossip did not bring us, and gaps the linked ones cannot fill stay open. Then want a
            // link to one more member, another one at each beat in case one is away.
            boolean stuck = linked.isEmpty() || state.beatsWithGaps >= GAP_BEATS_BEFORE_REACHING_OUT;
            state.wantedLink = stuck && !unlinked.isEmpty() ? unlinked.get((int) (beats % unlinked.size())) : null;
            if (linked.isEmpty()) {
                continue;
            }
            PeerId peer = linked.get((int) (beats % linked.size()));
            sendOnce(peer, GroupControl.newBuilder().setHeads(LogIds.newBuilder()
                    .setGroupId(ByteString.copyFrom(state.id.bytes())).addAllIds(state.log.heads())));
            requestBackfill(state, peer, missing);
        }
    }

    private void expirePending(GroupState state, long now) {
        Iterator<GroupState.PendingPost> posts = state.pending.values().iterator();
        while (posts.hasNext()) {
            GroupState.PendingPost post = posts.next();
            if (now - post.receivedAtMillis() >= PENDING_LIFETIME.toMillis()) {
                posts.remove();
                count(state, post.via(), new GroupException(GroupRejection.UNKNOWN_KEY, "no sender key came"));
            }
        }
    }

    // ---------------------------------------------------------------- sending control

    private void sendOnce(PeerId peer, GroupControl.Builder control) {
        messenger.sendGroupControl(peer, control.build().toByteArray());
    }

    private void acknowledge(PeerId peer, ByteString controlId) {
        if (controlId.size() == 16) {
            sendOnce(peer, GroupControl.newBuilder().setAck(GroupAck.newBuilder().addControlIds(controlId)));
        }
    }

    // ---------------------------------------------------------------- bookkeeping

    private void count(GroupState state, PeerId via, GroupException reason) {
        LOG.fine(() -> "group " + state.id + ": refused " + reason.getMessage());
        refused.computeIfAbsent(state.id, id -> new HashMap<>()).merge(reason.rejection().label(), 1L, Long::sum);
        if (via != null && reason.rejection().penalty() > 0) {
            neighbours.penalize(via, reason.rejection().penalty(), "group: " + reason.rejection().label());
        }
    }

    /** Refusals in a group since start, by reason. */
    public Map<String, Long> refusedIn(GroupId id) {
        return Map.copyOf(refused.getOrDefault(id, Map.of()));
    }

    private GroupRecord record(GroupState state) {
        return new GroupRecord(state.id, state.name, state.status, state.invitedBy,
                state.membership.members().size(), state.membership.isAdmin(self.peerId()), state.log.size(),
                refusedIn(state.id));
    }

    private CompletableFuture<Void> commit(Rows rows) {
        CompletableFuture<Void> committed = new CompletableFuture<>();
        storage.submit(connection -> {
            rows.write(connection);
            return null;
        }).whenCompleteAsync((ignored, error) -> {
            if (error != null) {
                LOG.log(Level.SEVERE, "could not store group state", error);
                committed.completeExceptionally(new GroupFailure("could not store the change: " + error.getMessage()));
            } else {
                committed.complete(null);
            }
        }, loop);
        return committed;
    }

    private static Rows all(List<Rows> rows) {
        return connection -> {
            for (Rows row : rows) {
                row.write(connection);
            }
        };
    }

    private Rows groupRow(GroupState state) {
        byte[] name = cipher.seal(state.name.getBytes(StandardCharsets.UTF_8), nameContext(state.id));
        GroupRows.Group row = new GroupRows.Group(state.id.bytes(), name, state.status,
                state.invitedBy == null ? null : state.invitedBy.toString(), state.createdMillis);
        return connection -> GroupRows.putGroup(connection, row);
    }

    /** The key's state now, sealed on the loop: the key goes on moving while the storage thread writes. */
    private Rows keyRow(GroupState state, PeerId owner, SenderKey key) {
        byte[] keyId = key.keyId();
        GroupRows.Key row = new GroupRows.Key(state.id.bytes(), keyId, owner.toString(),
                cipher.seal(key.toBytes(), keyContext(state.id, keyId)));
        return connection -> GroupRows.putKey(connection, row);
    }

    private Rows entryRow(GroupState state, GroupMessageRecord record, byte[] messageId, List<ByteString> parents,
                          GroupPost post) {
        ByteString joined = ByteString.copyFrom(parents);
        GroupRows.Entry row = new GroupRows.Entry(HexFormat.of().parseHex(record.entryId()), state.id.bytes(),
                messageId, record.sender().toString(), record.lamport(), joined.toByteArray(), post.toBytes(),
                cipher.seal(record.text().getBytes(StandardCharsets.UTF_8), bodyContext(record.entryId())),
                record.sentAtMillis(), record.receivedAtMillis());
        return connection -> GroupRows.insertEntry(connection, row);
    }

    private static String nameContext(GroupId id) {
        return "group-name:" + id;
    }

    private static String keyContext(GroupId id, byte[] keyId) {
        return "group-key:" + id + ":" + HexFormat.of().formatHex(keyId);
    }

    private static String bodyContext(String entryId) {
        return "group-message:" + entryId;
    }

    private static String hex(ByteString bytes) {
        return HexFormat.of().formatHex(bytes.toByteArray());
    }

    private static <T> CompletableFuture<T> failed(String message) {
        return CompletableFuture.failedFuture(new GroupFailure(message));
    }

    private static PeerId parse(String peerId) {
        try {
            return PeerId.parse(peerId);
        } catch (InvalidPeerIdException e) {
            throw new GroupFailure("the database holds an invalid peer ID");
        }
    }

    // ---------------------------------------------------------------- loading

    private void load() {
        storage.submit(connection -> {
            try {
                loadRows(connection);
            } catch (GroupException | InvalidProtocolBufferException e) {
                throw new GroupFailure("a stored group does not load: " + e.getMessage());
            }
            return null;
        }).join();
        groups.values().forEach(state -> state.membership = Membership.replay(state.id, state.ops.values()));
    }

    private void loadRows(Connection connection) throws SQLException, GroupException, InvalidProtocolBufferException {
        for (GroupRows.Group row : GroupRows.groups(connection)) {
            GroupId id = GroupId.of(row.groupId());
            String name = new String(cipher.open(row.name(), nameContext(id)), StandardCharsets.UTF_8);
            GroupState state = new GroupState(id, name, row.status(),
                    row.invitedBy() == null ? null : parse(row.invitedBy()), row.createdMillis());
            groups.put(id, state);
            byTopic.put(state.topic, state);
        }
        for (GroupRows.Op row : GroupRows.ops(connection)) {
            MembershipOp op = MembershipOp.verify(MembershipOpProto.parseFrom(row.op()));
            groups.get(op.groupId()).ops.put(ByteString.copyFrom(op.id()), op);
        }
        for (GroupRows.Key row : GroupRows.keys(connection)) {
            GroupState state = groups.get(GroupId.of(row.groupId()));
            SenderKey key = SenderKey.fromBytes(cipher.open(row.state(), keyContext(state.id, row.keyId())));
            PeerId owner = parse(row.owner());
            state.putKey(owner, key);
            if (key.isOwn() && !key.isStale(key.iteration()) && state.joined()) {
                state.ownKey = key;
            }
        }
        for (GroupRows.Entry row : GroupRows.entryLinks(connection)) {
            List<ByteString> parents = new ArrayList<>();
            for (int at = 0; at + 32 <= row.parents().length; at += 32) {
                parents.add(ByteString.copyFrom(row.parents(), at, 32));
            }
            groups.get(GroupId.of(row.groupId())).log.add(
                    new GroupLog.Entry(ByteString.copyFrom(row.entryId()), row.lamport(), parents));
        }
        outbox.load(connection);
    }
}
