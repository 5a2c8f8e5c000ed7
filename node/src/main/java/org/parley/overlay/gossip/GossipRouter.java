package org.parley.overlay.gossip;

import com.google.protobuf.ByteString;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.parley.identity.PeerId;
import org.parley.link.Misbehaviour;
import org.parley.link.TokenBucket;
import org.parley.proto.wire.v1.GossipFrame;
import org.parley.proto.wire.v1.IHave;
import org.parley.proto.wire.v1.IWant;
import org.parley.proto.wire.v1.Publish;
import org.parley.proto.wire.v1.Unsubscribe;
import org.parley.runtime.Clock;
import org.parley.runtime.Rng;
import org.parley.runtime.Scheduler;

/**
 * Topic publish/subscribe over the neighbours a node is linked to: every subscriber of a topic
 * gets each message once, with few duplicate receptions. Sans-I/O: events come in through the
 * public methods, everything it does goes out through its {@link GossipHost}, and time, timers and
 * randomness come from the runtime. Every method must be called on the node's loop.
 *
 * <p>The design is GossipSub's, with Plumtree's duplicate suppression on top:
 * <ul>
 *   <li>Each topic has a mesh of subscribed neighbours, kept between {@code meshLow} and
 *       {@code meshHigh} peers by GRAFT and PRUNE, repaired by a periodic heartbeat. Mesh links
 *       are symmetric: both ends push every new message to each other (eager push).
 *   <li>Each heartbeat, the IDs of recent messages go in an IHAVE to a few subscribed neighbours
 *       outside the mesh (lazy push); whoever misses one asks for it with IWANT. This is what
 *       repairs lost frames and a mesh that fell apart.
 *   <li>A mesh edge whose far end keeps sending messages we already have is redundant: some other
 *       path brings them first. As in Plumtree, such a peer is pruned, but only while the mesh
 *       stays at {@code meshLow} or above.
 * </ul>
 * GossipSub alone pushes every message over every mesh edge, so each subscriber receives about
 * D-1 copies (roughly 3 on Ethereum's D=8 network). Plumtree alone shrinks the eager links to one
 * spanning tree, which is cheapest but hangs every delivery on single links and needs a timer per
 * missing message to repair it. Pruning redundant edges down to a small floor keeps most of
 * Plumtree's saving, keeps a second eager path for most nodes, and leaves repair to the
 * heartbeat's IHAVE/IWANT, with no timer per message.
 *
 * <p>Only subscribers form a topic's mesh and only they relay it; a node that is not subscribed
 * ignores the topic's messages. Nothing here authenticates a publisher: payloads are signed by the
 * layer above, which also refuses a message replayed after {@link SeenCache} forgot it.
 *
 * <p>About 480 lines and kept whole on purpose: checks, caches, promises, mesh upkeep and the pace
 * of first copies are parts of their own already; what is left is the one dispatch over the shared
 * peer and topic maps.
 */
public final class GossipRouter {
    /** Heartbeats between repeats of our subscriptions to every neighbour. */
    static final int RESUBSCRIBE_EVERY = 10;

    private final GossipHost host;
    private final Scheduler scheduler;
    private final Clock clock;
    private final Rng rng;
    private final GossipConfig config;
    private final FrameCheck check;
    private final SeenCache seen;
    private final MessageCache cache;
    private final IWantPromises promises;
    private final MeshUpkeep upkeep;
    private final Map<PeerId, GossipPeer> peers = new LinkedHashMap<>();
    private final Map<String, TopicMesh> subscriptions = new LinkedHashMap<>();
    private Scheduler.Cancellable heartbeatTimer;
    private long heartbeats;
    private RelayListener relayListener = (peer, firstCopy) -> { };
    private Runnable starvedListener = () -> { };
    private final FirstCopyPace firstCopyPace = new FirstCopyPace();

    /** Told whenever a neighbour relays a message of a topic we subscribe to, or announces one. */
    public interface RelayListener {
        /** {@code firstCopy}: nobody had brought us the message before. */
        void relayed(PeerId peer, boolean firstCopy);
    }

