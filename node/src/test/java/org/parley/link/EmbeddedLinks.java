package org.parley.link;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.parley.identity.PeerId;
import org.parley.proto.wire.v1.Frame;
import org.parley.runtime.Scheduler;

/**
 * Links for testing layers without a network, in the spirit of Netty's {@code EmbeddedChannel}:
 * layers are wired to it as to a {@link LinkManager} (listeners for links up and down, handlers
 * for their frame types), and the test plays the neighbours. It opens and closes links
 * ({@link #open}, {@link #close}), reads what the layers sent to each peer, in order
 * ({@link #readOutbound}, {@link #takeSent}), hands frames in through the link layer's real
 * routing ({@link #inject}: a type nobody took costs its sender as on a real node) and sees every
 * penalty ({@link #penalties()}). Two of them can be {@link #pair paired} to carry frames between
 * two nodes' layers on one loop. Confined to the test's thread (or loop), like the layers.
 */
public final class EmbeddedLinks implements LinkControl {
    private final PeerId self;
    /** Replaced whole when the node's layers go (see {@link #stopNode}). */
    private FrameRouter router = new FrameRouter();
    private final List<LinkEvents> listeners = new ArrayList<>();
    private final Map<PeerId, PeerInfo> linked = new LinkedHashMap<>();
    private final Map<PeerId, List<Frame>> sent = new HashMap<>();
    private final List<Frame> sendLog = new ArrayList<>();
    private final Map<PeerId, Double> penalties = new HashMap<>();
    private final List<DialTarget> dials = new ArrayList<>();
    /** Where frames sent to a peer go on to, for a peer that is another node's links (see {@link #pair}). */
    private final Map<PeerId, Consumer<Frame>> wires = new HashMap<>();
    private final Map<PeerId, EmbeddedLinks> partners = new HashMap<>();
    private final Set<PeerId> lossy = new HashSet<>();
    /** Where the transport sees a linked peer's link come from, for those opened with {@link #openFrom}. */
    private final Map<PeerId, HostPort> seenFrom = new HashMap<>();

    /** Links of a node whose own peer ID does not matter to the test. */
    public EmbeddedLinks() {
        this(null);
    }

    /** Links of the node {@code self}: its ID is what a {@link #pair paired} node sees frames come from. */
    public EmbeddedLinks(PeerId self) {
        this.self = self;
    }

    // ---------------------------------------------------------------- wiring, as on a LinkManager

    public void addListener(LinkEvents listener) {
        listeners.add(listener);
    }

    /** @throws IllegalStateException when another handler already owns one of its types, as on a real node */
    public void addFrameHandler(FrameHandler handler) {
        router.register(handler);
    }

    public <L extends LinkEvents & FrameHandler> void addLayer(L layer) {
        addListener(layer);
        addFrameHandler(layer);
    }

    // ---------------------------------------------------------------- the test's side

    /** Opens a direct, outbound link to {@code peer} and tells the listeners; nothing when one is open. */
    public void open(PeerId peer) {
        open(new PeerInfo(peer, "embedded", Direction.OUTBOUND, 0, "embedded"));
    }

    /** Opens a link to the peer {@code info} describes and tells the listeners; nothing when one is open. */
    public void open(PeerInfo info) {
        if (linked.putIfAbsent(info.peerId(), info) == null) {
            listeners.forEach(listener -> listener.peerConnected(info));
        }
    }

    /**
     * Opens a direct, inbound link from {@code peer} whose bytes come from {@code from} (what
     * {@link #remoteAddressOf} then says), the peer announcing {@code announced}.
     */
    public void openFrom(PeerId peer, HostPort from, String announced) {
        seenFrom.put(peer, from);
        open(new PeerInfo(peer, announced, Direction.INBOUND, 0, "embedded"));
    }

    /**
     * Closes the link to {@code peer} and tells the listeners; a {@link #pair paired} node's end
     * closes too, as a real link goes down at both ends. False when there was none.
     */
    public boolean close(PeerId peer) {
        if (linked.remove(peer) == null) {
            return false;
        }
        seenFrom.remove(peer);
        wires.remove(peer);
        listeners.forEach(listener -> listener.peerDisconnected(peer));
        EmbeddedLinks partner = partners.remove(peer);
        if (partner != null) {
            partner.close(self);
        }
        return true;
    }

    /**
     * The node stops (or crashes): every link closes, at both ends, and its layers are gone: no
     * listener or frame handler is left, so a new incarnation's layers can be wired afresh. What
     * the test reads (frames sent, penalties, dials) and the {@link #lossy()} set stay.
     */
    public void stopNode() {
        List.copyOf(linked.keySet()).forEach(this::close);
        listeners.clear();
        router = new FrameRouter();
    }

