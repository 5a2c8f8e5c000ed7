package org.parley.link;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Logger;
import org.parley.identity.PeerId;
import org.parley.proto.wire.v1.Frame;
import org.parley.proto.wire.v1.Hello;
import org.parley.runtime.Clock;
import org.parley.runtime.Rng;
import org.parley.runtime.Scheduler;

/**
 * The link layer's protocol: turns the raw authenticated links a {@link Network} reports into at
 * most one established link per neighbour. It exchanges {@code Hello}, drops links that stay
 * silent, settles duplicate links when two peers dial each other at once, rate-limits and scores
 * every neighbour, bans the ones that misbehave, and keeps redialing the addresses it was asked to
 * keep. Sans-I/O: it only touches its {@link Network}, {@link Scheduler}, {@link Clock} and
 * {@link Rng}, so it runs unchanged over TLS, in memory and in the simulator. Every method must be
 * called on the node's loop.
 */
public final class LinkManager implements LinkListener, LinkControl {
    private static final Logger LOG = Logger.getLogger(LinkManager.class.getName());

    /** Penalty points, against {@link LinkConfig#misbehaviourLimit()}. */
    static final double PENALTY_FLOOD = 1;
    static final double PENALTY_UNKNOWN_FRAME = 2;
    static final double PENALTY_PROTOCOL_VIOLATION = 25;

    /**
     * Share of a neighbour's inbound limit this node uses when sending, leaving headroom for
     * clock drift and transport batching so that pacing never trips the other side's limiter.
     */
    static final double OUTBOUND_SHARE = 0.8;

    static final int MAX_AGENT_LENGTH = 128;

    private final PeerId self;
    private final Network network;
    private final Scheduler scheduler;
    private final Clock clock;
    private final LinkConfig config;
    private final String agent;
    private final PeerPenalties penalties;
    private final Redialer redialer;
    private final List<LinkEvents> listeners = new CopyOnWriteArrayList<>();
    /** Links have identity equality; insertion order keeps simulated runs replayable. */
    private final Map<Link, Neighbour> pending = new LinkedHashMap<>();
    private final Map<PeerId, Neighbour> established = new HashMap<>();
    /** The targets still to try, by the target being dialled now (see {@link #dialInTurn}). */
    private final Map<DialTarget, List<DialTarget>> untried = new HashMap<>();
    private boolean stopped;
    private long refusedDials;
    /** Links from which a lost wanted link is no longer urgent (see {@link #redialUrgentlyBelow}). */
    private int wellLinkedAt = Integer.MAX_VALUE;

    public LinkManager(PeerId self, Network network, Scheduler scheduler, Clock clock, Rng rng,
                       LinkConfig config, String agent) {
        this.self = self;
        this.network = network;
        this.scheduler = scheduler;
        this.clock = clock;
        this.config = config;
        this.agent = agent;
        this.penalties = new PeerPenalties(clock, config);
        this.redialer = new Redialer(network, scheduler, rng, config.redial(), new Redialer.PeerStatus() {
            @Override
            public boolean isConnected(PeerId peer) {
                return established.containsKey(peer);
            }

            @Override
            public Duration banRemaining(PeerId peer) {
                return penalties.banRemaining(peer);
            }

            @Override
            public boolean wellLinked() {
                return established.size() >= wellLinkedAt;
            }
        });
    }

    public void addListener(LinkEvents listener) {
        listeners.add(listener);
    }

    /** Starts accepting links. */
    public void start() {
        network.start(this);
    }

    public List<HostPort> listenAddresses() {
        return network.listenAddresses();
    }

    /**
     * Keeps a link to {@code target} from now on: dials it, and dials again with backoff whenever
     * the link is lost or the dial fails.
     *
     * @throws IllegalArgumentException when the target names this node's own peer ID
     */
    public void keepLinkTo(DialTarget target) {
        if (target.expectedPeer().filter(self::equals).isPresent()) {
            throw new IllegalArgumentException("that is this node's own peer ID");
        }
        redialer.want(target);
    }

