package org.parley.messaging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.parley.identity.PeerId;
import org.parley.messaging.OutboxItem.Stage;

/** The outbox state machine on its own: no ratchet, no disk, no link, no clock; events in, actions out. */
class OutboxTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final long RETRY = 30_000;
    private static final long LIFETIME = 1_000_000;
    private static final byte[] SEALED = {1, 2, 3, 4};

    private final PeerId bob = peer();
    private final PeerId carol = peer();
    private final Outbox outbox = new Outbox(2, RETRY);

    private static PeerId peer() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return PeerId.fromPublicKey(key);
    }

    private static MessageRecord record(PeerId to, String state) {
        return new MessageRecord(MessageId.random(RANDOM), MessageRecord.OUT, to, "hi", 1_000, null, state, null,
                false);
    }

    /** A message accepted at time 0 with a session (sealed at once) and committed. */
    private OutboxItem committedSealed(PeerId to, boolean linked) {
        OutboxItem item = outbox.accept(record(to, MessageRecord.PENDING), false, new byte[] {9}, LIFETIME, true);
        outbox.stored(item, SEALED, true, linked);
        return item;
    }

    private static List<OutboxItem> transmitted(List<OutboxAction> actions) {
        return actions.stream().filter(OutboxAction.Transmit.class::isInstance)
                .map(action -> ((OutboxAction.Transmit) action).item()).toList();
    }

    private static List<OutboxItem> sealed(List<OutboxAction> actions) {
        return actions.stream().filter(OutboxAction.Seal.class::isInstance)
                .map(action -> ((OutboxAction.Seal) action).item()).toList();
    }

    @Test
    void aMessageWithoutASessionWaitsUnsealedThenIsSealedStoredAndSent() {
        OutboxItem item = outbox.accept(record(bob, MessageRecord.PENDING), false, new byte[] {9}, LIFETIME, false);
        assertEquals(Stage.STORING, item.stage());
        assertEquals(List.of(), outbox.stored(item, null, false, true), "no session: nothing to seal or send");
        assertEquals(Stage.UNSEALED, item.stage());
        assertEquals(List.of(), outbox.flush(bob, false, true));

        List<OutboxAction> actions = outbox.flush(bob, true, true);
        assertEquals(List.of(item), sealed(actions));
        assertEquals(List.of(), transmitted(actions), "not sent before its envelope is stored");
        assertEquals(Stage.SEALING, item.stage());
        assertEquals(List.of(), outbox.flush(bob, true, true), "never sealed twice");

        List<OutboxAction> afterStore = outbox.sealStored(item, SEALED, true);
        assertEquals(List.of(item), transmitted(afterStore));
        assertEquals(Stage.IN_FLIGHT, item.stage());
        assertArrayEquals(SEALED, item.envelope());
        assertEquals(1, outbox.inFlight(bob));
    }

    @Test
    void aMessageSealedOnAcceptanceIsSentOnceStoredAndOnlyToALinkedPeer() {
        OutboxItem item = outbox.accept(record(bob, MessageRecord.PENDING), false, new byte[] {9}, LIFETIME, true);
        assertEquals(Stage.STORING_SEALED, item.stage());
        assertEquals(List.of(), outbox.flush(bob, true, true), "uncommitted: may not leave");
        assertEquals(List.of(), outbox.stored(item, SEALED, true, false));
        assertEquals(Stage.READY, item.stage());
        assertEquals(List.of(item), transmitted(outbox.flush(bob, true, true)));
    }

    @Test
    void theWindowBoundsWhatIsInFlightAndAReceiptMakesRoom() {
        OutboxItem first = committedSealed(bob, false);
        OutboxItem second = committedSealed(bob, false);
        OutboxItem third = committedSealed(bob, false);
        assertEquals(List.of(first, second), transmitted(outbox.linkUp(bob, true, envelope -> true)));
        assertEquals(Stage.READY, third.stage());

        List<OutboxItem> acknowledged = outbox.acknowledged(bob, List.of(first.id()));
        List<OutboxAction> actions = outbox.delivered(bob, acknowledged, 5_000, true);
        assertEquals(List.of(third), transmitted(actions));
        OutboxAction.Announce announce = (OutboxAction.Announce) actions.get(0);
        assertEquals(MessageRecord.DELIVERED, announce.record().state());
        assertEquals(5_000L, announce.record().receivedAtMillis());
        assertEquals(Stage.DELIVERED, first.stage());
        assertEquals(2, outbox.inFlight(bob));
        assertEquals(2, outbox.size());
    }

    @Test
    void nothingOvertakesAMessageThatIsNotSealedAndStored() {
        OutboxItem waiting = outbox.accept(record(bob, MessageRecord.PENDING), false, new byte[] {9}, LIFETIME, false);
        outbox.stored(waiting, null, false, true);
        // A later message was sealed when accepted (a session had started meanwhile).
        OutboxItem later = outbox.accept(record(bob, MessageRecord.PENDING), false, new byte[] {9}, LIFETIME, true);
        assertEquals(List.of(), outbox.stored(later, SEALED, false, true));
        assertEquals(Stage.READY, later.stage(), "a later message waits behind one without a session");
        List<OutboxAction> actions = outbox.flush(bob, true, true);
        assertEquals(List.of(waiting), sealed(actions));
        assertEquals(List.of(), transmitted(actions));
        assertEquals(List.of(waiting, later), transmitted(outbox.sealStored(waiting, SEALED, true)));
    }

    @Test
    void whatIsNotAcknowledgedIsSentAgainAfterTheRetryIntervalAndOnANewLink() {
        OutboxItem item = committedSealed(bob, true);
        outbox.sent(item, 10_000);
        assertEquals(List.of(), transmitted(outbox.tick(10_000 + RETRY - 1, peer -> true, peer -> true)));
        assertEquals(List.of(), transmitted(outbox.tick(10_000 + RETRY, peer -> true, peer -> false)),
                "no link: nothing to resend on");
        assertEquals(List.of(item), transmitted(outbox.tick(10_000 + RETRY, peer -> true, peer -> true)));
        outbox.sent(item, 10_000 + RETRY);
        assertEquals(List.of(item), transmitted(outbox.linkUp(bob, true, envelope -> true)), "the old link may have lost it");
        assertEquals(1, outbox.inFlight(bob));
    }

    @Test
    void anEnvelopeTheLinkRefusedLeavesTheWindowAndGoesNextTime() {
        OutboxItem item = committedSealed(bob, true);
        assertEquals(Stage.IN_FLIGHT, item.stage());
        outbox.notSent(item);
        assertEquals(Stage.READY, item.stage());
        assertEquals(0, outbox.inFlight(bob));
        assertEquals(List.of(item), transmitted(outbox.flush(bob, true, true)));
    }

    @Test
    void aCommittedMessageExpiresAndFailsButOneBeingStoredDoesNot() {
        OutboxItem item = committedSealed(bob, true);
        OutboxItem storing = outbox.accept(record(carol, MessageRecord.PENDING), false, new byte[] {9}, LIFETIME, false);
        List<OutboxAction> actions = outbox.tick(LIFETIME, peer -> true, peer -> true);
        assertEquals(1, actions.size());
        OutboxAction.StoreFailed failed = (OutboxAction.StoreFailed) actions.get(0);
        assertSame(item, failed.item());
        assertEquals("expired", failed.reason());
        assertEquals(MessageRecord.FAILED, item.record().state());
        assertEquals("expired", item.record().reason());
        assertEquals(Stage.FAILED, item.stage());
        assertEquals(0, outbox.inFlight(bob));
        assertEquals(Set.of(carol), outbox.waitingPeers());
        assertEquals(Stage.STORING, storing.stage());
    }

    @Test
    void aMessageHeldByReplicasIsRelayedUntilItsReceiptAndAReplicasLateWordChangesNothing() {
        OutboxItem item = committedSealed(bob, false);
        assertEquals(List.of(item), outbox.awaitingRelay(peer -> false));
        assertEquals(List.of(), outbox.awaitingRelay(peer -> true), "a linked peer gets it directly");

        List<OutboxAction> actions = outbox.relayed(bob, item.id(), 3);
        assertEquals(List.of(new OutboxAction.StoreRelayed(item, 3)), actions);
        assertEquals(DeliveryState.RELAYED, item.state());
        assertEquals(3, item.record().replicas());
        assertEquals(MessageRecord.RELAYED, item.record().state());
        assertEquals(List.of(), outbox.awaitingRelay(peer -> false), "not offered again");
        assertEquals(List.of(), outbox.relayed(bob, item.id(), 5), "a repeated word is ignored");
        assertEquals(List.of(item), outbox.relayedItems().toList());

        assertEquals(List.of(item), transmitted(outbox.linkUp(bob, true, envelope -> true)), "still sent directly when bob links");
        outbox.delivered(bob, outbox.acknowledged(bob, List.of(item.id())), 7_000, true);
        assertEquals(DeliveryState.DELIVERED, item.state());
        assertEquals(List.of(), outbox.relayed(bob, item.id(), 2), "delivered was the last word");
        assertEquals(0, outbox.relayedItems().count());
    }

    @Test
    void aReplayedReceiptOrOneForUnknownOrUncommittedMessagesChangesNothing() {
        OutboxItem item = committedSealed(bob, true);
        OutboxItem storing = outbox.accept(record(bob, MessageRecord.PENDING), false, new byte[] {9}, LIFETIME, true);
        List<OutboxItem> acknowledged = outbox.acknowledged(bob,
                List.of(item.id(), item.id(), storing.id(), MessageId.random(RANDOM)));
        assertEquals(List.of(item), acknowledged, "each once, committed ones only");
        assertEquals(List.of(), outbox.acknowledged(carol, List.of(item.id())), "carol cannot confirm bob's message");

        assertEquals(1, outbox.delivered(bob, acknowledged, 1, true).size());
        assertEquals(List.of(), outbox.delivered(bob, acknowledged, 2, true), "the same receipt again");
        assertEquals(List.of(), outbox.acknowledged(bob, List.of(item.id())));
        assertEquals(1L, item.record().receivedAtMillis());
    }

    @Test
    void aSealThatFailsWaitsToBeSealedAgainAndALateSealOfAnEndedItemIsIgnored() {
        OutboxItem item = outbox.accept(record(bob, MessageRecord.PENDING), false, new byte[] {9}, LIFETIME, false);
        outbox.stored(item, null, false, false);
        outbox.flush(bob, true, false);
        outbox.sealFailed(item);
        assertEquals(Stage.UNSEALED, item.stage());
        assertEquals(List.of(item), sealed(outbox.flush(bob, true, false)));

        outbox.tick(LIFETIME, peer -> false, peer -> false);
        assertEquals(Stage.FAILED, item.stage(), "it expired while its envelope was being stored");
        assertEquals(List.of(), outbox.sealStored(item, SEALED, true));
        outbox.sealFailed(item);
        assertEquals(Stage.FAILED, item.stage());
    }

    @Test
    void aMessageThatCouldNotBeStoredLeavesWithoutATrace() {
        OutboxItem item = outbox.accept(record(bob, MessageRecord.PENDING), false, new byte[] {9}, LIFETIME, true);
        outbox.storeFailed(item);
        assertEquals(0, outbox.size());
        assertEquals(Set.of(), outbox.waitingPeers());
        assertNull(outbox.find(bob, item.id()));
    }

    @Test
    void eventsOurOwnStorageCannotReportAreRefused() {
        OutboxItem item = committedSealed(bob, false);
        assertThrows(IllegalStateException.class, () -> outbox.stored(item, SEALED, true, false), "stored twice");
        assertThrows(IllegalStateException.class, () -> outbox.sealStored(item, SEALED, false), "never sealing");
        assertThrows(IllegalStateException.class, () -> outbox.sealFailed(item));
        assertThrows(IllegalStateException.class, () -> outbox.storeFailed(item), "committed already");

        OutboxItem unsealed = outbox.accept(record(bob, MessageRecord.PENDING), false, new byte[] {9}, LIFETIME, false);
        assertThrows(IllegalStateException.class, () -> outbox.stored(unsealed, SEALED, true, false));
        OutboxItem sealedItem = outbox.accept(record(bob, MessageRecord.PENDING), false, new byte[] {9}, LIFETIME, true);
        assertThrows(IllegalStateException.class, () -> outbox.stored(sealedItem, null, true, false));
        assertThrows(IllegalStateException.class,
                () -> outbox.accept(item.record(), false, new byte[] {9}, LIFETIME, true), "one ID, one item");
        assertThrows(IllegalArgumentException.class, () -> new Outbox(0, RETRY));
    }

    @Test
    void storedStatesLoadAsTheirStatesAndOthersAreNotOutboxItems() {
        OutboxItem pending = outbox.restore(record(bob, "pending"), false, new byte[] {9}, LIFETIME, SEALED);
        OutboxItem relayed = outbox.restore(record(bob, "relayed"), false, new byte[] {9}, LIFETIME, SEALED);
        OutboxItem unsealed = outbox.restore(record(carol, "pending"), false, new byte[] {9}, LIFETIME, null);
        assertEquals(DeliveryState.PENDING, pending.state());
        assertEquals(Stage.READY, pending.stage());
        assertEquals(DeliveryState.RELAYED, relayed.state());
        assertEquals(Stage.UNSEALED, unsealed.stage());
        for (String word : List.of("delivered", "failed", "received", "Pending", "")) {
            assertNull(outbox.restore(record(bob, word), false, new byte[] {9}, LIFETIME, SEALED), word);
        }
        assertEquals(3, outbox.size());
    }

    @Test
    void deliveryStatesMapToTheWordsTheDatabaseHolds() {
        assertEquals(List.of("pending", "relayed", "delivered", "failed"),
                List.of(DeliveryState.values()).stream().map(DeliveryState::stored).toList());
        for (DeliveryState state : DeliveryState.values()) {
            assertEquals(state, DeliveryState.fromStored(state.stored()).orElseThrow());
        }
        assertTrue(DeliveryState.fromStored("received").isEmpty());
        assertTrue(DeliveryState.fromStored(null).isEmpty());
    }
}
