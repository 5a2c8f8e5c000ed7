package org.parley.link.punch;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Logger;
import org.parley.identity.PeerId;
import org.parley.link.AddressScope;
import org.parley.link.Direction;
import org.parley.link.FrameHandler;
import org.parley.link.HolePuncher;
import org.parley.link.HostPort;
import org.parley.link.LinkEvents;
import org.parley.link.LinkPath;
import org.parley.link.Misbehaviour;
import org.parley.link.Neighbours;
import org.parley.link.PeerInfo;
import org.parley.link.TokenBucket;
import org.parley.proto.wire.v1.Frame;
import org.parley.proto.wire.v1.PunchAddresses;
import org.parley.proto.wire.v1.PunchFrame;
import org.parley.proto.wire.v1.PunchSync;
import org.parley.runtime.Clock;
import org.parley.runtime.Rng;
import org.parley.runtime.Scheduler;

/**
 * Hole punching over relayed links (DCUtR-like), sans-I/O on the node's loop. When a link through
 * a relay comes up, the peer with the smaller ID (the initiator) offers its listen ports; the other
 * answers with its own; the initiator measures the round trip, sends a sync, and both ask the
 * transport ({@link HolePuncher}) to open a connection to the other at about the same moment: the
 * responder when the sync arrives, the initiator half a round trip after sending it. The punched
 * link then replaces the relayed one (the link layer prefers a direct link to a relayed one). When
 * the punched link drops, the peer that had dialled the circuit reaches the peer through the relay
 * again.
 *
 * <p>What a peer sends is checked: frames only on a relayed link, addresses only on the IP address
 * the relay sees the peer at (anything else is dropped and scored), answers and syncs only for the
 * attempt we made, each offer's nonce once, and offers within a rate per peer and for everyone.
 *
 * <p>About 400 lines and kept whole on purpose: offer, answer, sync, fallback and the limits are one
 * state machine over the same per-peer maps, and each part would need all of them.
 */
public final class HolePunch implements LinkEvents, FrameHandler {
    private static final Logger LOG = Logger.getLogger(HolePunch.class.getName());
    /** Offer nonces remembered per peer, and peers whose offers are remembered. */
    static final int REMEMBERED_NONCES = 16;
    static final int REMEMBERED_PEERS = 256;

    /** Reaches a peer through a relay again, once the punched link that replaced the circuit is gone. */
    public interface Fallback {
        void reachThroughRelay(PeerId peer, PeerId relay);
    }

    private final PeerId self;
    private final Neighbours links;
    private final HolePuncher puncher;
    private final Function<PeerId, Optional<HostPort>> observedThroughRelay;
    private final Supplier<List<HostPort>> listenAddresses;
    private final Scheduler scheduler;
    private final Clock clock;
    private final Rng rng;
    private final PunchConfig config;
    private final Fallback fallback;
    private final TokenBucket everyone;
    /** How each linked peer is linked now. */
    private final Map<PeerId, LinkPath> paths = new HashMap<>();
    /** The relayed link each peer came in on, kept while it may be needed as the fallback. */
    private final Map<PeerId, PeerInfo> relayRoutes = new HashMap<>();
    private final Map<PeerId, Attempt> attempts = new LinkedHashMap<>();
    /** Attempts made per peer since its relayed link came up. */
    private final Map<PeerId, Integer> rounds = new HashMap<>();
    private final Map<PeerId, TokenBucket> offerAllowance = lru();
    private final Map<PeerId, ArrayDeque<Long>> seenNonces = lru();
    private long succeeded;
    private long failed;
    /** The attempts this node started, as the initiator, and how those ended. */
    private PunchTally initiated = PunchTally.NONE;

    public HolePunch(PeerId self, Neighbours links, HolePuncher puncher,
                     Function<PeerId, Optional<HostPort>> observedThroughRelay,
                     Supplier<List<HostPort>> listenAddresses, Scheduler scheduler, Clock clock, Rng rng,
                     PunchConfig config, Fallback fallback) {
        this.self = self;
        this.links = links;
        this.puncher = puncher;
        this.observedThroughRelay = observedThroughRelay;
        this.listenAddresses = listenAddresses;
        this.scheduler = scheduler;
        this.clock = clock;
        this.rng = rng;
        this.config = config;
        this.fallback = fallback;
        this.everyone = new TokenBucket(clock, config.offersPerMinute() / 60, config.offersPerMinute());
    }

