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
import org.parley.link.Misbehaviour;
import org.parley.link.Neighbours;
import org.parley.messaging.EnvelopeException;
import org.parley.messaging.SealedEnvelope;
import org.parley.messaging.Stamp;
import org.parley.overlay.dht.DhtKey;
import org.parley.overlay.record.PeerRecord;
import org.parley.proto.wire.v1.MailBatch;
import org.parley.proto.wire.v1.MailboxFrame;
import org.parley.proto.wire.v1.SignedMailRequest;
import org.parley.proto.wire.v1.StoreAnswer;
import org.parley.proto.wire.v1.WireEnvelope;
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
 * among such replicas drift where the returning recipient does not ask. For the same reason a
 * replica that the lookup shows is not among the k closest lets its copy go once all k have
 * confirmed holding it (a handoff): the recipient asks only the peers closest to its
 * place, so a copy held farther away would never be deleted. Confined to the node's loop.
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
    private final HeldItems<PeerId, WireEnvelope> held;
    private final ReplicaCopies copies = new ReplicaCopies();
    private final Map<PeerId, LookedUp> lookedUp = new HashMap<>();
    private final Set<PeerId> lookingUp = new HashSet<>();
    private final Map<MailRequest, Map<PeerId, Long>> lastIssued = new HashMap<>();
    private Scheduler.Cancellable repairTimer;
    private boolean stopped;
    private int stampBits = Stamp.DEFAULT_BITS;
    /** Whether a pair address is one of ours (our contacts write to us there), and where our mail goes. */
    private java.util.function.Predicate<PeerId> ownPlaces = place -> false;
    private MailSink ownMail = (from, envelope) -> java.util.concurrent.CompletableFuture.completedFuture(null);
    /** Whether we hold a peer's mail as its relay contact, and whether we do for anyone. */
    private java.util.function.Predicate<PeerId> relaysFor = peer -> false;
    private java.util.function.BooleanSupplier relaysForAnyone = () -> false;

    MailReplica(PeerId self, Neighbours links, MailCourier courier, ReplicaFinder finder, MailJournal journal,
                Scheduler scheduler, Clock clock, MailboxConfig config, List<HeldItem<PeerId, WireEnvelope>> restored) {
        this.self = self;
        this.links = links;
        this.courier = courier;
        this.finder = finder;
        this.journal = journal;
        this.scheduler = scheduler;
        this.clock = clock;
        this.config = config;
        this.held = heldMail(config);
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

    /** How to tell mail deposited at one of our own pair addresses, and where it goes. */
    void takeOwnMailWith(java.util.function.Predicate<PeerId> ownPlaces, MailSink sink) {
        this.ownPlaces = ownPlaces;
        this.ownMail = sink;
    }

    /**
     * Which places we hold mail at as a relay contact, kept wherever we sit: a recipient asks its
     * relays for every place of its own. Placed mail names no recipient, so a relay keeps all it holds.
     */
    void keepAsRelay(java.util.function.Predicate<PeerId> relaysFor, java.util.function.BooleanSupplier relaysForAnyone) {
        this.relaysFor = relaysFor;
        this.relaysForAnyone = relaysForAnyone;
    }

    /** The proof of work a deposit must carry, in bits. */
    int stampBits() {
        return stampBits;
    }

    /** The proof of work a deposit must carry. */
    void requireStampBits(int bits) {
        stampBits = Stamp.checkedBits(bits);
    }

    /**
     * The store of envelopes held for recipients (keys) from senders (contributors): a recipient's
     * share is divided fairly among its senders, so one stranger cannot fill it and keep a contact
     * out. A sealed envelope's sender is hidden: it counts against its pair's mailbox address for
     * the epoch, of which a sender has one per recipient and epoch, each costing a stamp to make.
     */
    static HeldItems<PeerId, WireEnvelope> heldMail(MailboxConfig config) {
        return new HeldItems<>(new HeldItems.Limits(config.perRecipientBytes(), Integer.MAX_VALUE,
                config.perSenderBytes(), config.totalBytes(), HeldItems.WhenFull.SHARE_FAIRLY));
    }

    /** An envelope is held until it expires or for the hold time, whichever ends first. */
    static long holdUntil(MailboxConfig config, long envelopeExpiresAt, long nowMillis) {
        return Math.min(envelopeExpiresAt, nowMillis + config.holdFor().toMillis());
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
        return held.all().stream().map(HeldItem::id).toList();
    }

    List<WireEnvelope> heldEnvelopes() {
        return held.all().stream().map(HeldItem::payload).toList();
    }

    int envelopesHeld() {
        return held.all().size();
    }

    int envelopesHeldFor(PeerId recipient) {
        return held.countFor(recipient);
    }

    // ---------------------------------------------------------------- requests

    void store(PeerId from, long requestId, WireEnvelope proto) {
        long now = clock.nowMillis();
        SealedEnvelope.Outer envelope;
        try {
            // New deposits must be sealed: a version 1 envelope names its sender to every replica.
            envelope = SealedEnvelope.outer(proto, now, stampBits, false);
        } catch (EnvelopeException e) {
            if (e.rejection() == Misbehaviour.EXPIRED) {
                answer(from, requestId, ByteString.EMPTY, Outcome.EXPIRED);
            } else if (e.rejection() == Misbehaviour.UNSUPPORTED_VERSION) {
                // A peer that does not seal yet: refused, not scored (decision 0039).
                answer(from, requestId, ByteString.EMPTY, Outcome.INVALID);
            } else {
                links.penalize(from, e.rejection(), "mailbox store: " + e.getMessage());
                answer(from, requestId, ByteString.EMPTY, Outcome.INVALID);
            }
            return;
        }
        ByteString id = ByteString.copyFrom(envelope.id());
        if (self.equals(envelope.recipient())) {
            // Our own mail: it arrives by pickup or directly, never by being held for ourselves.
            answer(from, requestId, id, Outcome.INVALID);
            return;
        }
        if (envelope.placed() && ownPlaces.test(envelope.place())) {
            // Ours, at one of our pair addresses: taken in as picked up, and answered as held, so
            // that neither the depositor nor a repairing replica learns whose address it is.
            ownMail.take(from, proto);
            answer(from, requestId, id, Outcome.STORED);
            return;
        }
        List<HeldItem<PeerId, WireEnvelope>> taken = new ArrayList<>();
        List<HeldItem<PeerId, WireEnvelope>> evicted = new ArrayList<>();
        Outcome outcome = held.offer(id, envelope.place(), envelope.contributor(),
                holdUntil(config, envelope.expiresAtMillis(), now), proto,
                proto.getSerializedSize(), now, taken, evicted);
        if (outcome == Outcome.STORED) {
            copies.heldBy(id, from);
        }
        if (!evicted.isEmpty()) {
            // Made room for a sender with a smaller share of the recipient's mail. Their senders
            // still retry directly and keep the copies other replicas hold.
            evicted.forEach(gone -> copies.forget(gone.id()));
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
                copies.forget(id);
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
        HeldItems.Page<PeerId, WireEnvelope> batch = held.first(recipient, config.batchBytes());
        MailBatch.Builder mail = MailBatch.newBuilder();
        batch.items().forEach(one -> mail.addEnvelopes(one.payload()));
        mail.setMore(batch.more());
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
        List<HeldItem<PeerId, WireEnvelope>> removed = held.delete(recipient, request.getEnvelopeIdsList());
        if (!removed.isEmpty()) {
            removed.forEach(gone -> copies.forget(gone.id()));
            journal.dropped(removed);
        }
    }

    /**
     * Hands what we hold at our own pair addresses (deposited before we knew them as ours: a
     * contact added since the last round) to our own mail, once committed, and lets it go.
     */
    void handOverOwn(java.util.Collection<PeerId> places) {
        for (PeerId place : places) {
            List<HeldItem<PeerId, WireEnvelope>> items = held.first(place, Long.MAX_VALUE).items();
            if (items.isEmpty()) {
                continue;
            }
            List<ByteString> ids = items.stream().map(HeldItem::id).toList();
            java.util.concurrent.CompletableFuture.allOf(items.stream()
                            .map(item -> ownMail.take(self, item.payload()))
                            .toArray(java.util.concurrent.CompletableFuture[]::new))
                    .whenCompleteAsync((ignored, error) -> {
                        if (error == null) {
                            List<HeldItem<PeerId, WireEnvelope>> removed = held.delete(place, ids);
                            removed.forEach(gone -> copies.forget(gone.id()));
                            journal.dropped(removed);
                        }
                    }, scheduler);
        }
    }

    /** A peer's answer to one of our repair offers; false when it answers none of them. */
    boolean repairAnswered(PeerId from, long requestId, StoreAnswer answer) {
        return copies.answered(from, requestId, answer);
    }

    /**
     * Only the recipient, on its own link, with a fresh request it signed, may touch its mail; the
     * mail at a pair address, only one of the pair, with a fresh request the pair key signed
     * naming the link it came on (either way, nobody can replay what another peer sent).
     */
    private PeerId checked(MailRequest kind, PeerId from, SignedMailRequest request) throws MailboxException {
        PeerId recipient = kind.verify(request, from, clock.nowMillis());
        Map<PeerId, Long> last = lastIssued.get(kind);
        Long previous = last.get(recipient);
        if (previous != null && request.getIssuedAtMs() <= previous) {
            throw new MailboxException(Misbehaviour.REPLAYED_REQUEST, "request not newer than the last");
        }
        last.put(recipient, request.getIssuedAtMs());
        return recipient;
    }

    private void refuse(PeerId from, MailboxException e) {
        LOG.fine(() -> "refused a mailbox request of " + from.shortForm() + ": " + e.getMessage());
        links.penalize(from, e.reason(), "mailbox: " + e.getMessage());
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
        List<HeldItem<PeerId, WireEnvelope>> expired = held.expire(clock.nowMillis());
        if (!expired.isEmpty()) {
            expired.forEach(gone -> copies.forget(gone.id()));
            journal.dropped(expired);
        }
    }

    private void repair() {
        copies.newRound();
        long now = clock.nowMillis();
        lookedUp.values().removeIf(found -> now - found.atMillis() >= LOOKUP_STANDS_MILLIS);
        int sent = 0;
        Map<PeerId, List<PeerRecord>> closest = new HashMap<>();
        List<HeldItem<PeerId, WireEnvelope>> handedOff = new ArrayList<>();
        for (HeldItem<PeerId, WireEnvelope> one : held.all()) {
            List<PeerRecord> responsible = closest.computeIfAbsent(one.key(), this::responsibleFor);
            Set<PeerId> known = copies.holdersOf(one.id());
            if (handedOff(one, responsible, known)) {
                handedOff.add(one);
                continue;
            }
            for (PeerRecord record : responsible) {
                if (sent >= REPAIRS_PER_ROUND) {
                    break;
                }
                if (record.peer().equals(self) || known.contains(record.peer())) {
                    continue;
                }
                long requestId = courier.nextRequestId();
                copies.offered(requestId, one.id());
                courier.send(record, MailboxFrame.newBuilder().setRequestId(requestId).setStore(one.payload()).build());
                sent++;
            }
        }
        if (!handedOff.isEmpty()) {
            handedOff.forEach(gone -> {
                held.unhold(gone.id());
                copies.forget(gone.id());
            });
            journal.dropped(handedOff);
        }
    }

    /**
     * Whether our copy can go: a lookup that stands shows k peers closer to its place than we are,
     * and each has confirmed holding it (or, the recipient, taking it in). Not what we
     * hold as a relay contact: that copy is there for when the closest are gone. Not dropped as
     * deleted either, so an offer of it later is held again.
     */
    private boolean handedOff(HeldItem<PeerId, WireEnvelope> one, List<PeerRecord> responsible, Set<PeerId> known) {
        if (!lookedUp.containsKey(one.key()) || responsible.size() < config.replicas()
                || relaysFor.test(one.key())
                || (one.payload().getVersion() == SealedEnvelope.PLACED_VERSION && relaysForAnyone.getAsBoolean())) {
            return false;
        }
        // The closest as we know them never include us: we are among them if one of them is farther.
        java.util.Comparator<DhtKey> byDistance = DhtKey.ofPeer(one.key()).byDistance();
        DhtKey own = DhtKey.ofPeer(self);
        return responsible.stream().map(PeerRecord::peer).allMatch(peer -> known.contains(peer)
                && byDistance.compare(DhtKey.ofPeer(peer), own) < 0);
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
