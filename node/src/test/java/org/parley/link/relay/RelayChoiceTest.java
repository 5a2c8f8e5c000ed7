package org.parley.link.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.parley.link.relay.CircuitRelayTest.peer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.parley.identity.PeerId;
import org.parley.link.DialTarget;
import org.parley.link.Direction;
import org.parley.link.HostPort;
import org.parley.link.LinkPath;
import org.parley.link.PeerInfo;
import org.parley.link.EmbeddedLinks;
import org.parley.proto.wire.v1.Frame;
import org.parley.proto.wire.v1.RelayAvailable;
import org.parley.proto.wire.v1.RelayFrame;
import org.parley.runtime.SeededRng;
import org.parley.runtime.VirtualScheduler;

/** Relays beyond the neighbours: public peers learned of are dialled, and relays spread over everyone. */
class RelayChoiceTest {
    private final VirtualScheduler loop = new VirtualScheduler(1_700_000_000_000L);
    private final EmbeddedLinks links = new EmbeddedLinks();
    private final List<DialTarget> dialled = new ArrayList<>();
    private final PeerId r1 = peer("r1");
    private final PeerId r2 = peer("r2");
    private final PeerId r3 = peer("r3");
    private final PeerId hidden = peer("hidden");
    private final RelayClient client = new RelayClient(links, loop, new RelayChoice(2), () -> true, relays -> { },
            (relay, address, circuit, from) -> { });

    @Test
    void withNoNeighbourOfferingAPrivateNodeDialsPublicPeersItLearnedOfAndAsksThemOnceLinked() {
        client.lookBeyondNeighbours(() -> List.of(target(r1), target(r2), target(r3)), dialled::add);
        client.start();
        client.refresh();
        assertEquals(List.of(target(r1), target(r2)), dialled, "two wanted, two dialled");

        connectAndOffer(r1, LinkPath.DIRECT);
        assertTrue(sentReserve(r1), "a peer dialled to be a relay is asked as soon as it offers");
        client.refresh();
        assertEquals(2, dialled.size(), "nothing more while r2's dial may still link");

        loop.advance(RelayClient.CHECK_INTERVAL.multipliedBy(RelayClient.DIAL_CHECKS + 1));
        assertTrue(dialled.size() >= 3 && dialled.get(2).equals(target(r3)), "r2 never linked: the next is tried, "
                + dialled);
    }

    @Test
    void aNeighbourReachedOnlyThroughARelayIsNoRelay() {
        connectAndOffer(hidden, LinkPath.RELAYED);
        assertEquals(List.of(), links.takeSent(hidden));
        connectAndOffer(r1, LinkPath.DIRECT);
        assertTrue(sentReserve(r1));
    }

    @Test
    void aSpreadChoiceDrawsUniformlyFromOfferedAndLearnedAlikeAndRepeatsForASeed() {
        List<PeerId> offered = List.of(r1, r2);
        List<PeerId> learned = List.of(r3, hidden);
        RelayChoice choice = RelayChoice.spread(2, new SeededRng(4));
        RelayChoice same = RelayChoice.spread(2, new SeededRng(4));
        Map<PeerId, Integer> counts = new HashMap<>();
        for (int i = 0; i < 4000; i++) {
            PeerId picked = choice.next(offered, learned, 0).orElseThrow();
            assertEquals(picked, same.next(offered, learned, 0).orElseThrow());
            counts.merge(picked, 1, Integer::sum);
        }
        for (PeerId peer : List.of(r1, r2, r3, hidden)) {
            assertTrue(counts.getOrDefault(peer, 0) > 800, counts.toString());
        }
        assertEquals(Optional.empty(), choice.next(offered, learned, 2), "two held or asked are enough");
        assertEquals(Optional.of(r3), new RelayChoice(2).next(List.of(), learned, 1), "in order without randomness");
    }

    private DialTarget target(PeerId peer) {
        return DialTarget.peerAt(peer, HostPort.parse("192.0.2.9:7450"));
    }

    private void connectAndOffer(PeerId relay, LinkPath path) {
        links.open(relay);
        client.peerConnected(new PeerInfo(relay, "192.0.2.1:7450", Direction.OUTBOUND, 0, "test", path,
                path == LinkPath.RELAYED ? Optional.of(r3) : Optional.empty()));
        client.frameReceived(relay, Frame.newBuilder()
                .setRelay(RelayFrame.newBuilder().setAvailable(RelayAvailable.getDefaultInstance())).build());
    }

    private boolean sentReserve(PeerId relay) {
        List<Frame> sent = links.takeSent(relay);
        return sent.size() == 1 && sent.get(0).getRelay().getBodyCase() == RelayFrame.BodyCase.RESERVE;
    }
}
