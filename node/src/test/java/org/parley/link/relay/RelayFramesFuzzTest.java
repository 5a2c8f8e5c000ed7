package org.parley.link.relay;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.link.EmbeddedLinks;
import org.parley.link.FuzzedFrames;
import org.parley.proto.wire.v1.Frame;
import org.parley.proto.wire.v1.RelayFrame;
import org.parley.proto.wire.v1.ReserveRequest;
import org.parley.runtime.VirtualScheduler;

/**
 * A stream of arbitrary relay frames from one neighbour of a node that both relays for others and
 * wants relays of its own: nothing escapes; the node counts as its relays, and answers circuits
 * from, only peers it asked for a reservation; and an honest neighbour still gets one.
 */
class RelayFramesFuzzTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final PeerId MALLORY = Identity.generate("mallory", RANDOM).peerId();
    private static final PeerId HONEST = Identity.generate("honest", RANDOM).peerId();

    @FuzzTest(maxDuration = "60s")
    void hostileRelayFramesNeverBreakEitherSide(byte[] input) {
        VirtualScheduler loop = new VirtualScheduler(1_700_000_000_000L);
        EmbeddedLinks links = new EmbeddedLinks();
        List<PeerId> answeredVia = new ArrayList<>();
        CircuitRelay<CircuitRelay.Dialler> relay = new CircuitRelay<>(links, peer -> false, loop, loop,
                RelayLimits.defaults());
        RelayClient client = new RelayClient(links, loop, new RelayChoice(2), () -> true, announced -> { },
                (via, address, circuit, from) -> answeredVia.add(via));
        links.addListener(relay);
        links.addListener(client);
        links.addFrameHandler(new RelayFrames(relay, client));
        client.start();
        links.open(MALLORY);

        for (RelayFrame frame : FuzzedFrames.split(input, RelayFrame.parser())) {
            links.inject(MALLORY, Frame.newBuilder().setRelay(frame).build());
            loop.advance(Duration.ofMillis(100));
        }

        client.relays().forEach(chosen -> assertTrue(askedToReserve(links, chosen), "a relay we never asked"));
        answeredVia.forEach(via -> assertTrue(askedToReserve(links, via), "a circuit through a relay we never asked"));
        assertTrue(relay.reservationCount() <= 1, "one neighbour holds at most one reservation");

        links.open(HONEST);
        links.inject(HONEST, Frame.newBuilder().setRelay(RelayFrame.newBuilder()
                .setReserve(ReserveRequest.getDefaultInstance())).build());
        assertTrue(relay.isReserved(HONEST), "an honest neighbour is still served");
    }

    private static boolean askedToReserve(EmbeddedLinks links, PeerId peer) {
        return links.sent().getOrDefault(peer, List.of()).stream()
                .anyMatch(frame -> frame.getRelay().getBodyCase() == RelayFrame.BodyCase.RESERVE);
    }
}
