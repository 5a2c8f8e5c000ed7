package org.parley.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.proto.wire.v1.Frame;
import org.parley.proto.wire.v1.RatchetMessage;
import org.parley.proto.wire.v1.Receipts;
import org.parley.runtime.VirtualScheduler;

/**
 * Receipts outside the ratchet: while the recipient has encrypted something to the sender within
 * {@link MessagingConfig#ratchetReceiptAfter()}, its receipts are only signed, so a stream one way
 * does not turn the ratchet with every receipt; after that, a receipt turns it again. A signed
 * receipt acknowledges only its signer's messages.
 */
class SignedReceiptsTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path directory;

    private final VirtualScheduler loop = new VirtualScheduler(1_700_000_000_000L);
    private MessagingNode alice;
    private MessagingNode bob;

    @BeforeEach
    void link() {
        alice = new MessagingNode("alice", loop, directory, RANDOM);
        bob = new MessagingNode("bob", loop, directory, RANDOM);
        MessagingNode.befriend(alice, bob);
        MessagingNode.link(alice, bob);
        loop.runUntilIdle();
    }

    @Test
    void aStreamOneWayTurnsTheRatchetOnlyWithAReceiptAfterAQuietSecond() throws Exception {
        List<ByteString> aliceKeys = new ArrayList<>();
        List<String> bobReceipts = new ArrayList<>();
        sendAndCollect("first", aliceKeys, bobReceipts);
        for (int i = 0; i < 5; i++) {
            sendAndCollect("stream " + i, aliceKeys, bobReceipts);
        }
        loop.advance(Duration.ofSeconds(1));
        sendAndCollect("after a pause", aliceKeys, bobReceipts);
        sendAndCollect("last", aliceKeys, bobReceipts);

        assertEquals(List.of("ratchet", "signed", "signed", "signed", "signed", "signed", "ratchet", "signed"),
                bobReceipts);
        // Alice turns her ratchet when a receipt through it arrives, and only then.
        assertNotEquals(aliceKeys.get(0), aliceKeys.get(1));
        for (int i = 2; i <= 6; i++) {
            assertEquals(aliceKeys.get(1), aliceKeys.get(i), "message " + i + " on the same chain");
        }
        assertNotEquals(aliceKeys.get(6), aliceKeys.get(7));
        assertEquals(8, alice.history(bob.id()).stream()
                .filter(message -> message.state().equals(MessageRecord.DELIVERED)).count());
        assertEquals(8, bob.history(alice.id()).size());
    }

    @Test
    void aSignedReceiptAcknowledgesOnlyItsSignersMessages() {
        bob.dropping.add(alice.id()); // bob's own receipts never reach alice
        MessageRecord hello = alice.send(bob.id(), "hello");
        loop.advance(Duration.ofMillis(100));
        assertEquals(1, bob.history(alice.id()).size());
        PeerId relay = Identity.generate("relay", RANDOM).peerId();
        Identity mallory = Identity.generate("mallory", RANDOM);

        // Mallory names bob as the sender inside her own sealed envelope: the address is hers.
        org.parley.proto.wire.v1.WireEnvelope inBobsName = TestSealing.forgedAs(bob.identity, mallory, alice.id(),
                loop.nowMillis(), loop.nowMillis() + 60_000, receiptPayload(hello));
        deliverToAlice(relay, inBobsName);
        assertEquals(1L, alice.messenger.refusedFrom(relay).get("forged"));
        assertEquals(MessageRecord.PENDING, state(hello));

        deliverToAlice(relay, receipt(mallory, hello));
        assertEquals(MessageRecord.PENDING, state(hello), "mallory cannot acknowledge what went to bob");

        deliverToAlice(relay, receipt(bob.identity, hello));
        assertEquals(MessageRecord.DELIVERED, state(hello));
        assertEquals(1, alice.messenger.refusedFrom(relay).values().stream().mapToLong(Long::longValue).sum());
    }

    private org.parley.proto.wire.v1.WireEnvelope receipt(Identity sender, MessageRecord acknowledged) {
        return TestSealing.seal(sender, alice.id(), loop.nowMillis(), loop.nowMillis() + 60_000,
                receiptPayload(acknowledged));
    }

    private static byte[] receiptPayload(MessageRecord acknowledged) {
        return RatchetMessage.newBuilder()
                .setReceipts(Receipts.newBuilder().addMessageIds(ByteString.copyFrom(acknowledged.id().bytes())))
                .build().toByteArray();
    }

    private void deliverToAlice(PeerId from, org.parley.proto.wire.v1.WireEnvelope envelope) {
        loop.execute(() -> alice.messenger.frameReceived(from, Frame.newBuilder().setEnvelope(envelope).build()));
        loop.advance(Duration.ofMillis(100));
    }

    private String state(MessageRecord message) {
        return alice.history(bob.id()).stream().filter(stored -> stored.id().equals(message.id())).findFirst()
                .orElseThrow().state();
    }

    /** Alice sends one message; notes its ratchet key and how bob acknowledged it. */
    private void sendAndCollect(String text, List<ByteString> aliceKeys, List<String> bobReceipts)
            throws InvalidProtocolBufferException {
        alice.sent.clear();
        bob.sent.clear();
        alice.send(bob.id(), text);
        loop.advance(Duration.ofMillis(100));
        List<RatchetMessage> fromAlice = payloads(alice, bob);
        assertEquals(1, fromAlice.size(), text);
        aliceKeys.add(fromAlice.get(0).getRatchetKey());
        for (RatchetMessage receipt : payloads(bob, alice)) {
            bobReceipts.add(receipt.hasReceipts() ? "signed" : "ratchet");
        }
    }

    /** What {@code from} sent {@code to}, opened as {@code to} opens it. */
    private List<RatchetMessage> payloads(MessagingNode from, MessagingNode to) throws InvalidProtocolBufferException {
        List<RatchetMessage> payloads = new ArrayList<>();
        for (Frame frame : from.sent) {
            if (frame.hasEnvelope()) {
                payloads.add(RatchetMessage.parseFrom(
                        TestSealing.open(to.identity, frame.getEnvelope(), loop.nowMillis()).envelope().payload()));
            }
        }
        return payloads;
    }
}