    /**
     * From {@code links} established links on, a lost wanted link (a bootstrap peer) is redialed
     * only at the longest backoff: the node is in the network without it. By default every lost
     * wanted link is redialed with the normal backoff.
     */
    public void redialUrgentlyBelow(int links) {
        wellLinkedAt = links;
    }

    /** The neighbours with an established link, ordered by peer ID. */
    public List<PeerInfo> connectedPeers() {
        List<PeerInfo> peers = new ArrayList<>();
        established.values().forEach(neighbour -> peers.add(neighbour.info));
        peers.sort(Comparator.comparing(PeerInfo::peerId));
        return peers;
    }

    @Override
    public List<PeerId> linkedPeers() {
        List<PeerId> peers = new ArrayList<>(established.keySet());
        peers.sort(Comparator.naturalOrder());
        return peers;
    }

    @Override
    public int linkCount() {
        return established.size();
    }

    /**
     * {@inheritDoc} The address comes from others (a record, a DHT contact), so one on loopback, a
     * private range or a link-local network is dialed only when this node is on that network
     * too (see {@link LearnedAddresses}).
     */
    @Override
    public void dialOnce(DialTarget target) {
        if (stopped || needsNoDial(target)) {
            return;
        }
        if (!LearnedAddresses.mayDial(target.address(), ownAddresses())) {
            refusedDials++;
            return;
        }
        network.dial(target);
    }

    /** A dial to ourselves, to a neighbour we are linked with, or to a banned peer. */
    private boolean needsNoDial(DialTarget target) {
        return target.expectedPeer().filter(peer -> peer.equals(self) || established.containsKey(peer)
                || penalties.isBanned(peer)).isPresent();
    }

    /** Where this node is itself: its listen addresses and the addresses it keeps links to. */
    private List<HostPort> ownAddresses() {
        List<HostPort> own = new ArrayList<>(network.listenAddresses());
        own.addAll(redialer.wantedAddresses());
        return own;
    }

    /** Dials of learned addresses refused because they lead into a network this node is not on. */
    public long refusedDials() {
        return refusedDials;
    }

    @Override
    public void dialInTurn(List<DialTarget> learned) {
        if (stopped) {
            return;
        }
        // Direct and relay addresses alike come from a record: the same rule as dialOnce.
        List<HostPort> own = ownAddresses();
        List<DialTarget> targets = new ArrayList<>();
        for (DialTarget target : learned) {
            if (LearnedAddresses.mayDial(target.address(), own)) {
                targets.add(target);
            } else {
                refusedDials++;
            }
        }
        if (targets.isEmpty()) {
            return;
        }
        DialTarget first = targets.get(0);
        List<DialTarget> rest = List.copyOf(targets.subList(1, targets.size()));
        if (!rest.isEmpty()) {
            untried.put(first, rest);
        }
        if (needsNoDial(first)) {
            untried.remove(first);
            return;
        }
        network.dial(first);
    }

    @Override
    public boolean disconnect(PeerId peer, String reason) {
        Neighbour neighbour = established.get(peer);
        if (neighbour == null || redialer.keeps(peer)) {
            return false;
        }
        neighbour.link.close(reason);
        return true;
    }

    @Override
    public boolean isConnected(PeerId peer) {
        return established.containsKey(peer);
    }

    /**
     * Where the established link to {@code peer} comes from as the transport sees it: for an
     * inbound link the peer's IP address (as a NAT in between rewrote it) and ephemeral port, for
     * an outbound one the address dialed. Empty without a link.
     */
    public Optional<HostPort> remoteAddressOf(PeerId peer) {
        Neighbour neighbour = established.get(peer);
        if (neighbour == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(HostPort.parse(neighbour.link.remoteAddress()));
        } catch (IllegalArgumentException notHostPort) {
            return Optional.empty();
        }
    }

    /** Where the relay of the established relayed link to {@code peer} sees it; empty otherwise. */
    public Optional<HostPort> observedThroughRelay(PeerId peer) {
        Neighbour neighbour = established.get(peer);
        return neighbour == null ? Optional.empty() : neighbour.link.observedThroughRelay();
    }

