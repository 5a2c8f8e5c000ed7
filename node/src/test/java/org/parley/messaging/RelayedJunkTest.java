package org.parley.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.identity.Identity;
import org.parley.proto.wire.v1.RatchetMessage;
import org.parley.proto.wire.v1.Receipts;
import org.parley.runtime.VirtualScheduler;

/**
 * A stranger deposits junk envelopes for bob at his mailbox replicas, hoping that bob, picking
 * them up, blames the replicas that carried them and bans them. The junk is signed by its sender
 * (replicas take nothing else), so the sender is who pays; the carrier never does.
 */
class RelayedJunkTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path directory;

    private final VirtualScheduler loop = new VirtualScheduler(1_700_000_000_000L);
    private final Identity mallory = Identity.generate("mallory", RANDOM);

    private org.parley.proto.wire.v1.WireEnvelope sealedByMallory(MessagingNode to, byte[] payload) {
        long now = loop.nowMillis();
        return TestSealing.seal(mallory, to.id(), now, now + Duration.ofDays(1).toMillis(), payload);
    }

    private static byte[] random(int size) {
        byte[] bytes = new byte[size];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    /** Five of each kind of junk a replica cannot tell from mail: unparseable, undecryptable, receipts mixed in. */
    private List<org.parley.proto.wire.v1.WireEnvelope> junkFor(MessagingNode bob) {
        RatchetMessage undecryptable = RatchetMessage.newBuilder().setSessionId(ByteString.copyFrom(random(32)))
                .setRatchetKey(ByteString.copyFrom(random(32))).setCiphertext(ByteString.copyFrom(random(64)))
                .build();
        RatchetMessage mixed = undecryptable.toBuilder()
                .setReceipts(Receipts.newBuilder().addMessageIds(ByteString.copyFrom(random(MessageId.SIZE)))).build();
        byte[] truncated = {0x0A, 0x7F, 0x01};
        List<byte[]> payloads = List.of(truncated, undecryptable.toByteArray(), mixed.toByteArray());
        return payloads.stream().flatMap(payload -> java.util.stream.Stream.generate(
                () -> sealedByMallory(bob, payload)).limit(5)).toList();
    }

    @Test
    void junkPickedUpFromAReplicaIsChargedToItsSenderNeverToTheReplica() {
        MessagingNode bob = new MessagingNode("bob", loop, directory, RANDOM);
        MessagingNode replica = new MessagingNode("replica", loop, directory, RANDOM);

        for (org.parley.proto.wire.v1.WireEnvelope junk : junkFor(bob)) {
            bob.messenger.takeRelayed(replica.id(), junk);
            loop.runUntilIdle();
        }

        assertEquals(0.0, bob.penalties.getOrDefault(replica.id(), 0.0), "the replica only carried it");
        assertEquals(Map.of(), bob.messenger.refusedFrom(replica.id()));
        assertEquals(15 * 20.0, bob.penalties.getOrDefault(mallory.peerId(), 0.0), "the sender pays for each");
        assertEquals(Map.of("malformed", 10L, "undecryptable", 5L), bob.messenger.refusedFrom(mallory.peerId()));
        assertTrue(bob.history(mallory.peerId()).isEmpty());
    }

    @Test
    void anEnvelopeFromAReplicaThatDoesNotVerifyNamesNoSenderAndChargesNobody() {
        MessagingNode bob = new MessagingNode("bob", loop, directory, RANDOM);
        MessagingNode replica = new MessagingNode("replica", loop, directory, RANDOM);
        org.parley.proto.wire.v1.WireEnvelope junk = sealedByMallory(bob, random(40));
        org.parley.proto.wire.v1.WireEnvelope forged = junk.toBuilder()
                .setSealed(ByteString.copyFrom(random(junk.getSealed().size()))).build();

        bob.messenger.takeRelayed(replica.id(), forged);
        loop.runUntilIdle();

        assertEquals(Map.of(), bob.penalties, "the mailbox layer judges what its replica hands over, not messaging");
        assertEquals(Map.of(), bob.messenger.refusedFrom(replica.id()));
        assertEquals(Map.of(), bob.messenger.refusedFrom(mallory.peerId()));
    }
}