    public GossipRouter(GossipHost host, Scheduler scheduler, Clock clock, Rng rng, GossipConfig config) {
        this.host = host;
        this.scheduler = scheduler;
        this.clock = clock;
        this.rng = rng;
        this.config = config;
        this.check = new FrameCheck(config);
        this.seen = new SeenCache(clock, config.seenCapacity(), config.seenTtl());
        this.cache = new MessageCache(config.historyWindows(), config.gossipWindows(), config.maxCachedMessages());
        // More requests outstanding than messages we could keep would only be refused later.
        this.promises = new IWantPromises(config.maxCachedMessages());
        this.upkeep = new MeshUpkeep(host, clock, rng, config, peers, cache);
    }

    /**
     * Tells the router which neighbours nobody can dial (their records name no address): it prunes
     * them from a mesh only above the high watermark or half of them, whichever is more, since
     * they cannot mesh with each other (decisions 0043, 0050).
     */
    public void spareUndialable(Predicate<PeerId> cannotBeDialled) {
        upkeep.spareUndialable(cannotBeDialled);
    }

    /** Tells {@code listener} which neighbours relay (the link layer keeps the links that do). */
    public void onRelay(RelayListener listener) {
        this.relayListener = listener;
    }

    /** Tells {@code listener}, each heartbeat, while first copies stopped coming ({@link FirstCopyPace}, decision 0083). */
    public void onStarved(Runnable listener) {
        this.starvedListener = listener;
    }

    /** Whether first copies stopped coming (see {@link #onStarved}). */
    public boolean starved() {
        return firstCopyPace.starved(clock.monotonicNanos());
    }

    /**
     * Messages of the topics {@code peer} shares with us that reached us since it last relayed or
     * announced one: time as the topics it could have helped with count it. Zero for a neighbour
     * on no topic of ours, or none.
     */
    public long messagesSinceRelayed(PeerId peer) {
        GossipPeer state = peers.get(peer);
        return state == null ? 0 : state.messagesSinceRelayed;
    }

    /**
     * Starts the heartbeat. The first one comes after a random part of the interval, so that
     * nodes started together do not all gossip in the same instant.
     */
    public void start() {
        if (heartbeatTimer != null) {
            return;
        }
        Duration first = Duration.ofNanos(rng.nextLong(config.heartbeat().toNanos()));
        heartbeatTimer = scheduler.schedule(first, this::heartbeatAndReschedule);
    }

    public void stop() {
        if (heartbeatTimer != null) {
            heartbeatTimer.cancel();
            heartbeatTimer = null;
        }
    }

    public void peerConnected(PeerId peer) {
        if (peers.containsKey(peer)) {
            return;
        }
        TokenBucket inbound = new TokenBucket(clock, config.inboundFramesPerSecond(), config.inboundBurst());
        peers.put(peer, new GossipPeer(inbound));
        subscriptions.keySet().forEach(topic -> host.send(peer, GossipFrames.subscribe(topic)));
    }

    public void peerDisconnected(PeerId peer) {
        if (peers.remove(peer) == null) {
            return;
        }
        subscriptions.values().forEach(mesh -> mesh.forget(peer));
        promises.forget(peer);
    }

    /** Subscribes to {@code topic}: tells every neighbour, and grafts a mesh from those known to share it. */
    public void subscribe(String topic) {
        if (topic.isEmpty() || topic.length() > config.maxTopicLength()) {
            throw new IllegalArgumentException("a topic is 1 to " + config.maxTopicLength() + " characters");
        }
        if (subscriptions.containsKey(topic)) {
            return;
        }
        TopicMesh mesh = new TopicMesh();
        subscriptions.put(topic, mesh);
        peers.keySet().forEach(peer -> host.send(peer, GossipFrames.subscribe(topic)));
        upkeep.maintain(topic, mesh);
    }

    /** Leaves {@code topic}; neighbours drop this node from their meshes when told. */
    public void unsubscribe(String topic) {
        if (subscriptions.remove(topic) == null) {
            return;
        }
        GossipFrame frame = GossipFrame.newBuilder()
                .setUnsubscribe(Unsubscribe.newBuilder().setTopic(topic))
                .build();
        peers.keySet().forEach(peer -> host.send(peer, frame));
    }