    /**
     * Sends a frame to a connected neighbour. Frames leave no faster than the neighbour's inbound
     * limit allows (every node runs the same limits), so an honest burst is paced rather than
     * punished as a flood; the excess waits here. False when there is no link, or when so much
     * waits that the neighbour cannot be keeping up: that link is dropped, since a peer that does
     * not read would otherwise hold our memory.
     */
    @Override
    public boolean send(PeerId peer, Frame frame) {
        Neighbour neighbour = established.get(peer);
        if (neighbour == null) {
            return false;
        }
        return neighbour.send(frame, config.outboundQueueFrames(), scheduler, () -> established.get(peer) == neighbour);
    }

    /**
     * Scores a neighbour down for misbehaviour the layers above detected (a forged record, a bad
     * signature). Enough points disconnect and ban it.
     */
    @Override
    public void penalize(PeerId peer, double points, String reason) {
        LOG.fine(() -> "penalizing " + peer.shortForm() + " by " + points + ": " + reason);
        if (penalties.penalize(peer, points)) {
            LOG.info(() -> "banning " + peer.shortForm() + " for " + config.banDuration() + ": " + reason);
            closeAllLinksOf(peer, "banned: " + reason);
        }
    }

    public boolean isBanned(PeerId peer) {
        return penalties.isBanned(peer);
    }