    /**
     * A frame arriving from {@code from}, routed as the link layer routes it: to the one handler
     * that took its type. False when none did (or it is a {@code Hello}): then it is dropped and
     * the sender scored down as a real node would.
     *
     * @throws IllegalStateException when there is no link to {@code from}: no frame arrives without one
     */
    public boolean inject(PeerId from, Frame frame) {
        if (!linked.containsKey(from)) {
            throw new IllegalStateException("no link to " + from + " to receive a frame on");
        }
        if (frame.getBodyCase() == Frame.BodyCase.HELLO) {
            penalize(from, Misbehaviour.PROTOCOL_VIOLATION, "second Hello on a link");
            return false;
        }
        if (!router.route(from, frame)) {
            penalize(from, Misbehaviour.UNKNOWN_FRAME, "frame of a type no layer here takes");
            return false;
        }
        return true;
    }

    /** The oldest frame sent to {@code peer} not read yet, or null when there is none. */
    public Frame readOutbound(PeerId peer) {
        List<Frame> frames = sent.get(peer);
        return frames == null || frames.isEmpty() ? null : frames.remove(0);
    }

    /** Frames sent to {@code peer} and not read yet, in order; then forgets them. */
    public List<Frame> takeSent(PeerId peer) {
        List<Frame> frames = sent.remove(peer);
        return frames == null ? List.of() : frames;
    }

    /** Frames sent and not read yet, per peer, in order: the live table (a test may clear it). */
    public Map<PeerId, List<Frame>> sent() {
        return sent;
    }

    /** Every frame a layer handed over to send, in order, whether a link took it or not. */
    public List<Frame> sendLog() {
        return sendLog;
    }

    /** Penalty points per peer, summed: the live table (a test may clear it). */
    public Map<PeerId, Double> penalties() {
        return penalties;
    }

    /** The targets a layer asked to dial, in order. */
    public List<DialTarget> dials() {
        return dials;
    }

    /**
     * Peers whose links lose what is sent on them: a send still succeeds and is recorded here,
     * but a {@link #pair paired} node never gets it. The live set.
     */
    public Set<PeerId> lossy() {
        return lossy;
    }

    /**
     * Links {@code a} and {@code b} (both with their own peer IDs): each sees the other linked
     * ({@code a} dialled, {@code b} answered), and from now on what one sends the other receives
     * through its routing, as a later task on {@code loop}, while the link lasts.
     */
    public static void pair(EmbeddedLinks a, EmbeddedLinks b, Scheduler loop) {
        a.wires.put(b.self, frame -> loop.execute(() -> {
            if (b.isConnected(a.self)) {
                b.inject(a.self, frame);
            }
        }));
        b.wires.put(a.self, frame -> loop.execute(() -> {
            if (a.isConnected(b.self)) {
                a.inject(b.self, frame);
            }
        }));
        a.partners.put(b.self, b);
        b.partners.put(a.self, a);
        a.open(new PeerInfo(b.self, "embedded", Direction.OUTBOUND, 0, "embedded"));
        b.open(new PeerInfo(a.self, "embedded", Direction.INBOUND, 0, "embedded"));
    }

    // ---------------------------------------------------------------- the layers' side

    /** False, and nothing recorded per peer, without a link to {@code peer}. */
    @Override
    public boolean send(PeerId peer, Frame frame) {
        sendLog.add(frame);
        if (!linked.containsKey(peer)) {
            return false;
        }
        sent.computeIfAbsent(peer, p -> new ArrayList<>()).add(frame);
        Consumer<Frame> wire = wires.get(peer);
        if (wire != null && !lossy.contains(peer)) {
            wire.accept(frame);
        }
        return true;
    }

    @Override
    public boolean isConnected(PeerId peer) {
        return linked.containsKey(peer);
    }

    @Override
    public Optional<HostPort> remoteAddressOf(PeerId peer) {
        PeerInfo info = linked.get(peer);
        return info == null || info.path() == LinkPath.RELAYED ? Optional.empty()
                : Optional.ofNullable(seenFrom.get(peer));
    }

    @Override
    public List<PeerId> linkedPeers() {
        return List.copyOf(linked.keySet());
    }

    @Override
    public void penalize(PeerId peer, double points, String reason) {
        penalties.merge(peer, points, Double::sum);
    }

    @Override
    public void dialOnce(DialTarget target) {
        dials.add(target);
    }

    /** Closes the link as {@link #close} does; false when there was none. */
    @Override
    public boolean disconnect(PeerId peer, String reason) {
        return close(peer);
    }
}