    /** Attempts that ended in a punched link. */
    public long succeeded() {
        return succeeded;
    }

    /** Attempts that did not. */
    public long failed() {
        return failed;
    }

    /** The attempts this node started as the initiator, and how they ended. */
    public PunchTally initiated() {
        return initiated;
    }

    @Override
    public void peerConnected(PeerInfo peer) {
        PeerId id = peer.peerId();
        paths.put(id, peer.path());
        switch (peer.path()) {
            case RELAYED -> {
                relayRoutes.put(id, peer);
                rounds.put(id, 0);
                if (initiates(id)) {
                    scheduler.schedule(config.startDelay(), () -> offer(id));
                }
            }
            case HOLE_PUNCHED -> {
                Attempt attempt = attempts.remove(id);
                if (attempt != null) {
                    attempt.timeout.cancel();
                    succeeded++;
                    if (attempt.initiator) {
                        initiated = initiated.plus(new PunchTally(0, 1, 0));
                    }
                }
                LOG.info(() -> "punched a direct link to " + id.shortForm());
            }
            case DIRECT -> relayRoutes.remove(id);
        }
    }

    @Override
    public void peerDisconnected(PeerId peer) {
        LinkPath was = paths.remove(peer);
        if (was == LinkPath.HOLE_PUNCHED) {
            // A replacing link follows at once, on this same turn of the loop, if there is one.
            scheduler.schedule(config.fallbackDelay(), () -> fallBack(peer));
            return;
        }
        Attempt attempt = attempts.get(peer);
        if (was == LinkPath.RELAYED && (attempt == null || attempt.stage != Stage.PUNCHING)) {
            abandon(peer);
            relayRoutes.remove(peer);
        }
    }

    @Override
    public Set<Frame.BodyCase> frameTypes() {
        return Set.of(Frame.BodyCase.PUNCH);
    }

    @Override
    public void frameReceived(PeerId from, Frame frame) {
        if (frame.getBodyCase() != Frame.BodyCase.PUNCH) {
            return;
        }
        PunchFrame punch = frame.getPunch();
        if (paths.get(from) != LinkPath.RELAYED) {
            links.penalize(from, Misbehaviour.UNSOLICITED_PUNCH,
                    "punch " + punch.getBodyCase() + " on a link that is not relayed");
            return;
        }
        switch (punch.getBodyCase()) {
            case OFFER -> offered(from, punch.getOffer());
            case ANSWER -> answered(from, punch.getAnswer());
            case SYNC -> synced(from, punch.getSync());
            default -> links.penalize(from, Misbehaviour.MALFORMED_PUNCH, "punch frame of unknown type");
        }
    }

    /** The smaller peer ID offers: both compute the same, so only one side starts an attempt. */
    private boolean initiates(PeerId peer) {
        return self.compareTo(peer) < 0;
    }

    private void offer(PeerId peer) {
        if (paths.get(peer) != LinkPath.RELAYED || attempts.containsKey(peer) || attempts.size() >= config.maxAttempts()) {
            return;
        }
        int made = rounds.getOrDefault(peer, 0);
        if (made >= config.rounds()) {
            return;
        }
        if (whereTheRelaySees(peer).isEmpty()) {
            LOG.fine(() -> "no punching to " + peer.shortForm() + ": its relay did not say where it sees it, "
                    + "or sees it on its own machine");
            return;
        }
        rounds.put(peer, made + 1);
        initiated = initiated.plus(new PunchTally(1, 0, 0));
        Attempt attempt = start(peer, freshNonce(), true, Stage.OFFERED, List.of());
        attempt.offeredAtNanos = clock.monotonicNanos();
        send(peer, PunchFrame.newBuilder().setOffer(ownAddresses(attempt.nonce)));
    }