    /**
     * Publishes {@code payload} on {@code topic}, which this node must be subscribed to. The local
     * subscriber is not handed its own message. Publishing bytes already seen on the topic sends
     * nothing: it is the same message.
     *
     * @throws IllegalStateException when not subscribed to the topic
     * @throws IllegalArgumentException when the payload is larger than neighbours accept
     */
    public GossipId publish(String topic, byte[] payload) {
        TopicMesh mesh = subscriptions.get(topic);
        if (mesh == null) {
            throw new IllegalStateException("not subscribed to " + topic);
        }
        if (payload.length > config.maxPayloadBytes()) {
            throw new IllegalArgumentException("payload above " + config.maxPayloadBytes() + " bytes");
        }
        ByteString bytes = ByteString.copyFrom(payload);
        GossipId id = GossipId.of(topic, bytes);
        if (!seen.add(id)) {
            return id;
        }
        Publish message = Publish.newBuilder()
                .setMessageId(id.bytes())
                .setTopic(topic)
                .setPayload(bytes)
                .setHopsLeft(config.maxHops())
                .build();
        cache.put(id, message);
        GossipFrame frame = GossipFrame.newBuilder().setPublish(message).build();
        // Flood publishing (GossipSub v1.1): our own message goes to every subscribed neighbour,
        // not only the mesh, so Sybils that fill our mesh and drop cannot stop it at the source.
        // It costs one copy per extra neighbour per message we publish, however large the network.
        peers.forEach((peer, state) -> {
            if (mesh.contains(peer) || state.topics.contains(topic)) {
                host.send(peer, frame);
            }
        });
        return id;
    }

    /** A gossip frame from a neighbour. */
    public void frameReceived(PeerId from, GossipFrame frame) {
        GossipPeer peer = peers.get(from);
        if (peer == null) {
            return;
        }
        if (!peer.inbound.tryTake()) {
            host.penalize(from, Misbehaviour.FLOOD, "gossip frames above the rate limit");
            return;
        }
        Optional<String> problem = check.problem(frame);
        if (problem.isPresent()) {
            host.penalize(from, Misbehaviour.PROTOCOL_VIOLATION, "malformed gossip frame: " + problem.get());
            return;
        }
        switch (frame.getBodyCase()) {
            case PUBLISH -> onPublish(from, frame.getPublish());
            case IHAVE -> onIHave(from, peer, frame.getIhave());
            case IWANT -> onIWant(from, peer, frame.getIwant());
            case GRAFT -> onGraft(from, peer, frame.getGraft().getTopic());
            case PRUNE -> onPrune(from, frame.getPrune().getTopic());
            case SUBSCRIBE -> onSubscribe(from, peer, frame.getSubscribe().getTopic());
            case UNSUBSCRIBE -> onUnsubscribe(from, peer, frame.getUnsubscribe().getTopic());
            default -> throw new IllegalStateException("FrameCheck let through " + frame.getBodyCase());
        }
    }

    /** Whether {@code peer} is in the mesh of any topic this node subscribes to. */
    public boolean isMeshPeer(PeerId peer) {
        for (TopicMesh mesh : subscriptions.values()) {
            if (mesh.contains(peer)) {
                return true;
            }
        }
        return false;
    }

    /** The mesh peers of {@code topic}, in the order they joined; empty when not subscribed. */
    public List<PeerId> meshPeers(String topic) {
        TopicMesh mesh = subscriptions.get(topic);
        return mesh == null ? List.of() : mesh.members();
    }

