package org.parley.link.relay;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.logging.Logger;
import org.parley.crypto.Ed25519;
import org.parley.identity.PeerId;
import org.parley.link.LinkEvents;
import org.parley.link.Neighbours;
import org.parley.link.PeerInfo;
import org.parley.proto.wire.v1.CircuitOffer;
import org.parley.proto.wire.v1.Frame;
import org.parley.proto.wire.v1.RelayFrame;
import org.parley.proto.wire.v1.ReserveAnswer;
import org.parley.proto.wire.v1.ReserveRequest;
import org.parley.runtime.Scheduler;

/**
 * The private node's side of relayed links: while the node cannot be dialled, it holds
 * reservations with a few neighbours that offered to relay ({@link RelayChoice} picks them),
 * renews them at half their lifetime, names them in its record, and answers the circuits they
 * offer by opening the circuit's other end (the transport does that). Sans-I/O, on the loop.
 */
public final class RelayClient implements LinkEvents {
    private static final Logger LOG = Logger.getLogger(RelayClient.class.getName());
    /** What a record may name (see the record's limit). */
    public static final int MAX_RELAYS = 3;
    /** How often the client checks whether it needs relays (reachability may change). */
    static final Duration CHECK_INTERVAL = Duration.ofSeconds(15);
    /** An answer nobody asked for, or an offer from a peer that holds no reservation of ours. */
    static final double PENALTY_UNASKED = 5;

    /** Opens the answering end of a circuit a relay offered: the transport's job. */
    public interface CircuitAnswerer {
        void answer(PeerId relay, String relayAddress, long circuit, PeerId from);
    }

    private final Neighbours links;
    private final Scheduler scheduler;
    private final RelayChoice choice;
    private final BooleanSupplier wantsRelays;
    private final Consumer<List<PeerId>> announce;
    private final CircuitAnswerer answerer;
    private final Map<PeerId, String> addresses = new HashMap<>();
    /** Neighbours that offered to relay, in the order they offered. */
    private final Set<PeerId> candidates = new LinkedHashSet<>();
    private final Set<PeerId> asked = new HashSet<>();
    /** Relays that refused us; not asked again while their link lasts. */
    private final Set<PeerId> refusedBy = new HashSet<>();
    private final Map<PeerId, Scheduler.Cancellable> held = new LinkedHashMap<>();
    private List<PeerId> announced = List.of();
    private Scheduler.Cancellable timer;
    private boolean stopped;

    public RelayClient(Neighbours links, Scheduler scheduler, RelayChoice choice, BooleanSupplier wantsRelays,
                       Consumer<List<PeerId>> announce, CircuitAnswerer answerer) {
        this.links = links;
        this.scheduler = scheduler;
        this.choice = choice;
        this.wantsRelays = wantsRelays;
        this.announce = announce;
        this.answerer = answerer;
    }

    public void start() {
        timer = scheduler.schedule(CHECK_INTERVAL, () -> {
            refresh();
            start();
        });
        if (stopped) {
            timer.cancel();
        }
    }

    public void stop() {
        stopped = true;
        if (timer != null) {
            timer.cancel();
        }
        held.values().forEach(Scheduler.Cancellable::cancel);
    }

    /** The relays holding a reservation for us now, in the order they granted it. */
    public List<PeerId> relays() {
        return List.copyOf(held.keySet());
    }

    @Override
    public void peerConnected(PeerInfo peer) {
        addresses.put(peer.peerId(), peer.address());
    }

    @Override
    public void peerDisconnected(PeerId peer) {
        addresses.remove(peer);
        candidates.remove(peer);
        asked.remove(peer);
        refusedBy.remove(peer);
        Scheduler.Cancellable renewal = held.remove(peer);
        if (renewal != null) {
            renewal.cancel();
            LOG.info(() -> "relay " + peer.shortForm() + " gone; its reservation with it");
        }
        refresh();
    }

    /** A relay frame from {@code from}; {@link RelayFrames} hands each here or to the other side. */
    public void frameReceived(PeerId from, Frame frame) {
        if (frame.getBodyCase() != Frame.BodyCase.RELAY) {
            return;
        }
        RelayFrame relay = frame.getRelay();
        switch (relay.getBodyCase()) {
            case AVAILABLE -> {
                candidates.add(from);
                refresh();
            }
            case RESERVE_ANSWER -> answered(from, relay.getReserveAnswer());
            case OFFER -> offered(from, relay.getOffer());
            default -> {
                // RESERVE is the relay's business; an empty body is a newer peer's frame we do not know.
            }
        }
    }

    private void answered(PeerId relay, ReserveAnswer answer) {
        if (!asked.remove(relay)) {
            links.penalize(relay, PENALTY_UNASKED, "reservation answer nobody asked for");
            return;
        }
        if (!answer.getAccepted()) {
            LOG.info(() -> "relay " + relay.shortForm() + " refused a reservation: " + answer.getReason());
            refusedBy.add(relay);
            Scheduler.Cancellable renewal = held.remove(relay);
            if (renewal != null) {
                renewal.cancel();
            }
            refresh();
            return;
        }
        long lifetime = Math.max(answer.getLifetimeMs(), 2 * CHECK_INTERVAL.toMillis());
        Scheduler.Cancellable previous = held.put(relay, scheduler.schedule(Duration.ofMillis(lifetime / 2),
                () -> renew(relay)));
        if (previous != null) {
            previous.cancel();
        } else {
            LOG.info(() -> "relay " + relay.shortForm() + " holds a reservation for us");
        }
        announceIfChanged();
    }

    private void renew(PeerId relay) {
        if (held.containsKey(relay) && wantsRelays.getAsBoolean() && asked.add(relay)) {
            send(relay);
        }
    }

    private void offered(PeerId relay, CircuitOffer offer) {
        if (offer.getFromPeer().size() != Ed25519.PUBLIC_KEY_SIZE) {
            links.penalize(relay, CircuitRelay.PENALTY_MALFORMED, "circuit offer naming no peer");
            return;
        }
        if (!held.containsKey(relay)) {
            links.penalize(relay, PENALTY_UNASKED, "circuit offer from a peer holding no reservation of ours");
            return;
        }
        PeerId from = PeerId.fromPublicKey(offer.getFromPeer().toByteArray());
        LOG.fine(() -> "relay " + relay.shortForm() + " offers a circuit from " + from.shortForm());
        answerer.answer(relay, addresses.getOrDefault(relay, ""), offer.getCircuit(), from);
    }

    /** Asks for reservations while we want more, and drops them when we no longer need relays. */
    void refresh() {
        if (stopped) {
            return;
        }
        if (!wantsRelays.getAsBoolean()) {
            held.values().forEach(Scheduler.Cancellable::cancel);
            held.clear();
            announceIfChanged();
            return;
        }
        while (true) {
            List<PeerId> open = new ArrayList<>();
            for (PeerId candidate : candidates) {
                if (!held.containsKey(candidate) && !asked.contains(candidate) && !refusedBy.contains(candidate)) {
                    open.add(candidate);
                }
            }
            var next = choice.next(open, held.size() + asked.size());
            if (next.isEmpty()) {
                break;
            }
            asked.add(next.get());
            send(next.get());
        }
        announceIfChanged();
    }

    private void send(PeerId relay) {
        links.send(relay, CircuitRelay.relayFrame(RelayFrame.newBuilder().setReserve(ReserveRequest.getDefaultInstance())));
    }

    private void announceIfChanged() {
        List<PeerId> now = relays();
        if (!now.equals(announced)) {
            announced = now;
            announce.accept(now);
        }
    }
}
