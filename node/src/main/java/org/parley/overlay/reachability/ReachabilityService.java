package org.parley.overlay.reachability;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Logger;
import org.parley.identity.PeerId;
import org.parley.link.AddressProbe;
import org.parley.link.HostPort;
import org.parley.link.FrameHandler;
import org.parley.link.LinkEvents;
import org.parley.link.Misbehaviour;
import org.parley.link.Neighbours;
import org.parley.link.PeerInfo;
import org.parley.proto.wire.v1.Frame;
import org.parley.proto.wire.v1.ReachabilityFrame;
import org.parley.runtime.Clock;
import org.parley.runtime.Rng;
import org.parley.runtime.Scheduler;

/**
 * Learns whether this node can be dialled, and dials others back so they can learn it too. Each
 * new neighbour is asked to dial us back at the address it sees us at; answers older than their
 * lifetime are dropped and linked peers asked again now and then. Sans-I/O: frames go through
 * {@link Neighbours}, dial-backs through an {@link AddressProbe}. Confined to the loop.
 */
public final class ReachabilityService implements LinkEvents, FrameHandler {
    private static final Logger LOG = Logger.getLogger(ReachabilityService.class.getName());

    private final Neighbours links;
    private final Scheduler scheduler;
    private final ReachabilityConfig config;
    private final DialBackServer server;
    private final ReachabilityCheck check;
    private final Function<PeerId, Optional<HostPort>> remoteAddressOf;
    private Scheduler.Cancellable recheck;
    private Reachability lastLogged = Reachability.UNKNOWN;
    private boolean stopped;

    /**
     * @param remoteAddressOf where the link to a peer comes from as the transport sees it
     *     (see {@link org.parley.link.LinkManager#remoteAddressOf})
     * @param listening where this node listens (a wildcard host asks peers to dial the IP they see)
     */
    public ReachabilityService(Neighbours links, Function<PeerId, Optional<HostPort>> remoteAddressOf,
                               AddressProbe probe, Supplier<List<HostPort>> listening, Scheduler scheduler,
                               Clock clock, Rng rng, ReachabilityConfig config) {
        this.links = links;
        this.scheduler = scheduler;
        this.config = config;
        this.remoteAddressOf = remoteAddressOf;
        this.server = new DialBackServer(links, remoteAddressOf, probe, clock, config);
        this.check = new ReachabilityCheck(links, scheduler, clock, rng, config, listening);
    }

    public void start() {
        scheduleRecheck();
    }

    public void stop() {
        stopped = true;
        if (recheck != null) {
            recheck.cancel();
        }
        check.stop();
    }

    public Reachability reachability() {
        return check.reachability();
    }

    /** Addresses enough distinct peers reached us at: the only ones worth announcing. */
    public List<HostPort> confirmedAddresses() {
        return check.confirmedAddresses();
    }

    /** Where peers see us: our IP as it reaches them (a NAT's, behind one) and our listen port. */
    public List<HostPort> observedAddresses() {
        return check.observedAddresses();
    }

    /**
     * Where peers should dial us back has changed (a port mapping came or went): drops what peers
     * found so far and asks the linked peers again.
     */
    public void recheck() {
        if (stopped) {
            return;
        }
        check.forget();
        links.linkedPeers().forEach(this::askIfLinkedDirectly);
        logChange();
    }

    @Override
    public void peerConnected(PeerInfo peer) {
        if (!stopped) {
            askIfLinkedDirectly(peer.peerId());
        }
    }

    /** Dial-back requests and their answers. */
    @Override
    public Set<Frame.BodyCase> frameTypes() {
        return Set.of(Frame.BodyCase.REACHABILITY);
    }

    @Override
    public void frameReceived(PeerId from, Frame frame) {
        if (frame.getBodyCase() != Frame.BodyCase.REACHABILITY || stopped) {
            return;
        }
        ReachabilityFrame message = frame.getReachability();
        switch (message.getBodyCase()) {
            case REQUEST -> server.request(from, message.getRequest());
            case RESPONSE -> {
                check.answer(from, message.getResponse());
                logChange();
            }
            case BODY_NOT_SET -> links.penalize(from, Misbehaviour.UNKNOWN_FRAME, "empty or unknown reachability frame");
        }
    }

    /**
     * A peer we reach only through a relay sees the relay, not us, so it has no IP of ours to dial
     * back (and would not answer): it is not asked.
     */
    private void askIfLinkedDirectly(PeerId peer) {
        if (remoteAddressOf.apply(peer).isPresent()) {
            check.ask(peer);
        }
    }

    private void scheduleRecheck() {
        recheck = scheduler.schedule(config.recheckInterval(), () -> {
            if (stopped) {
                return;
            }
            links.linkedPeers().forEach(this::askIfLinkedDirectly);
            logChange();
            scheduleRecheck();
        });
    }

    private void logChange() {
        Reachability now = check.reachability();
        if (now != lastLogged) {
            lastLogged = now;
            LOG.info(() -> "reachability " + now.label() + ", confirmed at " + check.confirmedAddresses()
                    + ", seen at " + check.observedAddresses());
        }
    }
}
