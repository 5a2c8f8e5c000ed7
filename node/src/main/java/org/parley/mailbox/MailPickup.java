package org.parley.mailbox;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.link.Misbehaviour;
import org.parley.link.Neighbours;
import org.parley.messaging.EnvelopeException;
import org.parley.messaging.SealedEnvelope;
import org.parley.overlay.record.PeerRecord;
import org.parley.proto.wire.v1.MailBatch;
import org.parley.proto.wire.v1.MailboxFrame;
import org.parley.runtime.Clock;
import org.parley.runtime.Scheduler;

/**
 * The recipient's part: at each of the {@link PickupRounds}, and whenever a link comes up to one
 * of them, asks the peers closest to our key (2k of them, since the sender's view of who is
 * closest may differ from ours) and the relay contacts our record names for our mail with a
 * signed request; hands what comes to the {@link MailSink} in the order the replica held it;
 * once all of it is committed, tells the replica to delete it, and asks again while the replica
 * says more waits. Confined to the loop.
 */
final class MailPickup {
    /** The least time between two fetches from one peer when links come and go. */
    private static final long REFETCH_AFTER_MILLIS = 5_000;
    /** Time for a new neighbour's record to arrive after its link is up. */
    private static final java.time.Duration RECORD_GRACE = java.time.Duration.ofSeconds(2);

    private final Identity self;
    private final Neighbours links;
    private final MailCourier courier;
    private final ReplicaFinder finder;
    private final MailSink sink;
    private final Scheduler scheduler;
    private final Clock clock;
    private final MailboxConfig config;
    private final Map<Long, PeerId> pending = new HashMap<>();
    private final Map<PeerId, Long> lastFetched = new HashMap<>();
    private long lastIssuedMillis;
    private final PickupRounds rounds;

    MailPickup(Identity self, Neighbours links, MailCourier courier, ReplicaFinder finder, MailSink sink,
               Scheduler scheduler, Clock clock, MailboxConfig config) {
        this.self = self;
        this.links = links;
        this.courier = courier;
        this.finder = finder;
        this.sink = sink;
        this.scheduler = scheduler;
        this.clock = clock;
        this.config = config;
        this.rounds = new PickupRounds(scheduler, config, this::pickupRound);
    }

    void start() {
        rounds.start();
    }

    void stop() {
        rounds.stop();
    }

    /**
     * A link came up: if the peer is one of our replicas, ask it soon — once its record, which
     * follows the link's first frames, tells us where it sits.
     */
    void peerConnected(PeerId peer) {
        scheduler.schedule(RECORD_GRACE, () -> {
            if (!links.isConnected(peer)) {
                return;
            }
            for (PeerRecord record : ourReplicas()) {
                if (record.peer().equals(peer)) {
                    fetch(record, false);
                }
            }
        });
    }

    private void pickupRound() {
        lastFetched.clear();
        pending.clear(); // answers to the last round that have not come by now will not come
        ourReplicas().forEach(record -> fetch(record, true));
    }

    private void fetch(PeerRecord replica, boolean dial) {
        long now = clock.nowMillis();
        Long last = lastFetched.get(replica.peer());
        if (rounds.stopped() || (last != null && now - last < REFETCH_AFTER_MILLIS)) {
            return;
        }
        lastFetched.put(replica.peer(), now);
        long requestId = courier.nextRequestId();
        pending.put(requestId, replica.peer());
        MailboxFrame frame = MailboxFrame.newBuilder().setRequestId(requestId)
                .setFetch(MailRequest.FETCH.sign(self, nextIssuedAt(), List.of())).build();
        if (dial) {
            courier.send(replica, frame);
        } else {
            courier.sendLinked(replica.peer(), frame);
        }
    }

    /** Mail from a replica we asked: take it in, then have the replica delete what was taken. */
    void received(PeerId from, long requestId, MailBatch batch) {
        if (!from.equals(pending.get(requestId))) {
            return; // an answer to nothing we asked of this peer, or a late one: nothing to do
        }
        pending.remove(requestId);
        long now = clock.nowMillis();
        List<ByteString> taken = new ArrayList<>();
        List<org.parley.proto.wire.v1.WireEnvelope> valid = new ArrayList<>();
        // All of it is checked before any of it is taken in: a replica that hands over one forged
        // envelope is not trusted with the rest of the batch.
        for (org.parley.proto.wire.v1.WireEnvelope proto : batch.getEnvelopesList()) {
            SealedEnvelope.Outer envelope;
            try {
                // What the replica could check itself; opening is the messenger's (and a bad box
                // is the sender's doing, not the replica's). Version 1 mail it held from before.
                envelope = SealedEnvelope.outer(proto, now, 0, true);
            } catch (EnvelopeException e) {
                if (e.rejection() == Misbehaviour.EXPIRED) {
                    continue;
                }
                links.penalize(from, e.rejection(), "mailbox handed over " + e.getMessage());
                return;
            }
            if (!envelope.recipient().equals(self.peerId())) {
                links.penalize(from, Misbehaviour.NOT_FOR_US, "mailbox handed over another peer's mail");
                return;
            }
            taken.add(ByteString.copyFrom(envelope.id()));
            valid.add(proto);
        }
        List<CompletableFuture<Void>> committed = valid.stream().map(proto -> sink.take(from, proto)).toList();
        CompletableFuture.allOf(committed.toArray(CompletableFuture[]::new)).whenCompleteAsync((ignored, error) -> {
            if (error != null || rounds.stopped()) {
                return; // not all committed: the replica keeps the mail, and we ask again later
            }
            for (int start = 0; start < taken.size(); start += MailRequest.MAX_IDS) {
                List<ByteString> ids = taken.subList(start, Math.min(taken.size(), start + MailRequest.MAX_IDS));
                courier.sendLinked(from, MailboxFrame.newBuilder()
                        .setDelete(MailRequest.DELETE.sign(self, nextIssuedAt(), ids)).build());
            }
            if (batch.getMore()) {
                lastFetched.remove(from);
                ourReplicas().stream()
                        .filter(record -> record.peer().equals(from)).findFirst()
                        .ifPresent(record -> fetch(record, false));
            }
        }, scheduler);
    }

    /** Where our mail may wait: the 2k peers closest to our key, and the relays our record names. */
    private List<PeerRecord> ourReplicas() {
        return RelayContacts.withRelays(finder.closest(self.peerId(), 2 * config.replicas()),
                finder.relaysOf(self.peerId()));
    }

    /** Strictly rising request times, so replicas can refuse replays. */
    private long nextIssuedAt() {
        lastIssuedMillis = Math.max(clock.nowMillis(), lastIssuedMillis + 1);
        return lastIssuedMillis;
    }
}
