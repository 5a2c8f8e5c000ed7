package org.parley.mailbox;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;
import org.parley.identity.PeerId;
import org.parley.messaging.MessageId;
import org.parley.messaging.RelayItem;
import org.parley.messaging.SealedEnvelope;
import org.parley.overlay.record.PeerRecord;
import org.parley.proto.wire.v1.WireEnvelope;
import org.parley.proto.wire.v1.MailboxFrame;
import org.parley.proto.wire.v1.StoreAnswer;
import org.parley.runtime.Scheduler;

/**
 * The sender's part: every check interval, hands the messages the outbox holds for peers without
 * a link to the k peers closest to each envelope's place (the pair address, or a first contact's
 * recipient key: decision 0047) and to the relays the recipient's record names, and
 * reports back when n replicas hold one. A replica that stays silent or refuses (its share for the
 * recipient is full, or its clock says the envelope expired) is replaced by the next closest one
 * at the next check; once every candidate was asked, all are asked again, less and less often
 * while they keep refusing. A refusal never ends a message: anyone can make identities and fill a
 * replica, and the outbox still sends directly. Receipts for peers without a link are handed over
 * the same way, without tracking: a lost receipt is asked for again by the sender's resend.
 * Placed mail (which names nobody) goes through a linked neighbour that forwards deposits, so that
 * replicas see its link and not ours (decision 0061): one neighbour per round, each once; only
 * when none is linked, or every linked one was asked without a replica holding the message, do we
 * deposit ourselves. Version 1 envelopes (for nodes that read nothing newer) are never handed to
 * replicas, which all refuse them: they wait in the outbox for a direct link. Confined to the node's loop.
 */
final class MailRelay {
    private static final Logger LOG = Logger.getLogger(MailRelay.class.getName());
    /** The longest rest between rounds of refusals, in checks (about five minutes by default). */
    private static final int MAX_REST_CHECKS = 64;

    /** One message being handed to replicas. */
    private static final class Attempt {
        final RelayItem item;
        final Set<PeerId> asked = new HashSet<>();
        final Set<PeerId> stored = new HashSet<>();
        final Map<String, Integer> refusals = new HashMap<>();
        /** Neighbours asked to forward this message, and the one asked now (null when we deposit ourselves). */
        final Set<PeerId> forwardersTried = new HashSet<>();
        PeerId forwarder;
        /** Replicas holding it by a forwarding neighbour's word (at most k each). */
        int forwardedCopies;
        int outstanding;
        /** Checks to let pass before asking again, after a round in which every answer was a refusal. */
        int resting;
        /** The rest after the last round of refusals; doubles each round, up to {@link #MAX_REST_CHECKS}. */
        int restAfterRefusals;
        Scheduler.Cancellable timer;

        Attempt(RelayItem item) {
            this.item = item;
        }
    }

    private final MailCourier courier;
    private final ReplicaFinder finder;
    private final RelayOutbox outbox;
    private final Scheduler scheduler;
    private final MailboxConfig config;
    private final java.util.function.Supplier<List<PeerId>> forwarders;
    private final Map<MessageId, Attempt> attempts = new LinkedHashMap<>();
    private final Map<Long, Attempt> byRequest = new HashMap<>();
    /** Messages in version 1 already told of in the log, while they wait. */
    private final Set<MessageId> unsealedNoted = new HashSet<>();
    private Scheduler.Cancellable checkTimer;
    private boolean stopped;

    /** {@code forwarders}: linked neighbours that forward deposits, in a stable order. */
    MailRelay(MailCourier courier, ReplicaFinder finder, RelayOutbox outbox, Scheduler scheduler,
              MailboxConfig config, java.util.function.Supplier<List<PeerId>> forwarders) {
        this.courier = courier;
        this.finder = finder;
        this.outbox = outbox;
        this.scheduler = scheduler;
        this.config = config;
        this.forwarders = forwarders;
    }

