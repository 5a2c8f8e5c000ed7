package org.parley.overlay.reachability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.link.EmbeddedLinks;
import org.parley.link.FuzzedFrames;
import org.parley.link.HostPort;
import org.parley.proto.wire.v1.Frame;
import org.parley.proto.wire.v1.ReachabilityFrame;
import org.parley.runtime.SeededRng;
import org.parley.runtime.VirtualScheduler;

/**
 * A stream of arbitrary reachability frames from one neighbour: nothing escapes, every dial-back
 * goes to the IP address that neighbour's link comes from (never a host it names), and one
 * neighbour alone cannot make the node announce an address.
 */
class ReachabilityFuzzTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final PeerId MALLORY = Identity.generate("mallory", RANDOM).peerId();
    private static final HostPort MALLORY_SEEN_AT = new HostPort("203.0.113.9", 41_000);

    @FuzzTest(maxDuration = "60s")
    void hostileReachabilityFramesDialBackOnlyTheirSender(byte[] input) {
        VirtualScheduler loop = new VirtualScheduler(1_700_000_000_000L);
        EmbeddedLinks links = new EmbeddedLinks();
        List<HostPort> probed = new ArrayList<>();
        ReachabilityService service = new ReachabilityService(links,
                peer -> peer.equals(MALLORY) ? Optional.of(MALLORY_SEEN_AT) : Optional.empty(),
                (expected, address, done) -> {
                    assertEquals(MALLORY, expected, "only the asker is dialled back");
                    probed.add(address);
                    loop.execute(() -> done.accept(true));
                },
                () -> List.of(new HostPort("10.0.0.1", 7000)), loop, loop, new SeededRng(1),
                ReachabilityConfig.defaults());
        links.addLayer(service);
        service.start();
        links.open(MALLORY);

        for (ReachabilityFrame frame : FuzzedFrames.split(input, ReachabilityFrame.parser())) {
            links.inject(MALLORY, Frame.newBuilder().setReachability(frame).build());
            loop.advance(Duration.ofMillis(100));
        }
        loop.advance(Duration.ofSeconds(30));

        probed.forEach(address -> assertEquals(MALLORY_SEEN_AT.host(), address.host(), "dialled back where it is"));
        assertEquals(List.of(), service.confirmedAddresses(), "one peer alone confirms nothing");
    }
}
