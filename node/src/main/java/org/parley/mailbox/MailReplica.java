package org.parley.mailbox;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;
import org.parley.identity.PeerId;
import org.parley.link.Neighbours;
import org.parley.messaging.Envelope;
import org.parley.messaging.EnvelopeException;
import org.parley.messaging.Rejection;
import org.parley.overlay.record.PeerRecord;
import org.parley.proto.wire.v1.MailBatch;
import org.parley.proto.wire.v1.MailboxFrame;
import org.parley.proto.wire.v1.SignedMailRequest;
import org.parley.proto.wire.v1.StoreAnswer;
import org.parley.proto.wire.v1.StoreAnswer.Outcome;
import org.parley.runtime.Clock;
import org.parley.runtime.Scheduler;

/**
 * The replica's part: holds verified envelopes for recipients who are away, within its limits;
 * hands a recipient its mail when the recipient asks on its own link with a fresh signed request;
 * deletes on the recipient's signed word; and, every repair interval, offers each envelope to the
 * recipient's closest peers that have not confirmed holding it, so k copies outlive churn. Which
 * peers are closest is looked up in the network now and then: a replica far from the recipient's
 * key (one a repair reached once the closest had left) knows few of them, and copies kept only
 * among such replicas drift where the returning recipient does not ask. Confined to the node's loop.
 */
final class MailReplica {
    private static final Logger LOG = Logger.getLogger(MailReplica.class.getName());
    /** Recipients whose last request times are remembered (for refusing replays). */
    private static final int REMEMBERED_RECIPIENTS = 4096;
    /** Store requests one repair round sends at most. */
    private static final int REPAIRS_PER_ROUND = 1024;
    /** Lookups of recipients' closest peers running at once, at most. */
    private static final int LOOKUPS_PER_ROUND = 8;
    /** How long a lookup's answer stands before a recipient's closest peers are looked up again. */
    private static final long LOOKUP_STANDS_MILLIS = 5 * 60 * 1000;

    /** A recipient's closest peers as a lookup found them, and when. */
    private record LookedUp(List<PeerRecord> closest, long atMillis) {
    }

    private final PeerId self;
    private final Neighbours links;
    private final MailCourier courier;
    private final ReplicaFinder finder;
    private final MailJournal journal;
    private final Scheduler scheduler;
    private final Clock clock;
    private final MailboxConfig config;
    private final HeldMail held;
    /** Per held envelope: peers that said they hold it too. */
    private final Map<ByteString, Set<PeerId>> holders = new HashMap<>();
    private final Map<Long, ByteString> repairs = new HashMap<>();
    private final Map<PeerId, LookedUp> lookedUp = new HashMap<>();
    private final Set<PeerId> lookingUp = new HashSet<>();
    private final Map<MailRequest, Map<PeerId, Long>> lastIssued = new HashMap<>();
    private Scheduler.Cancellable repairTimer;
    private boolean stopped;