    /** Stops redialing and closes the network. */
    public void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        redialer.stop();
        untried.clear();
        pending.values().forEach(Neighbour::cancelHelloTimer);
        network.close();
    }

    @Override
    public void linkUp(Link link) {
        PeerId peer = link.remotePeer();
        if (stopped) {
            link.close("node stopping");
            return;
        }
        if (peer.equals(self)) {
            if (link.direction() == Direction.INBOUND) {
                // We answered our own dial. A dialing end is up only once greeted, and only then
                // sees whom it reached: greet, and leave the closing to it (closing here could
                // drop the greeting unsent); past the hello timeout, close anyway.
                link.send(Frame.newBuilder().setHello(ownHello()).build());
                scheduler.schedule(config.helloTimeout(), () -> link.close("link to self"));
                return;
            }
            // We dialed our own address; asking again would only find ourselves again.
            link.dialTarget().ifPresent(target -> redialer.forget(target));
            link.close("link to self");
            return;
        }
        Optional<PeerId> expected = link.dialTarget().flatMap(DialTarget::expectedPeer);
        if (expected.isPresent() && !expected.get().equals(peer)) {
            // The transport enforces this already; checking again costs nothing.
            link.close("expected " + expected.get() + " but reached " + peer);
            return;
        }
        if (penalties.isBanned(peer)) {
            link.close("peer is banned");
            return;
        }
        Neighbour neighbour = new Neighbour(link,
                new TokenBucket(clock, config.inboundFramesPerSecond(), config.inboundBurst()),
                new TokenBucket(clock, config.inboundFramesPerSecond() * OUTBOUND_SHARE,
                        config.inboundBurst() * OUTBOUND_SHARE));
        pending.put(link, neighbour);
        neighbour.helloTimer = scheduler.schedule(config.helloTimeout(), () -> {
            if (pending.containsKey(link)) {
                link.close("no Hello within " + config.helloTimeout().toMillis() + " ms");
            }
        });
        link.send(Frame.newBuilder().setHello(ownHello()).build());
    }

    @Override
    public void frameReceived(Link link, Frame frame) {
        Neighbour neighbour = pending.get(link);
        boolean isEstablished = false;
        if (neighbour == null) {
            neighbour = established.get(link.remotePeer());
            if (neighbour == null || neighbour.link != link) {
                return; // a frame racing the close of a losing duplicate link
            }
            isEstablished = true;
        }
        PeerId peer = link.remotePeer();
        if (!neighbour.inbound.tryTake()) {
            penalize(peer, PENALTY_FLOOD, "inbound frame rate exceeded");
            return;
        }
        if (!isEstablished) {
            receiveHello(neighbour, frame);
            return;
        }
        switch (frame.getBodyCase()) {
            case HELLO -> penalize(peer, PENALTY_PROTOCOL_VIOLATION, "second Hello on a link");
            // A newer peer may speak frame types we do not know yet: ignore them, but not for free.
            case BODY_NOT_SET -> penalize(peer, PENALTY_UNKNOWN_FRAME, "frame of unknown type");
            default -> listeners.forEach(listener -> listener.frameReceived(peer, frame));
        }
    }

    @Override
    public void linkDown(Link link, String reason) {
        Neighbour neighbour = pending.remove(link);
        PeerId peer = link.remotePeer();
        if (neighbour != null) {
            neighbour.cancelHelloTimer();
        } else {
            Neighbour current = established.get(peer);
            if (current != null && current.link == link) {
                established.remove(peer);
                current.cancelDrain();
                LOG.info(() -> "link to " + peer + " down: " + reason);
                listeners.forEach(listener -> listener.peerDisconnected(peer));
                redialer.peerDisconnected(peer);
            }
        }
        link.dialTarget().ifPresent(redialer::linkLost);
    }

    @Override
    public void dialFailed(DialTarget target, String reason) {
        LOG.fine(() -> "dial " + target + " failed: " + reason);
        redialer.dialFailed(target);
        List<DialTarget> next = untried.remove(target);
        if (next != null) {
            dialInTurn(next);
        }
    }

    private void receiveHello(Neighbour neighbour, Frame frame) {
        Link link = neighbour.link;
        PeerId peer = link.remotePeer();
        if (frame.getBodyCase() != Frame.BodyCase.HELLO) {
            penalize(peer, PENALTY_PROTOCOL_VIOLATION, "first frame was not Hello");
            link.close("first frame was not Hello");
            return;
        }
        Hello hello = frame.getHello();
        if (hello.getProtocolVersion() != LinkConfig.PROTOCOL_VERSION) {
            link.close("peer speaks link protocol " + hello.getProtocolVersion() + ", we speak "
                    + LinkConfig.PROTOCOL_VERSION);
            return;
        }
        pending.remove(link);
        neighbour.cancelHelloTimer();
        neighbour.info = new PeerInfo(peer, NeighbourAddress.of(link, hello), link.direction(), clock.nowMillis(),
                truncate(hello.getAgent(), MAX_AGENT_LENGTH),
                link.path(), link.relay());
        link.dialTarget().ifPresent(target -> {
            redialer.established(target, peer);
            untried.remove(target);
        });
        Neighbour current = established.get(peer);
        if (current == null) {
            established.put(peer, neighbour);
            LOG.info(() -> "linked with " + peer + " at " + neighbour.info.address() + " ("
                    + link.direction().label() + ")");
            listeners.forEach(listener -> listener.peerConnected(neighbour.info));
        } else if (DuplicateLinks.keepsNew(self, current.link, link)) {
            // What the layers above said when the old link came up (our record, subscriptions, mail
            // requests) went out on it, and the peer drops what comes on a link it does not keep:
            // to them the old link went down and a new one came up, so they say it again.
            established.put(peer, neighbour);
            current.cancelDrain();
            current.link.close("replaced by a newer link");
            LOG.info(() -> "relinked with " + peer + " at " + neighbour.info.address() + " ("
                    + link.direction().label() + ")");
            listeners.forEach(listener -> listener.peerDisconnected(peer));
            listeners.forEach(listener -> listener.peerConnected(neighbour.info));
        } else {
            link.close("duplicate link");
        }
    }

    private void closeAllLinksOf(PeerId peer, String reason) {
        Neighbour current = established.get(peer);
        if (current != null) {
            current.link.close(reason);
        }
        for (Link link : new ArrayList<>(pending.keySet())) {
            if (link.remotePeer().equals(peer)) {
                link.close(reason);
            }
        }
    }

    private static String truncate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max);
    }

    private Hello ownHello() {
        Hello.Builder hello = Hello.newBuilder().setProtocolVersion(LinkConfig.PROTOCOL_VERSION).setAgent(agent);
        network.listenAddresses().forEach(address -> hello.addListenAddresses(address.toString()));
        return hello.build();
    }
}
