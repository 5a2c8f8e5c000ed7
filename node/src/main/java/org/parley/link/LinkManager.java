package org.parley.link;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;
import org.parley.identity.PeerId;
import org.parley.proto.wire.v1.Frame;
import org.parley.runtime.Clock;
import org.parley.runtime.Rng;
import org.parley.runtime.Scheduler;

/**
 * The link layer's protocol: turns the raw authenticated links a {@link Network} reports into at
 * most one established link per neighbour. It exchanges {@code Hello}, drops links that stay
 * silent, settles duplicate links when two peers dial each other at once, rate-limits and scores
 * every neighbour, bans the ones that misbehave, and keeps redialing the addresses it was asked to
 * keep. Each inbound frame of an established link goes to the one layer that took its type
 * ({@link FrameRouter}). Sans-I/O: it only touches its {@link Network}, {@link Scheduler},
 * {@link Clock} and {@link Rng}, so it runs unchanged over TLS, in memory and in the simulator.
 * Every method must be called on the node's loop. Its parts: {@link Greeting} (the Hello),
 * {@link EstablishedLinks} (one link per neighbour, and who is told), {@link Neighbour} (rate
 * limits and pacing), {@link PeerPenalties}, {@link Redialer} (links it keeps) and
 * {@link LearnedDials} (one-off dials the overlay asks for).
 *
 * <p>About 400 lines and kept whole on purpose: the jobs above are those parts already; what is
 * left is the dispatch of link events across them (a link waits for its Hello here, then moves to
 * {@link EstablishedLinks}) and one short method per call the layers above make.
 */
public final class LinkManager implements LinkListener, LinkControl {
    private static final Logger LOG = Logger.getLogger(LinkManager.class.getName());

    private final PeerId self;
    private final Network network;
    private final Scheduler scheduler;
    private final Clock clock;
    private final LinkConfig config;
    private final Greeting greeting;
    private final PeerPenalties penalties;
    private final Redialer redialer;
    private final FrameRouter frames = new FrameRouter();
    /** Links have identity equality; insertion order keeps simulated runs replayable. */
    private final Map<Link, Neighbour> pending = new LinkedHashMap<>();
    private final EstablishedLinks established;
    private final LearnedDials learnedDials;
    private boolean stopped;
    /** Links from which a lost wanted link is no longer urgent (see {@link #redialUrgentlyBelow}). */
    private int wellLinkedAt = Integer.MAX_VALUE;

    /**
     * Says in every Hello from now on which envelope versions this node takes (the messenger's),
     * so that senders pick one we read; before the first link.
     */
    public void announceEnvelopeVersions(List<Integer> versions) {
        greeting.announceEnvelopeVersions(versions);
    }

    /** Says in every Hello from now on whether this node deposits placed mail for its neighbours; before the first link. */
    public void announceDepositForwarding(boolean forwards) {
        greeting.announceDepositForwarding(forwards);
    }

    /** Says in every Hello from now on whether this node takes lookups made for others; before the first link. */
    public void announceLookupProxying(boolean proxies) {
        greeting.announceLookupProxying(proxies);
    }

