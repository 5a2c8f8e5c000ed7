package org.parley.link.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.parley.link.relay.CircuitRelayTest.peer;

import com.google.protobuf.ByteString;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.parley.identity.PeerId;
import org.parley.link.Direction;
import org.parley.link.PeerInfo;
import org.parley.link.EmbeddedLinks;
import org.parley.proto.wire.v1.CircuitOffer;
import org.parley.proto.wire.v1.Frame;
import org.parley.proto.wire.v1.RelayAvailable;
import org.parley.proto.wire.v1.RelayFrame;
import org.parley.proto.wire.v1.ReserveAnswer;
import org.parley.runtime.VirtualScheduler;

/** The private node's side: which relays it reserves, renewing, announcing, and answering offers. */
class RelayClientTest {
    private static final long LIFETIME = Duration.ofMinutes(10).toMillis();
    private final VirtualScheduler loop = new VirtualScheduler(1_700_000_000_000L);
    private final EmbeddedLinks links = new EmbeddedLinks();
    private final List<List<PeerId>> announced = new ArrayList<>();
    private final List<String> answered = new ArrayList<>();
    private boolean isPrivate = true;
    private final RelayClient client = new RelayClient(links, loop, new RelayChoice(2), () -> isPrivate,
            announced::add, (relay, address, circuit, from) -> answered.add(relay + "@" + address + " #" + circuit
                    + " from " + from));
    private final PeerId r1 = peer("r1");
    private final PeerId r2 = peer("r2");
    private final PeerId r3 = peer("r3");

    @Test
    void aPrivateNodeReservesWithTheFirstTwoRelaysThatOfferAndNamesThemOnceGranted() {
        offer(r1);
        offer(r2);
        offer(r3);
        assertTrue(sentReserve(r1));
        assertTrue(sentReserve(r2));
        assertEquals(List.of(), links.takeSent(r3), "two relays are enough");
        grant(r1);
        grant(r2);
        assertEquals(List.of(List.of(r1), List.of(r1, r2)), announced);

        links.close(r1);
        client.peerDisconnected(r1);
        assertTrue(sentReserve(r3), "a lost relay is replaced");
        assertEquals(List.of(r2), announced.get(announced.size() - 1));
        grant(r3);
        assertEquals(List.of(r2, r3), client.relays());
    }

    @Test
    void aRefusingRelayIsNotAskedAgainAndTheNextOneIs() {
        offer(r1);
        offer(r2);
        offer(r3);
        links.takeSent(r1);
        links.takeSent(r2);
        answer(r1, ReserveAnswer.newBuilder().setAccepted(false).setReason("all 32 reservations are taken").build());
        assertTrue(sentReserve(r3));
        grant(r2);
        grant(r3);
        assertEquals(List.of(r2, r3), client.relays());
        client.refresh();
        assertEquals(List.of(), links.takeSent(r1));
    }

    @Test
    void reservationsAreRenewedAtHalfTheirLifetime() {
        offer(r1);
        links.takeSent(r1);
        grant(r1);
        loop.advance(Duration.ofMillis(LIFETIME / 2 - 1));
        assertEquals(List.of(), links.takeSent(r1));
        loop.advance(Duration.ofMillis(1));
        assertTrue(sentReserve(r1));
        grant(r1);
        assertEquals(List.of(r1), client.relays());
        assertEquals(1, announced.size(), "a renewal changes nothing to announce");
    }

    @Test
    void aPublicNodeReservesNothingAndDropsWhatItHeldWhenItBecomesPublic() {
        isPrivate = false;
        offer(r1);
        assertEquals(List.of(), links.takeSent(r1));
        isPrivate = true;
        client.refresh();
        assertTrue(sentReserve(r1));
        grant(r1);
        isPrivate = false;
        client.refresh();
        assertEquals(List.of(), client.relays());
        assertEquals(List.of(), announced.get(announced.size() - 1));
    }

    @Test
    void offersAreAnsweredOnlyFromRelaysHoldingOurReservation() {
        PeerId alice = peer("alice");
        offer(r1);
        links.takeSent(r1);
        grant(r1);
        receive(r1, RelayFrame.newBuilder().setOffer(CircuitOffer.newBuilder().setCircuit(7)
                .setFromPeer(ByteString.copyFrom(alice.publicKey()))));
        assertEquals(List.of(r1 + "@192.0.2.1:7450 #7 from " + alice), answered);

        links.open(r2);
        receive(r2, RelayFrame.newBuilder().setOffer(CircuitOffer.newBuilder().setCircuit(8)
                .setFromPeer(ByteString.copyFrom(alice.publicKey()))));
        assertEquals(RelayClient.PENALTY_UNASKED, links.penalties().get(r2));
        receive(r1, RelayFrame.newBuilder().setOffer(CircuitOffer.newBuilder().setCircuit(9)
                .setFromPeer(ByteString.copyFrom(new byte[5]))));
        assertEquals(CircuitRelay.PENALTY_MALFORMED, links.penalties().get(r1));
        assertEquals(1, answered.size());
    }

    @Test
    void anAnswerNobodyAskedForIsScoredDownAndGrantsNothing() {
        links.open(r1);
        answer(r1, ReserveAnswer.newBuilder().setAccepted(true).setLifetimeMs(LIFETIME).build());
        assertEquals(RelayClient.PENALTY_UNASKED, links.penalties().get(r1));
        assertEquals(List.of(), client.relays());
        assertNull(announced.isEmpty() ? null : announced);
    }

    private void offer(PeerId relay) {
        links.open(relay);
        client.peerConnected(new PeerInfo(relay, "192.0.2.1:7450", Direction.OUTBOUND, 0, "test"));
        receive(relay, RelayFrame.newBuilder().setAvailable(RelayAvailable.getDefaultInstance()));
    }

    private void grant(PeerId relay) {
        answer(relay, ReserveAnswer.newBuilder().setAccepted(true).setLifetimeMs(LIFETIME).build());
    }

    private void answer(PeerId relay, ReserveAnswer answer) {
        receive(relay, RelayFrame.newBuilder().setReserveAnswer(answer));
    }

    private void receive(PeerId from, RelayFrame.Builder relay) {
        client.frameReceived(from, Frame.newBuilder().setRelay(relay).build());
    }

    private boolean sentReserve(PeerId relay) {
        List<Frame> sent = links.takeSent(relay);
        return sent.size() == 1 && sent.get(0).getRelay().getBodyCase() == RelayFrame.BodyCase.RESERVE;
    }
}
