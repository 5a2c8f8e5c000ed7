package org.parley.mailbox;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongFunction;
import org.parley.crypto.Ed25519;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.link.Misbehaviour;
import org.parley.link.Neighbours;
import org.parley.messaging.EnvelopeException;
import org.parley.messaging.PairAddresses;
import org.parley.messaging.SealedEnvelope;
import org.parley.overlay.record.PeerRecord;
import org.parley.proto.wire.v1.MailBatch;
import org.parley.proto.wire.v1.MailboxFrame;
import org.parley.proto.wire.v1.SignedMailRequest;
import org.parley.runtime.Clock;
import org.parley.runtime.Scheduler;

/**
 * The recipient's part: at each of the {@link PickupRounds}, and whenever a link comes up to one
 * of them, asks the peers closest to each of our places (2k of them, since the sender's view of
 * who is closest may differ from ours; those our table knows and those a lookup in the network
 * finds, {@link PlaceLookups}) and the relay contacts our record names for our mail with
 * a signed request; hands what comes to the {@link MailSink} in the order the replica held it;
 * once all of it is committed, tells the replica to delete it, and asks again while the replica
 * says more waits. Our places (decision 0047): our own key, where first contacts write, signed
 * for with our identity; and the pair address of each contact for this epoch and the last (for
 * every epoch the hold time covers at the first round after start, when we may have been away),
 * signed for with its pair key. Confined to the loop.
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
    /** One place asked of one replica: {@code pairKey} signs for it, or our identity when null. */
    private record Asked(PeerId replica, PeerId place, Ed25519.SigningKey pairKey) {
    }

    /** One place of ours, and what signs for it (null: our identity). */
    private record Place(PeerId place, Ed25519.SigningKey pairKey) {
    }

    private final Map<Long, Asked> pending = new HashMap<>();
    private final Map<Asked, Long> lastFetched = new HashMap<>();
    /** Our contacts' pair addresses to us in an epoch; none until the messenger is wired. */
    private LongFunction<List<PairAddresses.PairKey>> pairsIn = epoch -> List.of();
    /** Told our pair addresses each round: our own replica may hold mail at them. */
    private java.util.function.Consumer<Set<PeerId>> ownPlacesKnown = places -> { };
    /** The pair addresses of the last round, to tell our own mail when it is deposited with us. */
    private Set<PeerId> ownPlaces = Set.of();
    /** The places of the last round, with what signs for each: where looked-up replicas are asked for. */
    private Map<PeerId, Place> roundPlaces = Map.of();
    private boolean caughtUp;
    private long lastIssuedMillis;
    private final PickupRounds rounds;
    private final PlaceLookups lookups;

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
        this.lookups = new PlaceLookups(finder, clock, 2 * config.replicas(), config.replicas(), this::lookedUp);
    }

    /** Where our contacts' mail to us waits, per epoch; call before {@link #start()}. */
    void pickUpPairsWith(LongFunction<List<PairAddresses.PairKey>> pairs,
                         java.util.function.Consumer<Set<PeerId>> ownPlacesKnown) {
        this.pairsIn = pairs;
        this.ownPlacesKnown = ownPlacesKnown;
    }

    /** Whether {@code place} is one of our pair addresses of this round. */
    boolean isOwnPlace(PeerId place) {
        return ownPlaces.contains(place);
    }

    void start() {
        rounds.start();
    }

    void stop() {
        rounds.stop();
        lookups.stop();
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
            for (Place place : places(false)) {
                for (PeerRecord record : replicasOf(place.place())) {
                    if (record.peer().equals(peer)) {
                        fetch(record, place, false);
                    }
                }
            }
        });
    }

    private void pickupRound() {
        lastFetched.clear();
        pending.clear(); // answers to the last round that have not come by now will not come
        List<Place> places = places(!caughtUp);
        caughtUp = true;
        ownPlaces = places.stream().filter(place -> place.pairKey() != null).map(Place::place)
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
        ownPlacesKnown.accept(ownPlaces);
        roundPlaces = new HashMap<>();
        for (Place place : places) {
            roundPlaces.put(place.place(), place);
            replicasOf(place.place()).forEach(record -> fetch(record, place, true));
        }
        lookups.refresh(places.stream().map(Place::place).toList());
    }

    /**
     * A lookup of one of our places found its closest peers: ask those not asked this round
     * (with the key that signs for the place, if it is still ours).
     */
    private void lookedUp(PeerId place, List<PeerRecord> closest) {
        Place ours = roundPlaces.get(place);
        if (ours != null) {
            closest.forEach(record -> fetch(record, ours, true));
        }
    }

    /**
     * Our key, and our contacts' pair addresses to us in this epoch and the last, or (catching up)
     * in every epoch whose mail replicas may still hold.
     */
    private List<Place> places(boolean catchingUp) {
        List<Place> places = new ArrayList<>();
        places.add(new Place(self.peerId(), null));
        long now = PairAddresses.epochOf(clock.nowMillis());
        long epochs = catchingUp ? config.holdFor().toMillis() / PairAddresses.EPOCH_MILLIS + 1 : 1;
        for (long epoch = now; epoch >= now - epochs; epoch--) {
            for (PairAddresses.PairKey pair : pairsIn.apply(epoch)) {
                places.add(new Place(PeerId.fromPublicKey(pair.address()), pair.signingKey()));
            }
        }
        return places;
    }

    private void fetch(PeerRecord replica, Place place, boolean dial) {
        long now = clock.nowMillis();
        Asked asked = new Asked(replica.peer(), place.place(), place.pairKey());
        Long last = lastFetched.get(asked);
        if (rounds.stopped() || (last != null && now - last < REFETCH_AFTER_MILLIS)) {
            return;
        }
        lastFetched.put(asked, now);
        long requestId = courier.nextRequestId();
        pending.put(requestId, asked);
        MailboxFrame frame = MailboxFrame.newBuilder().setRequestId(requestId)
                .setFetch(sign(MailRequest.FETCH, asked, List.of())).build();
        if (dial) {
            courier.send(replica, frame);
        } else {
            courier.sendLinked(replica.peer(), frame);
        }
    }

    private SignedMailRequest sign(MailRequest kind, Asked asked, List<ByteString> ids) {
        return asked.pairKey() == null
                ? kind.sign(self, nextIssuedAt(), ids)
                : kind.signForPlace(asked.place().publicKey(), asked.pairKey(), self.peerId(), nextIssuedAt(), ids);
    }

    /** Mail from a replica we asked: take it in, then have the replica delete what was taken. */
    void received(PeerId from, long requestId, MailBatch batch) {
        Asked asked = pending.get(requestId);
        if (asked == null || !from.equals(asked.replica())) {
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
            if (!envelope.place().equals(asked.place())) {
                links.penalize(from, Misbehaviour.NOT_FOR_US, "mailbox handed over mail of another place");
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
                courier.sendLinked(from, MailboxFrame.newBuilder().setDelete(sign(MailRequest.DELETE, asked, ids))
                        .build());
            }
            if (batch.getMore()) {
                lastFetched.remove(asked);
                replicasOf(asked.place()).stream()
                        .filter(record -> record.peer().equals(from)).findFirst()
                        .ifPresent(record -> fetch(record, new Place(asked.place(), asked.pairKey()), false));
            }
        }, scheduler);
    }

    /**
     * Where the mail of one of our places may wait: the 2k peers closest to it as we know them and
     * as a lookup in the network found them, and the relays our record names.
     */
    private List<PeerRecord> replicasOf(PeerId place) {
        List<PeerRecord> known = RelayContacts.withRelays(finder.closest(place, 2 * config.replicas()),
                lookups.closest(place));
        return RelayContacts.withRelays(known, finder.relaysOf(self.peerId()));
    }

    /** Strictly rising request times, so replicas can refuse replays. */
    private long nextIssuedAt() {
        lastIssuedMillis = Math.max(clock.nowMillis(), lastIssuedMillis + 1);
        return lastIssuedMillis;
    }
}
