package org.parley.link.relay;

import com.google.protobuf.ByteString;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.logging.Logger;
import org.parley.identity.PeerId;
import org.parley.link.LinkEvents;
import org.parley.link.Misbehaviour;
import org.parley.link.Neighbours;
import org.parley.link.PeerInfo;
import org.parley.proto.wire.v1.CircuitOffer;
import org.parley.proto.wire.v1.Frame;
import org.parley.proto.wire.v1.RelayAvailable;
import org.parley.proto.wire.v1.RelayFrame;
import org.parley.proto.wire.v1.ReserveAnswer;
import org.parley.runtime.Clock;
import org.parley.runtime.Scheduler;

/**
 * The relay's side of relayed links, as protocol state: who holds a reservation, which circuits
 * wait for their answer and which run, and every limit on them. The transport hands it each
 * circuit stream's opening (a dialling peer's {@link #connect}, a reserved peer's {@link #accept})
 * and splices the bytes once both ends are here; this class decides whether they may meet. A
 * reservation rides on the reserved peer's link: it ends with that link. Sans-I/O, on the loop.
 *
 * @param <H> the transport's handle on a dialling peer's stream, to refuse it or splice it
 */
public final class CircuitRelay<H extends CircuitRelay.Dialler> implements LinkEvents {
    private static final Logger LOG = Logger.getLogger(CircuitRelay.class.getName());


    /** The transport's side of a dialling peer's circuit stream while it waits. */
    public interface Dialler {
        /** The circuit will not be spliced: close the stream, telling the peer why. */
        void refuse(String reason);
    }

    /** Whether a circuit may open: an offer was sent to its target, or why not. */
    public record Admission(Optional<Long> circuit, Optional<String> refusal) {
        static Admission offered(long circuit) {
            return new Admission(Optional.of(circuit), Optional.empty());
        }

        static Admission refused(String reason) {
            return new Admission(Optional.empty(), Optional.of(reason));
        }
    }

    /** A circuit whose two ends are both here, to be spliced within its budget. */
    public record Splice<H>(long circuit, PeerId dialler, PeerId answerer, H diallerEnd, CircuitBudget budget) {
    }

    private final Neighbours links;
    private final Predicate<PeerId> banned;
    private final Scheduler scheduler;
    private final Clock clock;
    private final RelayLimits limits;
    /** Reserved peer to when its reservation expires (wall-clock millis). */
    private final Map<PeerId, Reservation> reservations = new LinkedHashMap<>();
    private final Map<Long, Waiting<H>> waiting = new HashMap<>();
    private final Map<Long, Running> running = new HashMap<>();
    private final Map<PeerId, Integer> circuitsOf = new HashMap<>();
    private long nextCircuit = 1;
    private BooleanSupplier dialable = () -> true;
    /** Neighbours linked now, and those of them told that we relay. */
    private final Set<PeerId> neighbours = new LinkedHashSet<>();
    private final Set<PeerId> told = new HashSet<>();

    public CircuitRelay(Neighbours links, Predicate<PeerId> banned, Scheduler scheduler, Clock clock,
                        RelayLimits limits) {
        this.links = links;
        this.banned = banned;
        this.scheduler = scheduler;
        this.clock = clock;
        this.limits = limits;
    }

    /**
     * Offers to relay only while {@code dialable} holds: a node behind a NAT cannot be dialled by
     * whoever would open a circuit at it, so it offers nothing (it still answers reservations with
     * a refusal or a grant as limits say, for a peer that asks anyway).
     */
    public void offerOnlyWhile(BooleanSupplier dialable) {
        this.dialable = dialable;
    }

    @Override
    public void peerConnected(PeerInfo peer) {
        neighbours.add(peer.peerId());
        tellWeRelay(peer.peerId());
    }

    /**
     * Tells the neighbours not yet told that we relay, if we can be dialled now: a node becomes
     * dialable (its address confirmed by peers) after its first links came up, and those
     * neighbours would otherwise never learn it.
     */
    public void offerIfDialableNow() {
        List.copyOf(neighbours).forEach(this::tellWeRelay);
    }

    private void tellWeRelay(PeerId peer) {
        if (limits.enabled() && dialable.getAsBoolean() && told.add(peer)) {
            links.send(peer, relayFrame(RelayFrame.newBuilder().setAvailable(RelayAvailable.getDefaultInstance())));
        }
    }

    @Override
    public void peerDisconnected(PeerId peer) {
        neighbours.remove(peer);
        told.remove(peer);
        if (reservations.remove(peer) != null) {
            LOG.fine(() -> "reservation of " + peer.shortForm() + " ended with its link");
        }
    }

    /** A relay frame from {@code from}; {@link RelayFrames} hands each here or to the other side. */
    public void frameReceived(PeerId from, Frame frame) {
        if (frame.getBodyCase() == Frame.BodyCase.RELAY
                && frame.getRelay().getBodyCase() == RelayFrame.BodyCase.RESERVE) {
            reserve(from);
        }
    }

    private void reserve(PeerId peer) {
        long now = clock.nowMillis();
        Reservation held = reservations.get(peer);
        if (!limits.enabled()) {
            answer(peer, refusal("this node does not relay"));
            return;
        }
        if (held != null && now - held.grantedAtMillis < limits.reservationLifetime().toMillis() / 4) {
            links.penalize(peer, Misbehaviour.RESERVATION_FLOOD, "reservation renewed too often");
            answer(peer, refusal("reservation renewed too often"));
            return;
        }
        dropExpired(now);
        if (held == null && reservations.size() >= limits.maxReservations()) {
            answer(peer, refusal("all " + limits.maxReservations() + " reservations are taken"));
            return;
        }
        reservations.put(peer, new Reservation(now, now + limits.reservationLifetime().toMillis()));
        answer(peer, ReserveAnswer.newBuilder().setAccepted(true)
                .setLifetimeMs(limits.reservationLifetime().toMillis()).build());
    }

