package org.parley.overlay.gossip;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.parley.identity.PeerId;
import org.parley.proto.wire.v1.GossipFrame;
import org.parley.proto.wire.v1.IHave;
import org.parley.runtime.Clock;
import org.parley.runtime.Rng;

/**
 * What each heartbeat does for a topic's mesh, apart from the messages themselves: grafts
 * subscribed neighbours when the mesh fell below its low watermark, prunes it back to D above the
 * high one, and announces recent message IDs (IHAVE) to a few subscribers outside it, the lazy
 * push that repairs lost frames. Shares the router's view of its neighbours; confined to the loop.
 */
final class MeshUpkeep {
    /**
     * Messages that must reach us from others, with nothing from a mesh peer, before it counts as
     * silent: enough that a peer is not taken for one over a few messages that happened to reach
     * it through us first.
     */
    static final int SILENT_MESSAGES = 8;
    /** Messages within which a neighbour must have brought us one to be grafted ahead of the others. */
    static final int RELAYED_WITHIN = 64;

    private final GossipHost host;
    private final Clock clock;
    private final Rng rng;
    private final GossipConfig config;
    private final Map<PeerId, GossipPeer> peers;
    private final MessageCache cache;
    /** Neighbours nobody can dial (behind a NAT): they are pruned only above the high watermark. */
    private Predicate<PeerId> undialable = peer -> false;

    MeshUpkeep(GossipHost host, Clock clock, Rng rng, GossipConfig config, Map<PeerId, GossipPeer> peers,
               MessageCache cache) {
        this.host = host;
        this.clock = clock;
        this.rng = rng;
        this.config = config;
        this.peers = peers;
        this.cache = cache;
    }

    void spareUndialable(Predicate<PeerId> cannotBeDialled) {
        this.undialable = cannotBeDialled;
    }

    /**
     * Whether {@code peer} may be pruned from {@code topic}'s mesh of {@code size} for a reason
     * other than its misbehaviour: below the low watermark nobody is, and a peer nobody can dial
     * only above {@link #undialableCeiling}. Such a peer can mesh only with dialable nodes, and
     * when most nodes sit behind NATs the dialable ones are too few to give every one of them two
     * mesh places if each keeps only D: a node pruned by all its neighbours waits out their
     * backoffs with no mesh at all, and gets messages only when a lazy announcement happens to
     * pick it.
     */
    boolean mayPrune(String topic, PeerId peer, int size) {
        return size > (undialable.test(peer) ? undialableCeiling(topic) : config.meshLow());
    }

    /**
     * The mesh size above which peers nobody can dial are pruned: the high watermark, or half the
     * subscribed neighbours nobody can dial, whichever is more. Each of those links only to
     * dialable nodes (a node's usual 8 links) and grafts up to D = 4 of them, so a dialable node
     * is asked for about half of its undialable neighbours; with four or more of them per dialable
     * node (80% behind NATs) a fixed 8 places left some with no mesh at all (issue 15). The mesh
     * peers of a node behind a NAT prune it for duplicates down to the low watermark, which keeps
     * the places actually held nearer a quarter.
     */
    private int undialableCeiling(String topic) {
        int undialableSubscribers = 0;
        for (Map.Entry<PeerId, GossipPeer> entry : peers.entrySet()) {
            if (entry.getValue().topics.contains(topic) && undialable.test(entry.getKey())) {
                undialableSubscribers++;
            }
        }
        return Math.max(config.meshHigh(), (undialableSubscribers + 1) / 2);
    }

