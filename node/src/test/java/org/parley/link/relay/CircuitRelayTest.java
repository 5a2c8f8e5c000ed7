package org.parley.link.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.link.Direction;
import org.parley.link.Misbehaviour;
import org.parley.link.PeerInfo;
import org.parley.link.EmbeddedLinks;
import org.parley.proto.wire.v1.Frame;
import org.parley.proto.wire.v1.RelayFrame;
import org.parley.proto.wire.v1.ReserveAnswer;
import org.parley.proto.wire.v1.ReserveRequest;
import org.parley.runtime.VirtualScheduler;

/** The relay's protocol state on a virtual clock: reservations, admissions, answers and limits. */
class CircuitRelayTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final VirtualScheduler loop = new VirtualScheduler(1_700_000_000_000L);
    private final EmbeddedLinks links = new EmbeddedLinks();
    private final Set<PeerId> banned = new HashSet<>();
    private final PeerId alice = peer("alice");
    private final PeerId bob = peer("bob");
    private final PeerId mallory = peer("mallory");

    @Test
    void aRelayOffersItselfToEveryNeighbourUnlessRelayingIsOff() {
        CircuitRelay<Dialler> relay = relay(RelayLimits.defaults());
        links.open(bob);
        relay.peerConnected(info(bob));
        assertEquals(RelayFrame.BodyCase.AVAILABLE, onlyRelayFrame(bob).getBodyCase());

        CircuitRelay<Dialler> off = relay(RelayLimits.defaults().disabled());
        off.peerConnected(info(bob));
        assertEquals(List.of(), links.takeSent(bob));
        off.frameReceived(bob, reserve());
        ReserveAnswer answer = onlyRelayFrame(bob).getReserveAnswer();
        assertFalse(answer.getAccepted());
        assertEquals("this node does not relay", answer.getReason());
        assertEquals("this node does not relay", off.connect(alice, bob, new Dialler()).refusal().orElseThrow());
    }

    @Test
    void aRelayThatBecomesDialableAfterItsLinksCameUpTellsThoseNeighboursOnce() {
        CircuitRelay<Dialler> relay = relay(RelayLimits.defaults());
        boolean[] dialable = {false};
        relay.offerOnlyWhile(() -> dialable[0]);
        links.open(bob);
        relay.peerConnected(info(bob));
        relay.offerIfDialableNow();
        assertEquals(List.of(), links.takeSent(bob), "not dialable yet: no offer");

        dialable[0] = true;
        relay.offerIfDialableNow();
        assertEquals(RelayFrame.BodyCase.AVAILABLE, onlyRelayFrame(bob).getBodyCase());
        relay.offerIfDialableNow();
        assertEquals(List.of(), links.takeSent(bob), "told once");

        relay.peerDisconnected(bob);
        relay.offerIfDialableNow();
        assertEquals(List.of(), links.takeSent(bob), "a peer no longer linked is not told");
    }

    @Test
    void aReservedPeerIsOfferedACircuitAndOnlyItMayAnswerIt() {
        CircuitRelay<Dialler> relay = relay(RelayLimits.defaults());
        reserveFor(relay, bob);
        Dialler aliceEnd = new Dialler();
        long circuit = relay.connect(alice, bob, aliceEnd).circuit().orElseThrow();
        RelayFrame offer = onlyRelayFrame(bob);
        assertEquals(circuit, offer.getOffer().getCircuit());
        assertEquals(ByteString.copyFrom(alice.publicKey()), offer.getOffer().getFromPeer());

        assertTrue(relay.accept(mallory, circuit).isEmpty(), "mallory was not offered the circuit");
        assertEquals(Misbehaviour.PROTOCOL_VIOLATION.penalty(), links.penalties().get(mallory));
        assertTrue(relay.accept(bob, circuit + 1).isEmpty(), "no such circuit");

        CircuitRelay.Splice<Dialler> splice = relay.accept(bob, circuit).orElseThrow();
        assertEquals(alice, splice.dialler());
        assertEquals(bob, splice.answerer());
        assertEquals(aliceEnd, splice.diallerEnd());
        assertTrue(relay.accept(bob, circuit).isEmpty(), "a circuit is answered once");
        assertEquals(1, relay.circuitCount());
        relay.closed(circuit);
        assertEquals(0, relay.circuitCount());
        assertNull(aliceEnd.refusal);
    }

    @Test
    void circuitsToUnknownOrUnreservedPeersAreRefusedAndScoredDown() {
        CircuitRelay<Dialler> relay = relay(RelayLimits.defaults());
        links.open(bob); // linked, but holding no reservation
        assertEquals("no reservation for " + bob, relay.connect(alice, bob, new Dialler()).refusal().orElseThrow());
        assertEquals("no reservation for " + mallory,
                relay.connect(alice, mallory, new Dialler()).refusal().orElseThrow());
        assertEquals(2 * Misbehaviour.UNRESERVED.penalty(), links.penalties().get(alice));
        assertEquals(List.of(), links.takeSent(bob), "nobody was offered anything");
    }

    @Test
    void aReservationEndsWithItsLinkAndWithItsLifetime() {
        RelayLimits limits = RelayLimits.defaults();
        CircuitRelay<Dialler> relay = relay(limits);
        reserveFor(relay, bob);
        relay.peerDisconnected(bob);
        links.close(bob);
        assertFalse(relay.isReserved(bob));
        assertTrue(relay.connect(alice, bob, new Dialler()).refusal().isPresent());

        reserveFor(relay, alice);
        loop.advance(limits.reservationLifetime());
        assertFalse(relay.isReserved(alice), "not renewed in time");
    }

    @Test
    void requestsFromBannedPeersAndCircuitsToOneselfAreRefused() {
        CircuitRelay<Dialler> relay = relay(RelayLimits.defaults());
        reserveFor(relay, bob);
        banned.add(mallory);
        assertEquals("you are banned here", relay.connect(mallory, bob, new Dialler()).refusal().orElseThrow());
        assertEquals("a circuit to yourself", relay.connect(bob, bob, new Dialler()).refusal().orElseThrow());
        assertEquals(Misbehaviour.PROTOCOL_VIOLATION.penalty(), links.penalties().get(bob));
        assertEquals(List.of(), links.takeSent(bob), "no offer went out");
    }

    @Test
    void aReservationFloodIsRefusedBeyondTheLimitAndARenewalFloodIsScoredDown() {
        RelayLimits limits = RelayLimits.defaults().withReservations(3);
        CircuitRelay<Dialler> relay = relay(limits);
        List<PeerId> crowd = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            PeerId peer = peer("crowd" + i);
            crowd.add(peer);
            links.open(peer);
            relay.frameReceived(peer, reserve());
        }
        for (int i = 0; i < 5; i++) {
            ReserveAnswer answer = onlyRelayFrame(crowd.get(i)).getReserveAnswer();
            assertEquals(i < 3, answer.getAccepted(), "peer " + i);
            if (i >= 3) {
                assertEquals("all 3 reservations are taken", answer.getReason());
            }
        }
        assertEquals(3, relay.reservationCount());

        PeerId flooder = crowd.get(0);
        relay.frameReceived(flooder, reserve());
        ReserveAnswer tooSoon = onlyRelayFrame(flooder).getReserveAnswer();
        assertFalse(tooSoon.getAccepted());
        assertEquals("reservation renewed too often", tooSoon.getReason());
        assertEquals(Misbehaviour.RESERVATION_FLOOD.penalty(), links.penalties().get(flooder));
        assertTrue(relay.isReserved(flooder), "the reservation it held stands");

        loop.advance(limits.reservationLifetime().dividedBy(2));
        relay.frameReceived(flooder, reserve());
        assertTrue(onlyRelayFrame(flooder).getReserveAnswer().getAccepted(), "renewal at half the lifetime");
        assertEquals(Misbehaviour.RESERVATION_FLOOD.penalty(), links.penalties().get(flooder));
    }

    @Test
    void circuitsAreLimitedInAllAndPerPeer() {
        CircuitRelay<Dialler> relay = relay(RelayLimits.defaults().withCircuits(4, 2));
        PeerId carol = peer("carol");
        reserveFor(relay, bob);
        reserveFor(relay, carol);
        assertTrue(relay.connect(alice, bob, new Dialler()).circuit().isPresent());
        long aliceToCarol = relay.connect(alice, carol, new Dialler()).circuit().orElseThrow();
        assertEquals("you have 2 circuits here already",
                relay.connect(alice, bob, new Dialler()).refusal().orElseThrow());
        assertTrue(relay.connect(mallory, bob, new Dialler()).circuit().isPresent());
        assertEquals(bob + " has 2 circuits here already",
                relay.connect(peer("erin"), bob, new Dialler()).refusal().orElseThrow());
        assertTrue(relay.connect(peer("dave"), carol, new Dialler()).circuit().isPresent());
        assertEquals("all 4 circuits are in use", relay.connect(peer("frank"), bob, new Dialler()).refusal()
                .orElseThrow());
        relay.closed(aliceToCarol);
        assertEquals(3, relay.circuitCount());
        assertTrue(relay.connect(alice, bob, new Dialler()).refusal().isPresent(), "bob still has 2");
        assertTrue(relay.connect(alice, carol, new Dialler()).circuit().isPresent(), "alice's place is free again");
    }

    @Test
    void anUnansweredCircuitIsRefusedAfterTheTimeoutAndFreesItsPlace() {
        RelayLimits limits = RelayLimits.defaults().withCircuits(1, 1);
        CircuitRelay<Dialler> relay = relay(limits);
        reserveFor(relay, bob);
        Dialler aliceEnd = new Dialler();
        long circuit = relay.connect(alice, bob, aliceEnd).circuit().orElseThrow();
        loop.advance(limits.answerTimeout());
        assertEquals(bob + " did not answer the circuit", aliceEnd.refusal);
        assertTrue(relay.accept(bob, circuit).isEmpty(), "too late");
        assertTrue(relay.connect(alice, bob, new Dialler()).circuit().isPresent());
    }

    private CircuitRelay<Dialler> relay(RelayLimits limits) {
        return new CircuitRelay<>(links, banned::contains, loop, loop, limits);
    }

    private void reserveFor(CircuitRelay<Dialler> relay, PeerId peer) {
        links.open(peer);
        relay.frameReceived(peer, reserve());
        assertTrue(onlyRelayFrame(peer).getReserveAnswer().getAccepted());
    }

    private RelayFrame onlyRelayFrame(PeerId peer) {
        List<Frame> sent = links.takeSent(peer);
        assertEquals(1, sent.size(), sent.toString());
        return sent.get(0).getRelay();
    }

    private static Frame reserve() {
        return Frame.newBuilder().setRelay(RelayFrame.newBuilder().setReserve(ReserveRequest.getDefaultInstance()))
                .build();
    }

    private PeerInfo info(PeerId peer) {
        return new PeerInfo(peer, "192.0.2.1:7450", Direction.INBOUND, loop.nowMillis(), "test");
    }

    static PeerId peer(String name) {
        return Identity.generate(name, RANDOM).peerId();
    }

    static final class Dialler implements CircuitRelay.Dialler {
        String refusal;

        @Override
        public void refuse(String reason) {
            refusal = reason;
        }
    }
}