    void start() {
        scheduleCheck();
    }

    void stop() {
        stopped = true;
        if (checkTimer != null) {
            checkTimer.cancel();
        }
        attempts.values().forEach(attempt -> {
            if (attempt.timer != null) {
                attempt.timer.cancel();
            }
        });
    }

    /** Hands an untracked envelope (a receipt) to the replicas of its place and the recipient's relays. */
    void carry(PeerId recipient, WireEnvelope envelope) {
        if (envelope.getVersion() == org.parley.messaging.Envelope.VERSION) {
            return;
        }
        if (envelope.getVersion() == SealedEnvelope.PLACED_VERSION) {
            PeerId via = forwarders.get().stream().filter(peer -> !peer.equals(recipient)).findFirst().orElse(null);
            if (via != null && courier.sendLinked(via, MailboxFrame.newBuilder().setRequestId(courier.nextRequestId())
                    .setForward(envelope).build())) {
                return;
            }
        }
        for (PeerRecord replica : RelayContacts.withRelays(finder.closest(SealedEnvelope.placeOf(envelope),
                config.replicas()), finder.relaysOf(recipient))) {
            courier.send(replica, MailboxFrame.newBuilder().setRequestId(courier.nextRequestId())
                    .setStore(envelope).build());
        }
    }

    /** A replica's answer to a store; false when it answers none of ours. */
    boolean answered(PeerId from, long requestId, StoreAnswer answer) {
        Attempt attempt = byRequest.get(requestId);
        if (attempt == null || (attempt.forwarder != null && !attempt.forwarder.equals(from))) {
            return false;
        }
        byRequest.remove(requestId);
        switch (answer.getOutcome()) {
            case STORED -> {
                if (attempt.forwarder == null) {
                    attempt.stored.add(from);
                } else {
                    // Its word for how many hold it, never more than it would ask.
                    attempt.forwardedCopies += Math.max(1, Math.min(answer.getHeldBy(), config.replicas()));
                }
            }
            case QUOTA -> attempt.refusals.merge("quota", 1, Integer::sum);
            case EXPIRED -> attempt.refusals.merge("expired", 1, Integer::sum);
            default -> attempt.refusals.merge("refused", 1, Integer::sum);
        }
        attempt.outstanding--;
        if (attempt.outstanding == 0) {
            conclude(attempt);
        }
        return true;
    }

    private void scheduleCheck() {
        if (stopped) {
            return;
        }
        checkTimer = scheduler.schedule(config.relayCheckInterval(), () -> {
            check();
            scheduleCheck();
        });
    }

    private void check() {
        List<RelayItem> waiting = outbox.awaitingRelay();
        Set<MessageId> current = new HashSet<>();
        for (RelayItem item : waiting) {
            current.add(item.id());
            if (item.envelope().getVersion() == org.parley.messaging.Envelope.VERSION) {
                // For a peer that reads nothing newer; every replica of this version refuses it
                // (version 1 names its sender). It waits in the outbox for a direct link.
                if (unsealedNoted.add(item.id())) {
                    LOG.info(() -> "message " + item.id() + " is for a node that reads only envelope version 1,"
                            + " which replicas do not hold: it waits for a direct link");
                }
                continue;
            }
            Attempt attempt = attempts.computeIfAbsent(item.id(), id -> new Attempt(item));
            if (attempt.outstanding == 0) {
                if (attempt.resting > 0) {
                    attempt.resting--;
                } else {
                    ask(attempt);
                }
            }
        }
        attempts.values().removeIf(attempt -> attempt.outstanding == 0 && !current.contains(attempt.item.id()));
        unsealedNoted.retainAll(current);
    }