    /**
     * Grafts up to D when the mesh fell below its low watermark, prunes down to D above the high
     * one. Mesh peers that relayed nothing while {@link #SILENT_MESSAGES} messages reached us from
     * others (GossipSub v1.1's mesh delivery score, in its simplest form) do not count as members
     * for the low watermark, and they are the first pruned to make room or to come down to D.
     * Silence is counted over the latest messages, so members that relayed until a moment and
     * then stopped turn silent too. Grafts go first to neighbours that brought us something lately.
     * Plumtree's duplicate pruning alone keeps the peers that send nothing at all: a Sybil that
     * joined the mesh to drop would stay for good while honest redundant peers go. A silent peer
     * is not pruned for its silence alone: an honest peer downstream of us for every message (a
     * leaf of the tree the mesh forms) sends us nothing either, and losing it would cut it off.
     * Of the others, dialable peers go first, then peers nobody can dial, but those only down to
     * their own ceiling (see {@link #mayPrune}).
     */
    void maintain(String topic, TopicMesh mesh) {
        long now = clock.monotonicNanos();
        List<PeerId> silent = mesh.silentMembers(SILENT_MESSAGES);
        shuffle(silent);
        int active = mesh.size() - silent.size();
        if (active < config.meshLow()) {
            List<PeerId> candidates = new ArrayList<>();
            for (PeerId peer : subscribersOf(topic)) {
                if (!mesh.contains(peer) && !mesh.inBackoff(peer, now)) {
                    candidates.add(peer);
                }
            }
            shuffle(candidates);
            // Neighbours that brought us first copies or announced what we lacked are grafted
            // first: they relay. A candidate drawn at random is as likely a Sybil as the share of
            // our links Sybils hold, and would only turn silent again after as many messages.
            candidates.sort(java.util.Comparator.comparing(peer -> !mesh.broughtLately(peer, RELAYED_WITHIN)));
            GossipFrame graft = GossipFrames.graft(topic);
            for (int i = 0; i < candidates.size() && active < config.meshDegree(); i++) {
                if (mesh.size() >= config.meshHigh()) {
                    if (silent.isEmpty()) {
                        break;
                    }
                    prune(silent.remove(silent.size() - 1), topic, mesh);
                }
                mesh.add(candidates.get(i));
                host.send(candidates.get(i), graft);
                active++;
            }
        }
        if (mesh.size() > config.meshHigh()) {
            while (mesh.size() > config.meshDegree() && !silent.isEmpty()) {
                prune(silent.remove(silent.size() - 1), topic, mesh);
            }
            List<PeerId> members = mesh.members();
            shuffle(members);
            List<PeerId> order = new ArrayList<>();
            members.stream().filter(peer -> !undialable.test(peer)).forEach(order::add);
            members.stream().filter(undialable).forEach(order::add);
            for (int i = 0; i < order.size() && mesh.size() > config.meshDegree(); i++) {
                if (mayPrune(topic, order.get(i), mesh.size())) {
                    prune(order.get(i), topic, mesh);
                }
            }
        }
    }

    /** Announces the recent messages of {@code topic} to a few subscribers outside the mesh. */
    void announce(String topic, TopicMesh mesh) {
        List<GossipId> ids = cache.recentIds(topic, config.maxIdsPerFrame());
        if (ids.isEmpty()) {
            return;
        }
        List<PeerId> lazy = new ArrayList<>();
        for (PeerId peer : subscribersOf(topic)) {
            if (!mesh.contains(peer)) {
                lazy.add(peer);
            }
        }
        shuffle(lazy);
        GossipFrame frame = announcement(topic, ids);
        lazy.stream().limit(config.lazyPeers()).forEach(peer -> host.send(peer, frame));
    }

    /**
     * Announces the recent messages of {@code topic} to {@code peer}, a neighbour just found to
     * share it (decision 0083): a node that was cut off, or had nothing but silent neighbours,
     * learns on its new link what it missed, and its own messages, which reached nobody, get out
     * while they are still held (every window but the oldest, not only the announced ones), rather
     * than when a heartbeat happens to draw the new link.
     */
    void announceTo(String topic, PeerId peer) {
        List<GossipId> ids = cache.heldIds(topic, config.maxIdsPerFrame());
        if (!ids.isEmpty()) {
            host.send(peer, announcement(topic, ids));
        }
    }

    private static GossipFrame announcement(String topic, List<GossipId> ids) {
        IHave.Builder announcement = IHave.newBuilder().setTopic(topic);
        ids.forEach(id -> announcement.addMessageIds(id.bytes()));
        return GossipFrame.newBuilder().setIhave(announcement).build();
    }

    /** Takes {@code peer} out of the mesh for the prune backoff and tells it so. */
    void prune(PeerId peer, String topic, TopicMesh mesh) {
        mesh.prune(peer, clock.monotonicNanos() + config.pruneBackoff().toNanos());
        host.send(peer, GossipFrames.prune(topic));
    }

    private List<PeerId> subscribersOf(String topic) {
        List<PeerId> subscribers = new ArrayList<>();
        peers.forEach((id, peer) -> {
            if (peer.topics.contains(topic)) {
                subscribers.add(id);
            }
        });
        return subscribers;
    }

    /** Fisher-Yates on the node's {@link Rng}, so that a seeded run replays. */
    private void shuffle(List<PeerId> list) {
        for (int i = list.size() - 1; i > 0; i--) {
            int j = (int) rng.nextLong(i + 1);
            PeerId swapped = list.get(i);
            list.set(i, list.get(j));
            list.set(j, swapped);
        }
    }
}
