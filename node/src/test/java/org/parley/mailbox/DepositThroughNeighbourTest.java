package org.parley.mailbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.link.Direction;
import org.parley.link.EmbeddedLinks;
import org.parley.link.LinkPath;
import org.parley.link.PeerInfo;
import org.parley.messaging.MessageId;
import org.parley.messaging.PrekeyBundles;
import org.parley.messaging.RelayItem;
import org.parley.messaging.TestSealing;
import org.parley.overlay.record.PeerRecord;
import org.parley.proto.wire.v1.Frame;
import org.parley.proto.wire.v1.MailboxFrame;
import org.parley.proto.wire.v1.StoreAnswer;
import org.parley.proto.wire.v1.StoreAnswer.Outcome;
import org.parley.proto.wire.v1.WireEnvelope;
import org.parley.runtime.VirtualScheduler;

/**
 * Decision 0061: alice's placed mail for bob, who is away, reaches the replica of its pair address
 * through nina, a neighbour that forwards deposits, so the replica sees nina's link and never
 * alice's; without such a neighbour (or when it stays silent) alice deposits herself. A forwarder
 * takes only valid placed envelopes, within a rate, and only ever stores what it forwards.
 */
class DepositThroughNeighbourTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final MailboxConfig CONFIG = MailboxConfig.defaults();

    private final VirtualScheduler loop = new VirtualScheduler(1_767_225_600_000L);
    private final Identity alice = Identity.generate("alice", RANDOM);
    private final Identity bob = Identity.generate("bob", RANDOM);
    private final Identity nina = Identity.generate("nina", RANDOM);
    private final Identity rita = Identity.generate("rita", RANDOM);
    private final Identity mallory = Identity.generate("mallory", RANDOM);
    private final PeerRecord ritaRecord = recordOf(rita);
    private final EmbeddedLinks aliceLinks = new EmbeddedLinks(alice.peerId());
    private final EmbeddedLinks ninaLinks = new EmbeddedLinks(nina.peerId());
    private final EmbeddedLinks ritaLinks = new EmbeddedLinks(rita.peerId());
    private final Mailbox replica = mailboxOf(rita, ritaLinks, List.of(), new Outbox(List.of()));

    private PeerRecord recordOf(Identity identity) {
        return PeerRecord.create(identity, List.of("10.0.0.9:7000"), 1, loop.nowMillis(), Duration.ofHours(1).toMillis(),
                PrekeyBundles.throwaway(identity, RANDOM, loop.nowMillis()));
    }

    private Mailbox mailboxOf(Identity self, EmbeddedLinks on, List<PeerRecord> replicas, RelayOutbox outbox) {
        Mailbox mailbox = Mailbox.inMemory(self, on, loop, loop, CONFIG, (peer, count) -> replicas, outbox,
                (from, envelope) -> CompletableFuture.completedFuture(null));
        mailbox.requireStampBits(TestSealing.BITS);
        on.addLayer(mailbox);
        mailbox.start();
        return mailbox;
    }

    private WireEnvelope placedForBob() {
        long now = loop.nowMillis();
        return TestSealing.sealPlaced(alice, bob.peerId(), now, now + Duration.ofDays(7).toMillis(), new byte[80]);
    }

    /** A neighbour as its Hello describes it: forwarding deposits or not. */
    private static PeerInfo neighbour(PeerId peer, boolean forwards) {
        return new PeerInfo(peer, "embedded", Direction.OUTBOUND, 0, "embedded", LinkPath.DIRECT, Optional.empty(),
                java.util.Set.of(1, 2, 3), forwards);
    }

    /** Alice linked to nina (forwarding or not) and, so that a direct deposit would show, to rita too. */
    private Outbox aliceWithMailForBob(boolean ninaForwards, WireEnvelope envelope) {
        Outbox outbox = new Outbox(List.of(new RelayItem(MessageId.random(RANDOM), bob.peerId(), envelope)));
        mailboxOf(alice, aliceLinks, List.of(ritaRecord), outbox);
        mailboxOf(nina, ninaLinks, List.of(recordOf(alice), ritaRecord), new Outbox(List.of()));
        aliceLinks.open(neighbour(nina.peerId(), ninaForwards));
        EmbeddedLinks.pair(aliceLinks, ninaLinks, loop);
        EmbeddedLinks.pair(aliceLinks, ritaLinks, loop);
        EmbeddedLinks.pair(ninaLinks, ritaLinks, loop);
        return outbox;
    }

    private boolean storedBy(EmbeddedLinks links, PeerId at) {
        return links.sent().getOrDefault(at, List.of()).stream()
                .anyMatch(frame -> frame.getMailbox().getBodyCase() == MailboxFrame.BodyCase.STORE);
    }

    @Test
    void theReplicaSeesTheNeighbourDepositPlacedMailAndNeverTheSender() {
        Outbox outbox = aliceWithMailForBob(true, placedForBob());

        loop.advance(CONFIG.relayCheckInterval().plusSeconds(1));
        loop.runUntilIdle();

        assertEquals(1, replica.envelopesHeldForOthers(), "the replica holds alice's mail");
        assertTrue(storedBy(ninaLinks, rita.peerId()), "deposited on nina's link");
        assertTrue(!storedBy(aliceLinks, rita.peerId()) && aliceLinks.dials().isEmpty(),
                "alice never deposits at the replica herself, though linked to it");
        assertTrue(!storedBy(ninaLinks, alice.peerId()), "nina does not store back at the sender");
        assertEquals(List.of(1), outbox.relayed, "alice counts the copy nina got held");
    }

    @Test
    void withoutAForwardingNeighbourTheSenderDepositsItself() {
        Outbox outbox = aliceWithMailForBob(false, placedForBob());

        loop.advance(CONFIG.relayCheckInterval().plusSeconds(1));
        loop.runUntilIdle();

        assertTrue(storedBy(aliceLinks, rita.peerId()), "deposited directly");
        assertTrue(aliceLinks.sendLog().stream().noneMatch(frame -> frame.getMailbox().hasForward()),
                "a neighbour that did not say it forwards is not asked (an older node would score the frame)");
        assertEquals(List.of(1), outbox.relayed);
    }

    @Test
    void aSilentForwarderIsGivenUpForADirectDepositAtALaterCheck() {
        Outbox outbox = aliceWithMailForBob(true, placedForBob());
        aliceLinks.lossy().add(nina.peerId());

        loop.advance(CONFIG.relayCheckInterval().plusSeconds(1));
        loop.runUntilIdle();
        assertEquals(0, replica.envelopesHeldForOthers(), "nina never heard the request");
        assertTrue(!storedBy(aliceLinks, rita.peerId()), "alice waits for nina's answer first");

        loop.advance(CONFIG.answerTimeout().multipliedBy(2).plus(CONFIG.relayCheckInterval()).plusSeconds(1));
        loop.runUntilIdle();
        assertTrue(storedBy(aliceLinks, rita.peerId()), "then deposits herself");
        assertEquals(1, replica.envelopesHeldForOthers());
        assertEquals(List.of(1), outbox.relayed);
    }

    @Test
    void firstContactMailIsNeverForwardedItNamesItsRecipient() {
        long now = loop.nowMillis();
        WireEnvelope introduction = TestSealing.seal(alice, bob.peerId(), now, now + Duration.ofDays(7).toMillis(),
                new byte[80]);
        aliceWithMailForBob(true, introduction);

        loop.advance(CONFIG.relayCheckInterval().plusSeconds(1));
        loop.runUntilIdle();

        assertTrue(aliceLinks.sendLog().stream().noneMatch(frame -> frame.getMailbox().hasForward()));
        assertTrue(storedBy(aliceLinks, rita.peerId()), "deposited directly, as before");
    }

    /**
     * Version 1 names its sender, so every replica refuses it: mail for a node that reads nothing
     * newer is never handed to replicas or neighbours, round after round; it waits for a direct link.
     */
    @Test
    void versionOneMailIsNeverHandedToReplicasOrNeighbours() {
        long now = loop.nowMillis();
        WireEnvelope unsealed = org.parley.messaging.Envelope.create(alice, bob.peerId(), now,
                now + Duration.ofDays(7).toMillis(), new byte[80]).toProto();
        Outbox outbox = aliceWithMailForBob(true, unsealed);

        loop.advance(CONFIG.relayCheckInterval().multipliedBy(10));
        loop.runUntilIdle();

        assertTrue(aliceLinks.sendLog().stream().noneMatch(frame -> frame.getMailbox().hasStore()
                || frame.getMailbox().hasForward()), "no replica or neighbour is asked to hold it");
        assertTrue(aliceLinks.dials().isEmpty());
        assertTrue(outbox.relayed.isEmpty(), "it stays pending");
    }

    // ---------------------------------------------------------------- a hostile asker, at the forwarder

    private final EmbeddedLinks forwarderLinks = new EmbeddedLinks(nina.peerId());
    private Mailbox forwarder;

    private Mailbox forwarder() {
        if (forwarder == null) {
            forwarder = mailboxOf(nina, forwarderLinks, List.of(recordOf(mallory), ritaRecord), new Outbox(List.of()));
            forwarderLinks.open(mallory.peerId());
            forwarderLinks.open(rita.peerId());
        }
        return forwarder;
    }

    private StoreAnswer askToForward(long requestId, WireEnvelope envelope) {
        forwarder();
        forwarderLinks.inject(mallory.peerId(), Frame.newBuilder().setMailbox(MailboxFrame.newBuilder()
                .setRequestId(requestId).setForward(envelope)).build());
        loop.runUntilIdle();
        return forwarderLinks.takeSent(mallory.peerId()).stream().filter(frame -> frame.getMailbox().hasStored())
                .filter(frame -> frame.getMailbox().getRequestId() == requestId)
                .map(frame -> frame.getMailbox().getStored()).findFirst().orElse(null);
    }

    private double penalty() {
        return forwarderLinks.penalties().getOrDefault(mallory.peerId(), 0.0);
    }

    private int storesToRita() {
        return (int) forwarderLinks.takeSent(rita.peerId()).stream().filter(frame -> frame.getMailbox().hasStore()).count();
    }

    @Test
    void forgedOversizedOrRecipientNamingForwardsAreRefusedScoredAndStoreNothing() {
        long now = loop.nowMillis();
        long expires = now + Duration.ofDays(7).toMillis();
        WireEnvelope forged = TestSealing.forgedAs(alice, mallory, bob.peerId(), now, expires, new byte[40]);
        WireEnvelope placed = placedForBob();
        WireEnvelope oversized = placed.toBuilder()
                .setSealed(ByteString.copyFrom(new byte[org.parley.messaging.Envelope.MAX_PAYLOAD_BYTES + 200])).build();
        WireEnvelope tampered = placed.toBuilder().setExpiresAtMs(expires - 1).build();
        WireEnvelope namingBob = TestSealing.seal(mallory, bob.peerId(), now, expires, new byte[40]);

        int request = 1;
        for (WireEnvelope hostile : List.of(oversized, tampered, namingBob)) {
            double before = penalty();
            StoreAnswer answer = askToForward(request++, hostile);
            assertEquals(Outcome.INVALID, answer.getOutcome());
            assertTrue(penalty() > before, "the asker is scored down");
            assertEquals(0, storesToRita(), "nothing reaches a replica");
        }
        StoreAnswer forgedAnswer = askToForward(request, forged.toBuilder().setVersion(3).build());
        assertEquals(Outcome.INVALID, forgedAnswer.getOutcome());
        assertEquals(0, storesToRita());
    }

    @Test
    void aForwardIsStoredAtTheReplicasOnlyAndNeverForwardedOnOrBackToTheAsker() {
        StoreAnswer pending = askToForward(1, placedForBob());
        assertEquals(null, pending, "answered once the replicas have");
        assertEquals(1, storesToRita(), "stored at the replica");
        assertTrue(forwarderLinks.sendLog().stream().noneMatch(frame -> frame.getMailbox().hasForward()),
                "a forwarder never asks another to forward: there is no loop to run round");
        assertTrue(forwarderLinks.sent().getOrDefault(mallory.peerId(), List.of()).stream()
                .noneMatch(frame -> frame.getMailbox().hasStore()), "nor stores back at the asker, though it is close");

        // An answer from a peer that was not asked counts for nothing.
        long storeId = forwarderLinks.sendLog().stream().filter(frame -> frame.getMailbox().hasStore())
                .findFirst().orElseThrow().getMailbox().getRequestId();
        StoreAnswer stored = StoreAnswer.newBuilder().setOutcome(Outcome.STORED).build();
        forwarderLinks.inject(mallory.peerId(), Frame.newBuilder().setMailbox(MailboxFrame.newBuilder()
                .setRequestId(storeId).setStored(stored)).build());
        loop.runUntilIdle();
        assertTrue(forwarderLinks.takeSent(mallory.peerId()).stream().noneMatch(frame -> frame.getMailbox().hasStored()),
                "mallory cannot answer for the replica");

        forwarderLinks.inject(rita.peerId(), Frame.newBuilder().setMailbox(MailboxFrame.newBuilder()
                .setRequestId(storeId).setStored(stored)).build());
        loop.runUntilIdle();
        List<Frame> answers = forwarderLinks.takeSent(mallory.peerId());
        assertEquals(1, answers.size());
        assertEquals(Outcome.STORED, answers.get(0).getMailbox().getStored().getOutcome());
        assertEquals(1, answers.get(0).getMailbox().getStored().getHeldBy());
    }

    @Test
    void aNeighbourAskingOverTheRateIsRefusedAndScoredUntilTheMinuteIsOver() {
        forwarder();
        for (int i = 0; i < DepositForwarder.PER_NEIGHBOUR_PER_MINUTE; i++) {
            forwarderLinks.inject(mallory.peerId(), Frame.newBuilder().setMailbox(MailboxFrame.newBuilder()
                    .setRequestId(i).setForward(placedForBob())).build());
        }
        loop.runUntilIdle();
        assertEquals(DepositForwarder.PER_NEIGHBOUR_PER_MINUTE, storesToRita());
        assertEquals(0.0, penalty());

        StoreAnswer over = askToForward(1000, placedForBob());
        assertEquals(Outcome.QUOTA, over.getOutcome());
        assertTrue(penalty() > 0, "a flood is scored");
        assertEquals(0, storesToRita());

        loop.advance(Duration.ofMinutes(1));
        askToForward(1001, placedForBob());
        assertEquals(1, storesToRita(), "taken again in the next minute");
    }

    private static final class Outbox implements RelayOutbox {
        private final List<RelayItem> items;
        final List<Integer> relayed = new ArrayList<>();

        Outbox(List<RelayItem> items) {
            this.items = new ArrayList<>(items);
        }

        @Override
        public List<RelayItem> awaitingRelay() {
            return List.copyOf(items);
        }

        @Override
        public void relayed(PeerId recipient, MessageId id, int replicas) {
            relayed.add(replicas);
            items.removeIf(item -> item.id().equals(id));
        }
    }
}