    private void onPublish(PeerId from, Publish message) {
        GossipId id = GossipId.fromWire(message.getMessageId());
        boolean askedFor = promises.fulfilled(id);
        TopicMesh mesh = subscriptions.get(message.getTopic());
        if (mesh == null) {
            return;
        }
        if (!seen.add(id)) {
            relayed(from, message.getTopic(), false);
            onDuplicate(from, message.getTopic(), mesh);
            return;
        }
        relayed(from, message.getTopic(), true);
        firstCopyPace.arrived(clock.monotonicNanos());
        // A message we asked for after an announcement was counted when it was announced.
        mesh.firstFrom(from, !askedFor);
        Publish relayed = message.toBuilder().setHopsLeft(Math.max(0, message.getHopsLeft() - 1)).build();
        cache.put(id, relayed);
        // Relayed before it is handed up: the next hops need not wait for what the layer above
        // does with it (checking, decrypting, storing), which they do not depend on.
        if (message.getHopsLeft() > 0) {
            GossipFrame frame = GossipFrame.newBuilder().setPublish(relayed).build();
            for (PeerId peer : mesh.members()) {
                if (!peer.equals(from)) {
                    host.send(peer, frame);
                }
            }
        }
        host.deliver(message.getTopic(), id, message.getPayload().toByteArray(),
                config.maxHops() - message.getHopsLeft() + 1);
    }

    private void onDuplicate(PeerId from, String topic, TopicMesh mesh) {
        if (!mesh.contains(from)) {
            // It pushes to us although we are not in its mesh: our Prune was lost or crossed its
            // Graft. Saying it again costs one small frame and stops the stream of duplicates.
            host.send(from, GossipFrames.prune(topic));
            return;
        }
        // Counted without the silent members: a redundant peer that relays is worth more than a
        // silent one, and pruning it with a 30 s backoff while silent ones fill the mesh would
        // leave us with only those.
        if (mesh.duplicateFrom(from) >= config.duplicatesBeforePrune()
                && upkeep.mayPrune(topic, from, mesh.size() - mesh.silentMembers(MeshUpkeep.SILENT_MESSAGES).size())) {
            upkeep.prune(from, topic, mesh);
        }
    }

    private void onIHave(PeerId from, GossipPeer peer, IHave announcement) {
        if (++peer.iHavesThisHeartbeat > config.maxIHavesPerHeartbeat()) {
            return;
        }
        TopicMesh mesh = subscriptions.get(announcement.getTopic());
        // Only subscribers gossip a topic, so an IHave says the sender is one.
        if (mesh == null || !acceptTopic(from, peer, announcement.getTopic())) {
            return;
        }
        relayed(from, announcement.getTopic(), false);
        long now = clock.monotonicNanos();
        long deadline = now + config.promiseTimeout().toNanos();
        IWant.Builder request = IWant.newBuilder();
        for (ByteString raw : announcement.getMessageIdsList()) {
            GossipId id = GossipId.fromWire(raw);
            if (!seen.contains(id) && promises.mayRequest(id, now)) {
                mesh.missed(from, !promises.isOutstanding(id));
                promises.requested(id, from, deadline);
                request.addMessageIds(raw);
            }
        }
        if (request.getMessageIdsCount() == 0) {
            return;
        }
        host.send(from, GossipFrame.newBuilder().setIwant(request).build());
        if (!mesh.contains(from)) {
            // Plumtree's repair: our eager paths failed to bring a message this peer had, so take
            // it into the mesh. Were the paths fine after all, its duplicates will prune it again.
            mesh.add(from);
            host.send(from, GossipFrames.graft(announcement.getTopic()));
        }
    }

    /**
     * {@code from} relayed or announced a message of {@code topic}; a first copy is one more
     * message every other neighbour on the topic outside our mesh could have announced to us and
     * did not. Mesh peers are not counted: we push them the message, and an honest one downstream
     * of us sends nothing back (nor announces to its mesh); their silence is the mesh's to judge
     * ({@link TopicMesh#silentMembers}), and a silent member pruned is counted from then on.
     */
    private void relayed(PeerId from, String topic, boolean firstCopy) {
        GossipPeer sender = peers.get(from);
        sender.messagesSinceRelayed = 0;
        TopicMesh mesh = subscriptions.get(topic);
        if (firstCopy) {
            peers.forEach((id, state) -> {
                if (state != sender && state.topics.contains(topic) && !mesh.contains(id)) {
                    state.messagesSinceRelayed++;
                }
            });
        }
        relayListener.relayed(from, firstCopy);
    }