    private void dropExpired(long now) {
        reservations.values().removeIf(reservation -> reservation.expiresAtMillis <= now);
    }

    /** Whether {@code peer} holds a live reservation here. */
    public boolean isReserved(PeerId peer) {
        Reservation reservation = reservations.get(peer);
        return reservation != null && reservation.expiresAtMillis > clock.nowMillis();
    }

    public int reservationCount() {
        dropExpired(clock.nowMillis());
        return reservations.size();
    }

    /**
     * A peer opened a circuit stream asking to be spliced to {@code target}. When admitted, the
     * target has been offered the circuit and has {@link RelayLimits#answerTimeout} to accept it.
     */
    public Admission connect(PeerId dialler, PeerId target, H diallerEnd) {
        if (!limits.enabled()) {
            return Admission.refused("this node does not relay");
        }
        if (banned.test(dialler)) {
            return Admission.refused("you are banned here");
        }
        if (dialler.equals(target)) {
            links.penalize(dialler, Misbehaviour.PROTOCOL_VIOLATION, "asked for a circuit to itself");
            return Admission.refused("a circuit to yourself");
        }
        if (!isReserved(target) || !links.isConnected(target)) {
            links.penalize(dialler, Misbehaviour.UNRESERVED, "asked for a circuit to an unreserved peer");
            return Admission.refused("no reservation for " + target);
        }
        int open = waiting.size() + running.size();
        if (open >= limits.maxCircuits()) {
            return Admission.refused("all " + limits.maxCircuits() + " circuits are in use");
        }
        if (circuitsOf.getOrDefault(dialler, 0) >= limits.maxCircuitsPerPeer()) {
            return Admission.refused("you have " + limits.maxCircuitsPerPeer() + " circuits here already");
        }
        if (circuitsOf.getOrDefault(target, 0) >= limits.maxCircuitsPerPeer()) {
            return Admission.refused(target + " has " + limits.maxCircuitsPerPeer() + " circuits here already");
        }
        long circuit = nextCircuit++;
        Waiting<H> entry = new Waiting<>(dialler, target, diallerEnd);
        waiting.put(circuit, entry);
        count(dialler, 1);
        count(target, 1);
        entry.timer = scheduler.schedule(limits.answerTimeout(), () -> {
            if (waiting.remove(circuit) != null) {
                count(dialler, -1);
                count(target, -1);
                diallerEnd.refuse(target + " did not answer the circuit");
            }
        });
        links.send(target, relayFrame(RelayFrame.newBuilder().setOffer(CircuitOffer.newBuilder().setCircuit(circuit)
                .setFromPeer(ByteString.copyFrom(dialler.publicKey())))));
        return Admission.offered(circuit);
    }

    /**
     * A peer opened a circuit stream answering the offer of {@code circuit}. Only the peer it was
     * offered to may answer it; anyone else is refused and scored down.
     *
     * @return both ends, to be spliced; empty when refused (the reason is logged and penalized)
     */
    public Optional<Splice<H>> accept(PeerId answerer, long circuit) {
        Waiting<H> entry = waiting.get(circuit);
        if (entry == null || !entry.target.equals(answerer)) {
            links.penalize(answerer, Misbehaviour.PROTOCOL_VIOLATION, "answered a circuit not offered to it");
            return Optional.empty();
        }
        waiting.remove(circuit);
        entry.timer.cancel();
        running.put(circuit, new Running(entry.dialler, entry.target));
        return Optional.of(new Splice<>(circuit, entry.dialler, entry.target, entry.diallerEnd,
                new CircuitBudget(clock, limits)));
    }

    /** A dialling peer's stream ended before its circuit was answered, or a spliced circuit ended. */
    public void closed(long circuit) {
        Waiting<H> entry = waiting.remove(circuit);
        if (entry != null) {
            entry.timer.cancel();
            count(entry.dialler, -1);
            count(entry.target, -1);
            return;
        }
        Running ended = running.remove(circuit);
        if (ended != null) {
            count(ended.dialler, -1);
            count(ended.answerer, -1);
        }
    }

    /** A circuit stream broke the protocol (bad first message, oversized chunk): scored down. */
    public void malformed(PeerId peer, String reason) {
        links.penalize(peer, Misbehaviour.PROTOCOL_VIOLATION, reason);
    }

    /** Circuits waiting for an answer or running. */
    public int circuitCount() {
        return waiting.size() + running.size();
    }

    public RelayLimits limits() {
        return limits;
    }

    private void count(PeerId peer, int delta) {
        circuitsOf.merge(peer, delta, Integer::sum);
        circuitsOf.remove(peer, 0);
    }

    private void answer(PeerId peer, ReserveAnswer answer) {
        links.send(peer, relayFrame(RelayFrame.newBuilder().setReserveAnswer(answer)));
    }

    private static ReserveAnswer refusal(String reason) {
        return ReserveAnswer.newBuilder().setAccepted(false).setReason(reason).build();
    }

    static Frame relayFrame(RelayFrame.Builder relay) {
        return Frame.newBuilder().setRelay(relay).build();
    }

    private record Reservation(long grantedAtMillis, long expiresAtMillis) {
    }

    private record Running(PeerId dialler, PeerId answerer) {
    }

    private static final class Waiting<H> {
        final PeerId dialler;
        final PeerId target;
        final H diallerEnd;
        Scheduler.Cancellable timer;

        Waiting(PeerId dialler, PeerId target, H diallerEnd) {
            this.dialler = dialler;
            this.target = target;
            this.diallerEnd = diallerEnd;
        }
    }
}