    private void offered(PeerId from, PunchAddresses offer) {
        if (offer.getNonce() == 0) {
            links.penalize(from, Misbehaviour.MALFORMED_PUNCH, "punch offer without a nonce");
            return;
        }
        ArrayDeque<Long> seen = seenNonces.computeIfAbsent(from, peer -> new ArrayDeque<>());
        if (seen.contains(offer.getNonce())) {
            links.penalize(from, Misbehaviour.UNSOLICITED_PUNCH, "replayed punch offer");
            return;
        }
        seen.addLast(offer.getNonce());
        if (seen.size() > REMEMBERED_NONCES) {
            seen.removeFirst();
        }
        TokenBucket allowance = offerAllowance.computeIfAbsent(from, peer ->
                new TokenBucket(clock, config.offersPerPeerPerMinute() / 60, config.offersPerPeerBurst()));
        if (!allowance.tryTake()) {
            links.penalize(from, Misbehaviour.FLOOD, "punch offers too often");
            return;
        }
        if (attempts.containsKey(from) || attempts.size() >= config.maxAttempts() || !everyone.tryTake()) {
            LOG.fine(() -> "punch offer from " + from.shortForm() + " not taken up: busy");
            return;
        }
        Optional<List<HostPort>> targets = targets(from, offer);
        if (targets.isEmpty()) {
            return;
        }
        Attempt attempt = start(from, offer.getNonce(), false, Stage.ANSWERED, targets.get());
        send(from, PunchFrame.newBuilder().setAnswer(ownAddresses(attempt.nonce)));
    }

    private void answered(PeerId from, PunchAddresses answer) {
        Attempt attempt = attempts.get(from);
        if (attempt == null || !attempt.initiator || attempt.stage != Stage.OFFERED || attempt.nonce != answer.getNonce()) {
            links.penalize(from, Misbehaviour.UNSOLICITED_PUNCH, "punch answer nobody asked for");
            return;
        }
        Optional<List<HostPort>> targets = targets(from, answer);
        if (targets.isEmpty()) {
            failAttempt(from, attempt, "no address to punch");
            return;
        }
        Duration roundTrip = Duration.ofNanos(clock.monotonicNanos() - attempt.offeredAtNanos);
        attempt.targets = targets.get();
        attempt.stage = Stage.PUNCHING;
        send(from, PunchFrame.newBuilder().setSync(PunchSync.newBuilder().setNonce(attempt.nonce)));
        LOG.fine(() -> "punching to " + from.shortForm() + " at " + attempt.targets + " in "
                + roundTrip.dividedBy(2).toMillis() + " ms (round trip " + roundTrip.toMillis() + " ms)");
        scheduler.schedule(roundTrip.dividedBy(2), () -> punch(from, attempt));
    }

    private void synced(PeerId from, PunchSync sync) {
        Attempt attempt = attempts.get(from);
        if (attempt == null || attempt.initiator || attempt.stage != Stage.ANSWERED || attempt.nonce != sync.getNonce()) {
            links.penalize(from, Misbehaviour.UNSOLICITED_PUNCH, "punch sync nobody asked for");
            return;
        }
        attempt.stage = Stage.PUNCHING;
        punch(from, attempt);
    }

    /**
     * Where the relay sees {@code peer}, if that is an address to punch: a relay that sees its peer
     * at a loopback address shares its machine, and from anywhere else that address names our own
     * host, so nothing is punched there.
     */
    private Optional<HostPort> whereTheRelaySees(PeerId peer) {
        return observedThroughRelay.apply(peer).filter(seen -> AddressScope.of(seen) != AddressScope.LOOPBACK);
    }

    /** The addresses to punch for a peer's offer or answer; empty (and the peer scored) when none may be. */
    private Optional<List<HostPort>> targets(PeerId from, PunchAddresses addresses) {
        Optional<HostPort> observed = whereTheRelaySees(from);
        if (observed.isEmpty()) {
            LOG.fine(() -> "no punching to " + from.shortForm() + ": its relay did not say where it sees it, "
                    + "or sees it on its own machine");
            return Optional.empty();
        }
        PunchAddressCheck.Result checked = PunchAddressCheck.check(addresses.getAddressesList(), observed.get(), config);
        if (checked.malformed().isPresent()) {
            links.penalize(from, Misbehaviour.MALFORMED_PUNCH, checked.malformed().get());
            return Optional.empty();
        }
        if (checked.outside() > 0) {
            links.penalize(from, Misbehaviour.PUNCH_ADDRESS_OUTSIDE, checked.outside() + " punch address(es) outside "
                    + observed.get().host() + ", where the peer is seen");
        }
        return checked.targets().isEmpty() ? Optional.empty() : Optional.of(checked.targets());
    }