    /**
     * Asks up to k of the peers closest to the envelope's place (its pair address, or for a first
     * contact the recipient's key) not asked yet (all of them again once every one was), and the
     * relays the recipient's record names that were not asked yet: their copies count as
     * replicas too.
     */
    private void ask(Attempt attempt) {
        if (askForwarder(attempt)) {
            return;
        }
        attempt.forwarder = null;
        PeerId recipient = attempt.item.recipient();
        PeerId place = SealedEnvelope.placeOf(attempt.item.envelope());
        List<PeerRecord> candidates = new ArrayList<>();
        for (int round = 0; round < 2 && candidates.isEmpty(); round++) {
            if (round == 1) {
                attempt.asked.clear();
            }
            for (PeerRecord record : finder.closest(place, config.replicas() + attempt.asked.size())) {
                if (!attempt.asked.contains(record.peer()) && candidates.size() < config.replicas()) {
                    candidates.add(record);
                }
            }
            candidates = RelayContacts.withRelays(candidates, finder.relaysOf(recipient).stream()
                    .filter(relay -> !attempt.asked.contains(relay.peer())).toList());
        }
        attempt.refusals.clear();
        for (PeerRecord replica : candidates) {
            long requestId = courier.nextRequestId();
            attempt.asked.add(replica.peer());
            attempt.outstanding++;
            byRequest.put(requestId, attempt);
            courier.send(replica, MailboxFrame.newBuilder().setRequestId(requestId)
                    .setStore(attempt.item.envelope()).build());
        }
        if (!candidates.isEmpty()) {
            attempt.timer = scheduler.schedule(config.answerTimeout(), () -> {
                byRequest.values().removeIf(waiting -> waiting == attempt);
                if (attempt.outstanding > 0) {
                    attempt.outstanding = 0;
                    conclude(attempt);
                }
            });
        }
    }

    /**
     * Asks a linked neighbour not asked yet for this message to deposit it, when it is placed mail;
     * false when there is none (we deposit ourselves).
     */
    private boolean askForwarder(Attempt attempt) {
        if (attempt.item.envelope().getVersion() != SealedEnvelope.PLACED_VERSION) {
            return false;
        }
        PeerId via = forwarders.get().stream()
                .filter(peer -> !peer.equals(attempt.item.recipient()) && !attempt.forwardersTried.contains(peer))
                .findFirst().orElse(null);
        if (via == null) {
            return false;
        }
        long requestId = courier.nextRequestId();
        if (!courier.sendLinked(via, MailboxFrame.newBuilder().setRequestId(requestId)
                .setForward(attempt.item.envelope()).build())) {
            return false;
        }
        attempt.forwardersTried.add(via);
        attempt.forwarder = via;
        attempt.refusals.clear();
        attempt.outstanding = 1;
        byRequest.put(requestId, attempt);
        // The neighbour waits for the replicas' answers itself: give it their timeout and as long again.
        attempt.timer = scheduler.schedule(config.answerTimeout().multipliedBy(2), () -> {
            byRequest.values().removeIf(waiting -> waiting == attempt);
            if (attempt.outstanding > 0) {
                attempt.outstanding = 0;
                conclude(attempt);
            }
        });
        return true;
    }

    /**
     * Held by at least one replica: relayed. Otherwise it stays pending and a later check asks
     * others; after refusals (and no replica holding it), later by twice as many checks each time.
     */
    private void conclude(Attempt attempt) {
        if (attempt.timer != null) {
            attempt.timer.cancel();
        }
        RelayItem item = attempt.item;
        if (!attempt.stored.isEmpty() || attempt.forwardedCopies > 0) {
            attempts.remove(item.id());
            outbox.relayed(item.recipient(), item.id(), attempt.stored.size() + attempt.forwardedCopies);
        } else if (!attempt.refusals.isEmpty()) {
            attempt.restAfterRefusals = Math.min(MAX_REST_CHECKS, Math.max(1, 2 * attempt.restAfterRefusals));
            attempt.resting = attempt.restAfterRefusals;
            LOG.fine(() -> "replicas refused message " + item.id() + " " + attempt.refusals
                    + "; asking others in " + attempt.resting + " checks");
        }
    }
}