    private void onIWant(PeerId from, GossipPeer peer, IWant request) {
        for (ByteString raw : request.getMessageIdsList()) {
            Optional<Publish> message = cache.get(GossipId.fromWire(raw));
            if (message.isEmpty()) {
                if (++peer.unknownIWantsThisHeartbeat > config.unknownIWantBudget()) {
                    host.penalize(from, Misbehaviour.UNKNOWN_IWANT, "IWant for messages we do not have");
                    return;
                }
                continue;
            }
            if (peer.servedThisHeartbeat >= config.servedPerHeartbeat()) {
                return;
            }
            peer.servedThisHeartbeat++;
            host.send(from, GossipFrame.newBuilder().setPublish(message.get()).build());
        }
    }

    private void onGraft(PeerId from, GossipPeer peer, String topic) {
        TopicMesh mesh = subscriptions.get(topic);
        if (mesh == null) {
            host.send(from, GossipFrames.prune(topic));
            return;
        }
        // Grafting is only done among subscribers, so it says the sender is one.
        if (!acceptTopic(from, peer, topic)) {
            return;
        }
        if (mesh.inBackoff(from, clock.monotonicNanos())) {
            // GRAFT backoff: a peer we pruned (or that pruned us) waits out the backoff before it
            // joins again, or a silent peer pruned would be back in the next moment.
            host.send(from, GossipFrames.prune(topic));
            return;
        }
        mesh.add(from);
    }

    private void onPrune(PeerId from, String topic) {
        TopicMesh mesh = subscriptions.get(topic);
        if (mesh != null) {
            mesh.prune(from, clock.monotonicNanos() + config.pruneBackoff().toNanos());
        }
    }

    private void onSubscribe(PeerId from, GossipPeer peer, String topic) {
        acceptTopic(from, peer, topic);
    }

    private void onUnsubscribe(PeerId from, GossipPeer peer, String topic) {
        peer.topics.remove(topic);
        TopicMesh mesh = subscriptions.get(topic);
        if (mesh != null) {
            mesh.remove(from);
        }
    }

    private boolean acceptTopic(PeerId from, GossipPeer peer, String topic) {
        if (peer.topics.contains(topic)) {
            return true;
        }
        if (peer.topics.size() >= config.maxTopicsPerPeer()) {
            host.penalize(from, Misbehaviour.TOO_MANY_TOPICS, "subscribed to more than " + config.maxTopicsPerPeer()
                    + " topics");
            return false;
        }
        peer.topics.add(topic);
        if (subscriptions.containsKey(topic)) {
            upkeep.announceTo(topic, from);
        }
        return true;
    }

    private void heartbeatAndReschedule() {
        heartbeat();
        heartbeatTimer = scheduler.schedule(config.heartbeat(), this::heartbeatAndReschedule);
    }

    /** One heartbeat: mesh repair, IHave gossip, promise checks, budget resets. */
    void heartbeat() {
        if (++heartbeats % RESUBSCRIBE_EVERY == 0) {
            // Subscriptions are soft state: a Subscribe lost on the way would otherwise leave a
            // neighbour unaware of us for as long as the link lasts.
            subscriptions.keySet().forEach(topic -> peers.keySet().forEach(peer -> host.send(peer, GossipFrames.subscribe(topic))));
        }
        promises.takeBroken(clock.monotonicNanos()).forEach(this::blameBrokenPromise);
        if (starved()) {
            starvedListener.run();
        }
        peers.values().forEach(GossipPeer::resetHeartbeatBudgets);
        subscriptions.forEach((topic, mesh) -> {
            upkeep.maintain(topic, mesh);
            upkeep.announce(topic, mesh);
        });
        cache.shift();
    }

    private void blameBrokenPromise(PeerId peer) {
        if (peers.containsKey(peer)) {
            host.penalize(peer, Misbehaviour.BROKEN_PROMISE, "announced a message and did not send it");
        }
    }
}