    public LinkManager(PeerId self, Network network, Scheduler scheduler, Clock clock, Rng rng,
                       LinkConfig config, String agent) {
        this.self = self;
        this.network = network;
        this.scheduler = scheduler;
        this.clock = clock;
        this.config = config;
        this.greeting = new Greeting(network, agent, clock);
        this.penalties = new PeerPenalties(clock, config);
        this.established = new EstablishedLinks(self);
        this.redialer = new Redialer(network, scheduler, rng, config.redial(), new Redialer.PeerStatus() {
            @Override
            public boolean isConnected(PeerId peer) {
                return established.contains(peer);
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
        this.learnedDials = new LearnedDials(network, this::ownAddresses, this::needsNoDial);
    }

    /** Tells {@code listener} of every established link coming up and going down. */
    public void addListener(LinkEvents listener) {
        established.addListener(listener);
    }

    /** A layer that follows the links and owns frame types: {@link #addListener} and {@link #addFrameHandler}. */
    public <L extends LinkEvents & FrameHandler> void addLayer(L layer) {
        addListener(layer);
        addFrameHandler(layer);
    }

    /**
     * Hands {@code handler} the inbound frames of its types, and no one else those frames. Call
     * while the node is put together.
     *
     * @throws IllegalStateException when another handler already owns one of its types
     * @see FrameRouter#register
     */
    public void addFrameHandler(FrameHandler handler) {
        frames.register(handler);
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
        return established.infos();
    }

    @Override
    public List<PeerId> linkedPeers() {
        return established.peers();
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
        if (!stopped) {
            learnedDials.dialOnce(target);
        }
    }

    /** A dial to ourselves, to a neighbour we are linked with, or to a banned peer. */
    private boolean needsNoDial(DialTarget target) {
        return target.expectedPeer().filter(peer -> peer.equals(self) || established.contains(peer)
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
        return learnedDials.refused();
    }

    /** {@inheritDoc} The rule of {@link #dialOnce} holds for each of them. */
    @Override
    public void dialInTurn(List<DialTarget> learned) {
        if (!stopped) {
            learnedDials.dialInTurn(learned);
        }
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
        return established.contains(peer);
    }

    /**
     * Where the established link to {@code peer} comes from as the transport sees it: for an
     * inbound link the peer's IP address (as a NAT in between rewrote it) and ephemeral port, for
     * an outbound one the address dialed. Empty without a link, and for a link through a relay:
     * its bytes come from the relay, so nothing here says where the peer is (a dial-back aimed at
     * the relay's IP would probe a third party, and on a shared host would reach the peer and
     * wrongly confirm it dialable).
     */
    @Override
    public Optional<HostPort> remoteAddressOf(PeerId peer) {
        Neighbour neighbour = established.get(peer);
        if (neighbour == null || neighbour.link.path() == LinkPath.RELAYED) {
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
        learnedDials.stop();
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
                link.send(greeting.own());
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
        Neighbour neighbour = Neighbour.on(link, clock, config);
        pending.put(link, neighbour);
        neighbour.helloTimer = scheduler.schedule(config.helloTimeout(), () -> {
            if (pending.containsKey(link)) {
                link.close("no Hello within " + config.helloTimeout().toMillis() + " ms");
            }
        });
        link.send(greeting.own());
    }

    @Override
    public void frameReceived(Link link, Frame frame) {
        Neighbour neighbour = pending.get(link);
        boolean isEstablished = false;
        if (neighbour == null) {
            if (!established.isCurrent(link)) {
                return; // a frame racing the close of a losing duplicate link
            }
            neighbour = established.get(link.remotePeer());
            isEstablished = true;
        }
        PeerId peer = link.remotePeer();
        if (!neighbour.inbound.tryTake()) {
            penalize(peer, Misbehaviour.FLOOD, "inbound frame rate exceeded");
            return;
        }
        if (!isEstablished) {
            receiveHello(neighbour, frame);
            return;
        }
        if (frame.getBodyCase() == Frame.BodyCase.HELLO) {
            penalize(peer, Misbehaviour.PROTOCOL_VIOLATION, "second Hello on a link");
        } else if (!frames.route(peer, frame)) {
            // A newer peer may speak frame types we do not know yet, and a node without some layer
            // (an overlay-only node has no mailbox) takes none of its frames: drop them, but not for free.
            penalize(peer, Misbehaviour.UNKNOWN_FRAME, "frame of a type no layer here takes: " + frame.getBodyCase());
        }
    }

    @Override
    public void linkDown(Link link, String reason) {
        Neighbour neighbour = pending.remove(link);
        PeerId peer = link.remotePeer();
        if (neighbour != null) {
            neighbour.cancelHelloTimer();
        } else if (established.lost(link, reason)) {
            redialer.peerDisconnected(peer);
        }
        link.dialTarget().ifPresent(redialer::linkLost);
    }

    @Override
    public void dialFailed(DialTarget target, String reason) {
        LOG.fine(() -> "dial " + target + " failed: " + reason);
        redialer.dialFailed(target);
        if (!stopped) {
            learnedDials.failed(target);
        }
    }

    private void receiveHello(Neighbour neighbour, Frame frame) {
        Link link = neighbour.link;
        PeerId peer = link.remotePeer();
        if (frame.getBodyCase() != Frame.BodyCase.HELLO) {
            penalize(peer, Misbehaviour.PROTOCOL_VIOLATION, "first frame was not Hello");
            link.close("first frame was not Hello");
            return;
        }
        Optional<String> refusal = Greeting.refusal(frame.getHello());
        if (refusal.isPresent()) {
            link.close(refusal.get());
            return;
        }
        pending.remove(link);
        neighbour.cancelHelloTimer();
        neighbour.info = greeting.describe(link, frame.getHello());
        link.dialTarget().ifPresent(target -> {
            redialer.established(target, peer);
            learnedDials.linked(target);
        });
        established.admit(neighbour);
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
}
