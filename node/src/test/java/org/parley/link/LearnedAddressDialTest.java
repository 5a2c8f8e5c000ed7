package org.parley.link;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.runtime.SeededRng;
import org.parley.runtime.VirtualScheduler;

/**
 * A peer's record may list any address, and every node that reads it dials it: a hostile peer
 * would aim strangers' dials at their own loopback or LAN services. Learned addresses in such
 * scopes are dialed only by nodes on that network themselves.
 */
class LearnedAddressDialTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final VirtualScheduler loop = new VirtualScheduler(1_700_000_000_000L);
    private final PeerId stranger = Identity.generate("stranger", RANDOM).peerId();

    @Test
    void aNodeOnThePublicInternetDialsNoLoopbackPrivateOrLinkLocalAddressItLearns() {
        RecordingNetwork network = new RecordingNetwork(new HostPort("203.0.113.7", 7450));
        LinkManager links = manager(network);
        List<String> local = List.of("127.0.0.1:22", "localhost:6379", "10.1.2.3:7450", "172.20.0.1:80",
                "192.168.1.1:80", "169.254.169.254:80", "100.64.0.1:7450", "[::1]:22", "[fe80::1]:7450",
                "[fd00::1]:7450", "[::ffff:127.0.0.1]:22", "0.0.0.0:7450", "[::]:7450");
        for (String address : local) {
            links.dialOnce(DialTarget.peerAt(stranger, HostPort.parse(address)));
        }
        assertEquals(List.of(), network.dialed);
        assertEquals(local.size(), links.refusedDials());

        for (String address : List.of("198.51.100.9:7450", "203.0.113.9:7450", "[2001:db8::1]:7450",
                "peer.example:7450", "172.32.0.1:7450", "100.128.0.1:7450")) {
            links.dialOnce(DialTarget.peerAt(stranger, HostPort.parse(address)));
        }
        assertEquals(List.of("198.51.100.9:7450", "203.0.113.9:7450", "[2001:db8::1]:7450", "peer.example:7450",
                "172.32.0.1:7450", "100.128.0.1:7450"), network.dialed);
    }

    @Test
    void dialsInTurnSkipLocalAddressesAndRelaysOfTheRecord() {
        RecordingNetwork network = new RecordingNetwork(new HostPort("203.0.113.7", 7450));
        LinkManager links = manager(network);
        PeerId relay = Identity.generate("relay", RANDOM).peerId();
        links.dialInTurn(List.of(DialTarget.peerAt(stranger, HostPort.parse("192.168.1.1:7450")),
                DialTarget.peerVia(stranger, relay, HostPort.parse("127.0.0.1:7450")),
                DialTarget.peerAt(stranger, HostPort.parse("198.51.100.9:7450"))));
        assertEquals(List.of("198.51.100.9:7450"), network.dialed);
        assertEquals(2, links.refusedDials());
        links.dialInTurn(List.of(DialTarget.peerAt(stranger, HostPort.parse("10.0.0.1:7450"))));
        assertEquals(List.of("198.51.100.9:7450"), network.dialed);
    }

    @Test
    void aNodeListeningOnLoopbackDialsLoopbackAndOnlyThat() {
        RecordingNetwork network = new RecordingNetwork(new HostPort("127.0.0.1", 7001));
        LinkManager links = manager(network);
        links.dialOnce(DialTarget.peerAt(stranger, HostPort.parse("127.0.0.1:7002")));
        links.dialOnce(DialTarget.peerAt(stranger, HostPort.parse("localhost:7003")));
        links.dialOnce(DialTarget.peerAt(stranger, HostPort.parse("192.168.0.5:7004")));
        assertEquals(List.of("127.0.0.1:7002", "localhost:7003"), network.dialed);
    }

    @Test
    void aNodeInAPrivateRangeDialsThatRangeOnly() {
        RecordingNetwork network = new RecordingNetwork(new HostPort("10.0.1.1", 7450));
        LinkManager links = manager(network);
        links.dialOnce(DialTarget.peerAt(stranger, HostPort.parse("10.0.2.1:7450")));
        links.dialOnce(DialTarget.peerAt(stranger, HostPort.parse("192.168.1.1:7450")));
        links.dialOnce(DialTarget.peerAt(stranger, HostPort.parse("127.0.0.1:7450")));
        assertEquals(List.of("10.0.2.1:7450"), network.dialed);
    }

    @Test
    void aWildcardListenerIsOnTheNetworksOfItsBootstrapPeers() {
        RecordingNetwork network = new RecordingNetwork(new HostPort("0.0.0.0", 7450));
        LinkManager links = manager(network);
        links.dialOnce(DialTarget.peerAt(stranger, HostPort.parse("192.168.1.20:7450")));
        assertEquals(List.of(), network.dialed, "listening on every interface says nothing of the networks");

        links.keepLinkTo(DialTarget.anyPeerAt(HostPort.parse("192.168.1.10:7450")));
        links.dialOnce(DialTarget.peerAt(stranger, HostPort.parse("192.168.1.20:7450")));
        links.dialOnce(DialTarget.peerAt(stranger, HostPort.parse("10.0.0.1:7450")));
        assertEquals(List.of("192.168.1.10:7450", "192.168.1.20:7450"), network.dialed);
    }

    private LinkManager manager(Network network) {
        PeerId self = Identity.generate("self", RANDOM).peerId();
        LinkManager links = new LinkManager(self, network, loop, loop, new SeededRng(1), LinkConfig.defaults(), "test");
        links.start();
        return links;
    }

    /** Listens nowhere real; remembers what it was asked to dial. */
    private static final class RecordingNetwork implements Network {
        private final HostPort listening;
        final List<String> dialed = new ArrayList<>();

        RecordingNetwork(HostPort listening) {
            this.listening = listening;
        }

        @Override
        public void start(LinkListener listener) {
        }

        @Override
        public List<HostPort> listenAddresses() {
            return List.of(listening);
        }

        @Override
        public void dial(DialTarget target) {
            dialed.add(target.address().toString());
        }

        @Override
        public void close() {
        }
    }
}