    private void punch(PeerId peer, Attempt attempt) {
        if (attempts.get(peer) != attempt) {
            return;
        }
        attempt.unanswered = attempt.targets.size();
        for (HostPort target : attempt.targets) {
            puncher.punch(peer, target, reason -> {
                if (attempts.get(peer) == attempt && --attempt.unanswered == 0) {
                    failAttempt(peer, attempt, reason);
                }
            });
        }
    }

    private Attempt start(PeerId peer, long nonce, boolean initiator, Stage stage, List<HostPort> targets) {
        Attempt attempt = new Attempt(nonce, initiator, stage, targets);
        attempt.timeout = scheduler.schedule(config.attemptTimeout(), () -> {
            if (attempts.get(peer) == attempt) {
                failAttempt(peer, attempt, "no punched link within " + config.attemptTimeout().toSeconds() + " s");
            }
        });
        attempts.put(peer, attempt);
        return attempt;
    }

    private void failAttempt(PeerId peer, Attempt attempt, String reason) {
        attempts.remove(peer);
        attempt.timeout.cancel();
        failed++;
        if (attempt.initiator) {
            initiated = initiated.plus(new PunchTally(0, 0, 1));
        }
        if (!paths.containsKey(peer)) {
            relayRoutes.remove(peer);
        }
        LOG.info(() -> "hole punching to " + peer.shortForm() + " failed: " + reason);
        if (attempt.initiator && paths.get(peer) == LinkPath.RELAYED) {
            scheduler.schedule(config.retryAfter(), () -> offer(peer));
        }
    }

    private void abandon(PeerId peer) {
        Attempt attempt = attempts.remove(peer);
        if (attempt != null) {
            attempt.timeout.cancel();
        }
    }

    private void fallBack(PeerId peer) {
        PeerInfo route = relayRoutes.get(peer);
        if (paths.containsKey(peer) || route == null) {
            return;
        }
        relayRoutes.remove(peer);
        // Only the end that opened the circuit can open it again: the other holds the reservation.
        if (route.direction() == Direction.OUTBOUND && route.relay().isPresent()) {
            LOG.info(() -> "punched link to " + peer.shortForm() + " gone; back through relay "
                    + route.relay().get().shortForm());
            fallback.reachThroughRelay(peer, route.relay().get());
        }
    }

    private PunchAddresses.Builder ownAddresses(long nonce) {
        PunchAddresses.Builder addresses = PunchAddresses.newBuilder().setNonce(nonce);
        for (HostPort listen : listenAddresses.get()) {
            if (listen.port() > 0) {
                // The peer knows our IP better than we do (we may sit behind a NAT): it fills it in.
                addresses.addAddresses(new HostPort(listen.host().contains(":") ? "::" : "0.0.0.0", listen.port())
                        .toString());
            }
        }
        return addresses;
    }

    private void send(PeerId peer, PunchFrame.Builder punch) {
        links.send(peer, Frame.newBuilder().setPunch(punch).build());
    }

    private long freshNonce() {
        return 1 + rng.nextLong(Long.MAX_VALUE - 1);
    }

    private static <V> Map<PeerId, V> lru() {
        return new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<PeerId, V> eldest) {
                return size() > REMEMBERED_PEERS;
            }
        };
    }

    private enum Stage {
        /** Initiator: offer sent, waiting for the answer. */
        OFFERED,
        /** Responder: answer sent, waiting for the sync. */
        ANSWERED,
        /** Both: connection attempts under way. */
        PUNCHING
    }

    private static final class Attempt {
        final long nonce;
        final boolean initiator;
        Stage stage;
        List<HostPort> targets;
        long offeredAtNanos;
        int unanswered;
        Scheduler.Cancellable timeout;

        Attempt(long nonce, boolean initiator, Stage stage, List<HostPort> targets) {
            this.nonce = nonce;
            this.initiator = initiator;
            this.stage = stage;
            this.targets = new ArrayList<>(targets);
        }
    }
}
