package org.parley.link.punch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.link.Direction;
import org.parley.link.EmbeddedLinks;
import org.parley.link.FuzzedFrames;
import org.parley.link.HostPort;
import org.parley.link.LinkPath;
import org.parley.link.PeerInfo;
import org.parley.proto.wire.v1.Frame;
import org.parley.proto.wire.v1.PunchFrame;
import org.parley.runtime.SeededRng;
import org.parley.runtime.VirtualScheduler;

/**
 * A stream of arbitrary punch frames from a peer linked through a relay, to either end of the
 * exchange: nothing escapes, and whatever is punched is aimed only at the IP address the relay
 * sees that peer at, never at an address the peer named.
 */
class HolePunchFuzzTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Identity A = Identity.generate("a", RANDOM);
    private static final Identity B = Identity.generate("b", RANDOM);
    private static final PeerId RELAY = Identity.generate("relay", RANDOM).peerId();
    private static final HostPort SEEN = new HostPort("198.51.100.12", 40_002);

    @FuzzTest(maxDuration = "60s")
    void hostilePunchFramesAimOnlyWhereTheRelaySeesThePeer(byte[] input) {
        // Both roles: the first byte picks whether we are the initiator (smaller ID) or the responder.
        boolean weInitiate = input.length > 0 && (input[0] & 1) == 0;
        PeerId self = weInitiate == (A.peerId().compareTo(B.peerId()) < 0) ? A.peerId() : B.peerId();
        PeerId peer = self.equals(A.peerId()) ? B.peerId() : A.peerId();
        VirtualScheduler loop = new VirtualScheduler(1_700_000_000_000L);
        EmbeddedLinks links = new EmbeddedLinks();
        List<HostPort> punched = new ArrayList<>();
        List<PeerId> fallbacks = new ArrayList<>();
        HolePunch punch = new HolePunch(self, links, (to, address, failed) -> {
            assertEquals(peer, to, "only the linked peer is punched to");
            punched.add(address);
        },
                to -> Optional.of(SEEN), () -> List.of(new HostPort("0.0.0.0", 7450)), loop, loop, new SeededRng(1),
                PunchConfig.defaults(), (to, via) -> fallbacks.add(to));
        links.addLayer(punch);
        links.open(new PeerInfo(peer, "via relay", Direction.OUTBOUND, loop.nowMillis(), "fuzz", LinkPath.RELAYED,
                Optional.of(RELAY)));
        loop.advance(PunchConfig.defaults().startDelay());

        for (PunchFrame frame : FuzzedFrames.split(input.length == 0 ? input
                : java.util.Arrays.copyOfRange(input, 1, input.length), PunchFrame.parser())) {
            links.inject(peer, Frame.newBuilder().setPunch(frame).build());
            loop.advance(Duration.ofMillis(50));
        }
        loop.advance(Duration.ofSeconds(30));

        punched.forEach(address -> assertEquals(SEEN.host(), address.host(), "punched only where the relay sees it"));
        fallbacks.forEach(to -> assertEquals(peer, to));
    }
}
