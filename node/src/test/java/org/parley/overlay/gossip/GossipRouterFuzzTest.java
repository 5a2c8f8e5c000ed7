package org.parley.overlay.gossip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.parley.overlay.gossip.RouterFixture.TOPIC;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;
import java.time.Duration;
import java.util.List;
import org.parley.identity.PeerId;
import org.parley.proto.wire.v1.GossipFrame;

/**
 * A stream of arbitrary frames from one neighbour of a subscribed router: nothing escapes the
 * router, whatever it delivers is content-addressed as claimed, and an honest neighbour's message
 * still gets through afterwards.
 */
class GossipRouterFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void hostileFramesNeverBreakTheRouter(byte[] input) {
        RouterFixture fixture = new RouterFixture();
        fixture.router.subscribe(TOPIC);
        List<PeerId> neighbours = fixture.connectGrafting(1, 2);
        for (GossipFrame frame : frames(input)) {
            fixture.receive(neighbours.get(0), frame);
            fixture.loop.advance(Duration.ofMillis(100));
        }
        fixture.delivered.forEach(delivery ->
                assertEquals(GossipId.of(delivery.topic(), delivery.payload()), delivery.id(), "content-addressed"));

        int before = fixture.delivered.size();
        fixture.receive(neighbours.get(1), RouterFixture.frame(RouterFixture.publish("honest " + input.length, 3)));
        assertTrue(fixture.delivered.size() == before + 1 || fixture.delivered.stream()
                .anyMatch(delivery -> delivery.payload().toStringUtf8().equals("honest " + input.length)));
    }

    /** The input as length-prefixed frames, so that one input can be a whole conversation. */
    private static List<GossipFrame> frames(byte[] input) {
        List<GossipFrame> frames = new java.util.ArrayList<>();
        int at = 0;
        while (at < input.length) {
            int length = Math.min(input[at] & 0xff, input.length - at - 1);
            try {
                frames.add(GossipFrame.parseFrom(java.util.Arrays.copyOfRange(input, at + 1, at + 1 + length)));
            } catch (InvalidProtocolBufferException ignored) {
                // a frame that does not parse never reaches the router: the link drops it
            }
            at += 1 + length;
        }
        return frames;
    }
}
