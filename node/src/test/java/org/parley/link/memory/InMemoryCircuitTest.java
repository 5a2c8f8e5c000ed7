package org.parley.link.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.link.DialTarget;
import org.parley.link.HostPort;
import org.parley.link.LinkConfig;
import org.parley.link.LinkManager;
import org.parley.link.LinkPath;
import org.parley.link.PeerInfo;
import org.parley.link.relay.CircuitRelay;
import org.parley.link.relay.RelayChoice;
import org.parley.link.relay.RelayClient;
import org.parley.link.relay.RelayFrames;
import org.parley.link.relay.RelayLimits;
import org.parley.proto.wire.v1.DhtMessage;
import org.parley.proto.wire.v1.FindNode;
import org.parley.proto.wire.v1.Frame;
import org.parley.runtime.SeededRng;
import org.parley.runtime.VirtualScheduler;

/** Relayed links on the in-memory network: a peer behind a NAT is reached through its relay only. */
class InMemoryCircuitTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final VirtualScheduler loop = new VirtualScheduler(1_700_000_000_000L);
    private final InMemoryFabric fabric = new InMemoryFabric(LinkConditions.of(Duration.ofMillis(5),
            Duration.ofMillis(20), 0, new SeededRng(9), loop));
    private int nodes;

    private final class Node {
        final PeerId id;
        final HostPort address;
        final InMemoryNetwork network;
        final LinkManager links;
        final List<List<PeerId>> announced = new ArrayList<>();
        CircuitRelay<?> relay;
        RelayClient client;

        Node(NatType nat, RelayLimits limits) {
            int n = ++nodes;
            id = Identity.generate("node" + n, RANDOM).peerId();
            address = new HostPort("10.0." + n + ".1", 7000);
            fabric.natFor(address, nat);
            network = fabric.endpoint(id, address, LinkConfig.defaults(), loop);
            links = new LinkManager(id, network, loop, loop, new SeededRng(n), LinkConfig.defaults(), "test");
            relay = network.serveRelay(links, links::isBanned, loop, limits);
            links.addListener(relay);
            client = new RelayClient(links, loop, new RelayChoice(1), () -> !nat.acceptsInbound(), announced::add,
                    network::answerCircuit);
            links.addListener(client);
            links.addFrameHandler(new RelayFrames(relay, client));
            links.start();
            client.start();
        }

        Optional<PeerInfo> peer(PeerId other) {
            return links.connectedPeers().stream().filter(info -> info.peerId().equals(other)).findFirst();
        }
    }

    @Test
    void aPeerBehindANatIsReachedThroughItsRelayAndOnlyThere() {
        Node relay = new Node(NatType.NONE, RelayLimits.defaults());
        Node target = new Node(NatType.SYMMETRIC, RelayLimits.defaults());
        Node dialler = new Node(NatType.ENDPOINT_INDEPENDENT, RelayLimits.defaults());
        target.links.keepLinkTo(DialTarget.peerAt(relay.id, relay.address));
        loop.advance(Duration.ofSeconds(5));
        assertEquals(List.of(relay.id), target.client.relays(), "the relay holds a reservation for the target");

        dialler.links.dialOnce(DialTarget.peerAt(target.id, target.address));
        loop.advance(Duration.ofSeconds(5));
        assertFalse(dialler.links.isConnected(target.id), "nobody dials into a NAT");

        dialler.links.dialOnce(DialTarget.peerVia(target.id, relay.id, relay.address));
        loop.advance(Duration.ofSeconds(5));
        PeerInfo seen = dialler.peer(target.id).orElseThrow(() -> new AssertionError("no relayed link"));
        assertEquals(LinkPath.RELAYED, seen.path());
        assertEquals(Optional.of(relay.id), seen.relay());
        assertEquals(LinkPath.RELAYED, target.peer(dialler.id).orElseThrow().path());
        assertTrue(relay.network.bytesRelayed() > 0, "the Hellos went through the relay");
        assertEquals(relay.network.bytesRelayed(), fabric.bytesRelayedAt(relay.address));
        assertEquals(1, relay.relay.circuitCount());

        relay.links.stop();
        relay.network.close();
        loop.advance(Duration.ofSeconds(5));
        assertFalse(dialler.links.isConnected(target.id), "the relayed link ends with its relay");
        assertFalse(target.links.isConnected(dialler.id));
        assertEquals(0, relay.relay.circuitCount(), "the circuit's place is given back");
    }

    @Test
    void aCircuitToAPeerWithoutAReservationIsRefused() {
        Node relay = new Node(NatType.NONE, RelayLimits.defaults());
        Node unreserved = new Node(NatType.ADDRESS_DEPENDENT, RelayLimits.defaults());
        unreserved.client.stop();
        Node dialler = new Node(NatType.NONE, RelayLimits.defaults());
        dialler.links.dialOnce(DialTarget.peerVia(unreserved.id, relay.id, relay.address));
        loop.advance(Duration.ofSeconds(15));
        assertFalse(dialler.links.isConnected(unreserved.id));
        assertEquals(0, relay.relay.circuitCount());
        assertEquals(0, relay.network.bytesRelayed());
    }

    @Test
    void aCircuitEndsAtItsByteBudget() {
        Node relay = new Node(NatType.NONE, RelayLimits.defaults().withCircuitBudget(256 * 1024, 1000,
                Duration.ofMinutes(30)));
        Node target = new Node(NatType.ENDPOINT_INDEPENDENT, RelayLimits.defaults());
        Node dialler = new Node(NatType.NONE, RelayLimits.defaults());
        target.links.keepLinkTo(DialTarget.peerAt(relay.id, relay.address));
        loop.advance(Duration.ofSeconds(5));
        dialler.links.dialOnce(DialTarget.peerVia(target.id, relay.id, relay.address));
        loop.advance(Duration.ofSeconds(5));
        assertTrue(dialler.links.isConnected(target.id), "the Hellos fit in the budget");
        Frame big = Frame.newBuilder().setDht(DhtMessage.newBuilder().setRequestId(1)
                .setFindNode(FindNode.newBuilder().setTarget(ByteString.copyFrom(new byte[300])))).build();
        for (int i = 0; i < 5; i++) {
            dialler.links.send(target.id, big);
        }
        loop.advance(Duration.ofSeconds(5));
        assertFalse(dialler.links.isConnected(target.id), "1,500 bytes more do not");
        assertTrue(relay.network.bytesRelayed() <= 1000, "nothing carried past the budget: " + relay.network.bytesRelayed());
        assertEquals(0, relay.relay.circuitCount());
    }
}