    MailReplica(PeerId self, Neighbours links, MailCourier courier, ReplicaFinder finder, MailJournal journal,
                Scheduler scheduler, Clock clock, MailboxConfig config, List<HeldMail.Held> restored) {
        this.self = self;
        this.links = links;
        this.courier = courier;
        this.finder = finder;
        this.journal = journal;
        this.scheduler = scheduler;
        this.clock = clock;
        this.config = config;
        this.held = new HeldMail(config);
        restored.forEach(held::restore);
        for (MailRequest kind : MailRequest.values()) {
            lastIssued.put(kind, new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<PeerId, Long> eldest) {
                    return size() > REMEMBERED_RECIPIENTS;
                }
            });
        }
    }

    void start() {
        scheduleRepair();
    }

    void stop() {
        stopped = true;
        if (repairTimer != null) {
            repairTimer.cancel();
        }
    }

    /** Bytes this node holds for others. */
    long bytesHeld() {
        return held.totalBytes();
    }

    List<ByteString> heldIds() {
        return held.all().stream().map(HeldMail.Held::id).toList();
    }

    int envelopesHeld() {
        return held.all().size();
    }

    // ---------------------------------------------------------------- requests

    void store(PeerId from, long requestId, org.parley.proto.wire.v1.WireEnvelope proto) {
        long now = clock.nowMillis();
        Envelope envelope;
        try {
            envelope = Envelope.verify(proto, now);
        } catch (EnvelopeException e) {
            if (e.rejection() == Rejection.EXPIRED) {
                answer(from, requestId, ByteString.EMPTY, Outcome.EXPIRED);
            } else {
                links.penalize(from, e.rejection().penalty(), "mailbox store: " + e.getMessage());
                answer(from, requestId, ByteString.EMPTY, Outcome.INVALID);
            }
            return;
        }
        ByteString id = ByteString.copyFrom(envelope.id());
        if (envelope.recipient().equals(self)) {
            // Our own mail: it arrives by pickup or directly, never by being held for ourselves.
            answer(from, requestId, id, Outcome.INVALID);
            return;
        }
        List<HeldMail.Held> taken = new ArrayList<>();
        List<HeldMail.Held> evicted = new ArrayList<>();
        Outcome outcome = held.offer(id, envelope.sender(), envelope.recipient(), envelope.expiresAtMillis(), proto,
                now, taken, evicted);
        if (outcome == Outcome.STORED) {
            holders.computeIfAbsent(id, key -> new HashSet<>()).add(from);
        }
        if (!evicted.isEmpty()) {
            // Made room for a sender with a smaller share of the recipient's mail. Their senders
            // still retry directly and keep the copies other replicas hold.
            evicted.forEach(gone -> holders.remove(gone.id()));
            journal.dropped(evicted);
        }
        if (taken.isEmpty()) {
            answer(from, requestId, id, outcome);
            return;
        }
        journal.held(taken).whenCompleteAsync((ignored, error) -> {
            if (error == null) {
                answer(from, requestId, id, Outcome.STORED);
            } else {
                // Not on disk: not held. The sender asks others, or again.
                held.unhold(id);
                holders.remove(id);
            }
        }, scheduler);
    }

    void fetch(PeerId from, long requestId, SignedMailRequest request) {
        PeerId recipient;
        try {
            recipient = checked(MailRequest.FETCH, from, request);
        } catch (MailboxException e) {
            refuse(from, e);
            return;
        }
        List<HeldMail.Held> batch = held.forRecipient(recipient, config.batchBytes());
        MailBatch.Builder mail = MailBatch.newBuilder();
        long bytes = 0;
        for (HeldMail.Held one : batch) {
            mail.addEnvelopes(one.envelope());
            bytes += one.size();
        }
        mail.setMore(held.bytesFor(recipient) > bytes);
        courier.sendLinked(from, MailboxFrame.newBuilder().setRequestId(requestId).setMail(mail).build());
    }

    void delete(PeerId from, SignedMailRequest request) {
        PeerId recipient;
        try {
            recipient = checked(MailRequest.DELETE, from, request);
        } catch (MailboxException e) {
            refuse(from, e);
            return;
        }
        List<HeldMail.Held> removed = held.delete(recipient, request.getEnvelopeIdsList());
        if (!removed.isEmpty()) {
            removed.forEach(gone -> holders.remove(gone.id()));
            journal.dropped(removed);
        }
    }

    /** A peer's answer to one of our repair offers; false when it answers none of them. */
    boolean repairAnswered(PeerId from, long requestId, StoreAnswer answer) {
        ByteString id = repairs.remove(requestId);
        if (id == null) {
            return false;
        }
        Set<PeerId> known = holders.get(id);
        if (known != null && answer.getOutcome() == Outcome.STORED) {
            known.add(from);
        }
        return true;
    }

    /** Only the recipient, on its own link, with a fresh request it signed, may touch its mail. */
    private PeerId checked(MailRequest kind, PeerId from, SignedMailRequest request) throws MailboxException {
        PeerId recipient = kind.verify(request, clock.nowMillis());
        if (!recipient.equals(from)) {
            throw new MailboxException(MailboxException.Reason.NOT_YOURS, from.shortForm() + " asked for the mail of "
                    + recipient.shortForm());
        }
        Map<PeerId, Long> last = lastIssued.get(kind);
        Long previous = last.get(recipient);
        if (previous != null && request.getIssuedAtMs() <= previous) {
            throw new MailboxException(MailboxException.Reason.REPLAYED, "request not newer than the last");
        }
        last.put(recipient, request.getIssuedAtMs());
        return recipient;
    }

    private void refuse(PeerId from, MailboxException e) {
        LOG.fine(() -> "refused a mailbox request of " + from.shortForm() + ": " + e.getMessage());
        links.penalize(from, e.reason().penalty, "mailbox: " + e.getMessage());
    }

    private void answer(PeerId to, long requestId, ByteString id, Outcome outcome) {
        courier.sendLinked(to, MailboxFrame.newBuilder().setRequestId(requestId)
                .setStored(StoreAnswer.newBuilder().setEnvelopeId(id).setOutcome(outcome)).build());
    }

    // ---------------------------------------------------------------- upkeep

    private void scheduleRepair() {
        if (stopped) {
            return;
        }
        repairTimer = scheduler.schedule(config.repairInterval(), () -> {
            expire();
            repair();
            scheduleRepair();
        });
    }

    private void expire() {
        List<HeldMail.Held> expired = held.expire(clock.nowMillis());
        if (!expired.isEmpty()) {
            expired.forEach(gone -> holders.remove(gone.id()));
            journal.dropped(expired);
        }
    }

    private void repair() {
        repairs.clear(); // answers to the last round that have not come by now will not come
        long now = clock.nowMillis();
        lookedUp.values().removeIf(found -> now - found.atMillis() >= LOOKUP_STANDS_MILLIS);
        int sent = 0;
        Map<PeerId, List<PeerRecord>> closest = new HashMap<>();
        for (HeldMail.Held one : held.all()) {
            List<PeerRecord> responsible = closest.computeIfAbsent(one.recipient(), this::responsibleFor);
            Set<PeerId> known = holders.computeIfAbsent(one.id(), key -> new HashSet<>());
            for (PeerRecord record : responsible) {
                if (sent >= REPAIRS_PER_ROUND) {
                    return;
                }
                if (record.peer().equals(self) || known.contains(record.peer())) {
                    continue;
                }
                long requestId = courier.nextRequestId();
                repairs.put(requestId, one.id());
                courier.send(record, MailboxFrame.newBuilder().setRequestId(requestId).setStore(one.envelope()).build());
                sent++;
            }
        }
    }

    /**
     * The recipient's closest peers: as the last lookup found them while that stands, else as we
     * know them, starting a lookup (a few at once) for the rounds to come.
     */
    private List<PeerRecord> responsibleFor(PeerId recipient) {
        LookedUp found = lookedUp.get(recipient);
        if (found != null) {
            return found.closest();
        }
        if (!lookingUp.contains(recipient) && lookingUp.size() < LOOKUPS_PER_ROUND) {
            lookingUp.add(recipient);
            finder.lookUpClosest(recipient, config.replicas()).whenComplete((closest, error) -> {
                lookingUp.remove(recipient);
                if (error == null && !stopped) {
                    lookedUp.put(recipient, new LookedUp(closest, clock.nowMillis()));
                }
            });
        }
        return finder.closest(recipient, config.replicas());
    }
}
