package org.parley.mailbox;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;
import org.parley.identity.PeerId;
import org.parley.link.PerPeerRate;
import org.parley.link.LinkControl;
import org.parley.link.Misbehaviour;
import org.parley.messaging.EnvelopeException;
import org.parley.messaging.SealedEnvelope;
import org.parley.overlay.record.PeerRecord;
import org.parley.proto.wire.v1.MailboxFrame;
import org.parley.proto.wire.v1.StoreAnswer;
import org.parley.proto.wire.v1.StoreAnswer.Outcome;
import org.parley.proto.wire.v1.WireEnvelope;
import org.parley.runtime.Clock;
import org.parley.runtime.Scheduler;

/**
 * Deposits a neighbour's placed mail at the replicas of its pair address, for it (decision 0061):
 * a sender that deposited itself would show each replica its own link, and so where it is. We
 * learn that the neighbour deposits something at an address, its size and time; not whose
 * address it is (that takes one of the pair's keys). We only ever store what we are asked to
 * forward, never forward it again (so there is no loop to run round), and only the placed form,
 * which names nobody: a version 2 envelope names its recipient, and forwarding it would tell us who
 * the neighbour writes to. Each neighbour may ask {@link #PER_NEIGHBOUR_PER_MINUTE} times a minute,
 * and {@link #MAX_IN_FLIGHT} forwards run at once in all. Confined to the node's loop.
 */
final class DepositForwarder {
    /** Forwards one neighbour may ask for in a minute: a chatty sender's mail to every contact who is away. */
    static final int PER_NEIGHBOUR_PER_MINUTE = 30;
    /** Forwards waiting for replicas' answers at once, for all neighbours together. */
    static final int MAX_IN_FLIGHT = 64;

    /** One envelope being deposited, and the neighbours' requests waiting for the outcome. */
    private static final class Forward {
        final ByteString id;
        final List<Map.Entry<PeerId, Long>> askers = new ArrayList<>();
        final Map<Long, PeerId> asked = new HashMap<>();
        int heldBy;
        Outcome refusal = Outcome.QUOTA;
        Scheduler.Cancellable timer;

        Forward(ByteString id) {
            this.id = id;
        }
    }

    /** A neighbour's requests in the current minute. */
    private final PeerId self;
    private final LinkControl links;
    private final MailCourier courier;
    private final ReplicaFinder finder;
    private final Scheduler scheduler;
    private final Clock clock;
    private final MailboxConfig config;
    private final IntSupplier stampBits;
    private final Map<ByteString, Forward> inFlight = new LinkedHashMap<>();
    private final Map<Long, Forward> byRequest = new HashMap<>();
    private final PerPeerRate rate = new PerPeerRate(PER_NEIGHBOUR_PER_MINUTE);

    DepositForwarder(PeerId self, LinkControl links, MailCourier courier, ReplicaFinder finder, Scheduler scheduler,
                     Clock clock, MailboxConfig config, IntSupplier stampBits) {
        this.self = self;
        this.links = links;
        this.courier = courier;
        this.finder = finder;
        this.scheduler = scheduler;
        this.clock = clock;
        this.config = config;
        this.stampBits = stampBits;
    }

    /** {@code from} asks us to deposit {@code proto} at the replicas of its place. */
    void forward(PeerId from, long requestId, WireEnvelope proto) {
        long now = clock.nowMillis();
        if (!rate.allow(from, now)) {
            links.penalize(from, Misbehaviour.FLOOD, "more than " + PER_NEIGHBOUR_PER_MINUTE + " deposit forwards a minute");
            answer(from, requestId, ByteString.EMPTY, Outcome.QUOTA, 0);
            return;
        }
        SealedEnvelope.Outer envelope;
        try {
            envelope = SealedEnvelope.check(proto, now, stampBits.getAsInt());
        } catch (EnvelopeException e) {
            if (e.rejection() == Misbehaviour.EXPIRED) {
                answer(from, requestId, ByteString.EMPTY, Outcome.EXPIRED, 0);
            } else if (e.rejection() == Misbehaviour.UNSUPPORTED_VERSION) {
                answer(from, requestId, ByteString.EMPTY, Outcome.INVALID, 0);
            } else {
                links.penalize(from, e.rejection(), "deposit forward: " + e.getMessage());
                answer(from, requestId, ByteString.EMPTY, Outcome.INVALID, 0);
            }
            return;
        }
        ByteString id = ByteString.copyFrom(envelope.id());
        if (!envelope.placed()) {
            links.penalize(from, Misbehaviour.PROTOCOL_VIOLATION, "asked to forward mail that names its recipient");
            answer(from, requestId, id, Outcome.INVALID, 0);
            return;
        }
        Forward running = inFlight.get(id);
        if (running != null) {
            // A resend while the first is under way: both get the one outcome.
            running.askers.add(Map.entry(from, requestId));
            return;
        }
        if (inFlight.size() >= MAX_IN_FLIGHT) {
            answer(from, requestId, id, Outcome.QUOTA, 0);
            return;
        }
        List<PeerRecord> replicas = finder.closest(envelope.place(), config.replicas() + 2).stream()
                .filter(record -> !record.peer().equals(self) && !record.peer().equals(from))
                .limit(config.replicas()).toList();
        if (replicas.isEmpty()) {
            answer(from, requestId, id, Outcome.QUOTA, 0);
            return;
        }
        Forward forward = new Forward(id);
        forward.askers.add(Map.entry(from, requestId));
        inFlight.put(id, forward);
        for (PeerRecord replica : replicas) {
            long storeId = courier.nextRequestId();
            forward.asked.put(storeId, replica.peer());
            byRequest.put(storeId, forward);
            courier.send(replica, MailboxFrame.newBuilder().setRequestId(storeId).setStore(proto).build());
        }
        forward.timer = scheduler.schedule(config.answerTimeout(), () -> conclude(forward));
    }

    /** A replica's answer to one of our stores; false when it answers none of ours. */
    boolean answered(PeerId from, long requestId, StoreAnswer answer) {
        Forward forward = byRequest.get(requestId);
        if (forward == null || !from.equals(forward.asked.get(requestId))) {
            return false;
        }
        byRequest.remove(requestId);
        forward.asked.remove(requestId);
        if (answer.getOutcome() == Outcome.STORED) {
            forward.heldBy++;
        } else if (answer.getOutcome() == Outcome.EXPIRED || answer.getOutcome() == Outcome.INVALID) {
            forward.refusal = answer.getOutcome();
        }
        if (forward.asked.isEmpty()) {
            conclude(forward);
        }
        return true;
    }

    /** Forgets a neighbour's rate window with its link. */
    void peerDisconnected(PeerId peer) {
        rate.forget(peer);
    }

    private void conclude(Forward forward) {
        if (inFlight.remove(forward.id) == null) {
            return;
        }
        forward.timer.cancel();
        forward.asked.keySet().forEach(byRequest::remove);
        Outcome outcome = forward.heldBy > 0 ? Outcome.STORED : forward.refusal;
        forward.askers.forEach(asker -> answer(asker.getKey(), asker.getValue(), forward.id, outcome, forward.heldBy));
    }


    private void answer(PeerId to, long requestId, ByteString id, Outcome outcome, int heldBy) {
        courier.sendLinked(to, MailboxFrame.newBuilder().setRequestId(requestId).setStored(StoreAnswer.newBuilder()
                .setEnvelopeId(id).setOutcome(outcome).setHeldBy(heldBy)).build());
    }
}
