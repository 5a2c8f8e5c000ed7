package org.parley.mailbox;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.parley.crypto.Ed25519;
import org.parley.identity.Identity;
import org.parley.link.EmbeddedLinks;
import org.parley.messaging.PairAddresses;
import org.parley.messaging.PrekeyBundles;
import org.parley.messaging.RelayItem;
import org.parley.overlay.record.PeerRecord;
import org.parley.proto.wire.v1.Frame;
import org.parley.runtime.VirtualScheduler;

/**
 * What picking up placed mail costs a recipient (decision 0047): per round, one signed request to
 * each of the 2k peers closest to each place: our key, and each correspondent's pair address to
 * us for this epoch and the last; at the first round after start, for every epoch of the hold
 * time. Counted at the frames the mailbox sends, for 0 and 10 correspondents (docs/PERFORMANCE.md).
 */
class PickupCostTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final MailboxConfig CONFIG = MailboxConfig.defaults();

    @Test
    void eachRoundAsksEveryReplicaOfOurKeyAndOfEachCorrespondentsAddressesOnce() {
        for (int correspondents : new int[] {0, 10}) {
            long[] firstAndSteady = requestsAndBytes(correspondents);
            int replicas = 2 * CONFIG.replicas();
            long heldEpochs = CONFIG.holdFor().toMillis() / PairAddresses.EPOCH_MILLIS + 2;
            assertEquals(replicas * (1 + heldEpochs * correspondents), firstAndSteady[0], "the first round");
            assertEquals(replicas * (1 + 2L * correspondents), firstAndSteady[2], "a later round");
            System.out.printf("pickup cost, %d correspondents, %d replicas a place: first round %d requests"
                    + " (%d bytes), later rounds %d requests (%d bytes)%n", correspondents, replicas,
                    firstAndSteady[0], firstAndSteady[1], firstAndSteady[2], firstAndSteady[3]);
        }
    }

    /** The first round's requests and bytes, then a later round's. */
    private static long[] requestsAndBytes(int correspondents) {
        VirtualScheduler loop = new VirtualScheduler(1_767_225_600_000L);
        EmbeddedLinks links = new EmbeddedLinks();
        List<PeerRecord> replicas = new ArrayList<>();
        for (int i = 0; i < 2 * CONFIG.replicas(); i++) {
            Identity replica = Identity.generate("replica" + i, RANDOM);
            replicas.add(PeerRecord.create(replica, List.of("10.0.0." + (i + 1) + ":7000"), 1, loop.nowMillis(),
                    Duration.ofHours(1).toMillis(), PrekeyBundles.throwaway(replica, RANDOM, loop.nowMillis())));
        }
        Mailbox mailbox = Mailbox.inMemory(Identity.generate("bob", RANDOM), links, loop, loop, CONFIG,
                (peer, count) -> replicas.subList(0, Math.min(count, replicas.size())), new RelayOutbox() {
                    @Override
                    public List<RelayItem> awaitingRelay() {
                        return List.of();
                    }

                    @Override
                    public void relayed(org.parley.identity.PeerId recipient, org.parley.messaging.MessageId id,
                                        int count) {
                    }
                }, (from, envelope) -> CompletableFuture.completedFuture(null));
        mailbox.pickUpPairsWith(epoch -> pairs(epoch, correspondents));
        links.addLayer(mailbox);
        mailbox.start();
        replicas.forEach(record -> links.open(record.peer()));
        // The fetches a link coming up makes (of this epoch's places) go before the first round.
        loop.advance(CONFIG.firstPickup().minusMillis(500));
        links.sendLog().clear();

        loop.advance(Duration.ofSeconds(1));
        long[] first = fetches(links);
        links.sendLog().clear();
        loop.advance(CONFIG.firstPickup().multipliedBy(2));
        long[] later = fetches(links);
        mailbox.stop();
        return new long[] {first[0], first[1], later[0], later[1]};
    }

    private static long[] fetches(EmbeddedLinks links) {
        List<Frame> fetches = links.sendLog().stream().filter(frame -> frame.getMailbox().hasFetch()).toList();
        return new long[] {fetches.size(), fetches.stream().mapToLong(Frame::getSerializedSize).sum()};
    }

    /** {@code count} correspondents' pair keys to us in {@code epoch}, each its own. */
    private static List<PairAddresses.PairKey> pairs(long epoch, int count) {
        List<PairAddresses.PairKey> keys = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] seed = new byte[32];
            java.nio.ByteBuffer.wrap(seed).putLong(epoch).putInt(i);
            keys.add(new PairAddresses.PairKey(Ed25519.publicKey(seed), new Ed25519.SigningKey(seed)));
        }
        return keys;
    }
}
