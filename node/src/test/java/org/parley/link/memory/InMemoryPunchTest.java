package org.parley.link.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.link.DialTarget;
import org.parley.link.HostPort;
import org.parley.link.Link;
import org.parley.link.LinkConfig;
import org.parley.link.LinkListener;
import org.parley.proto.wire.v1.Frame;
import org.parley.proto.wire.v1.Hello;
import org.parley.runtime.VirtualScheduler;

/** The in-memory network's punch: two punches aimed at each other meet; anything else fails in time. */
class InMemoryPunchTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final VirtualScheduler loop = new VirtualScheduler(1_000_000L);
    private final InMemoryFabric fabric = new InMemoryFabric();
    private final Node a = node("a", new HostPort("198.51.100.11", 7450));
    private final Node b = node("b", new HostPort("198.51.100.12", 7450));

    @Test
    void twoPunchesAtEachOtherMakeOneHolePunchedLinkThroughNatsThatRefuseDials() {
        fabric.refuseInbound(a.address);
        fabric.refuseInbound(b.address);
        a.network.dial(DialTarget.peerAt(b.id, b.address));
        loop.runUntilIdle();
        assertEquals(List.of("dial failed: no answer: behind a NAT"), a.events);

        a.network.punch(b.id, b.address, reason -> a.events.add("punch failed: " + reason));
        b.network.punch(a.id, a.address, reason -> b.events.add("punch failed: " + reason));
        loop.advance(Duration.ofSeconds(10));
        boolean aDials = a.id.compareTo(b.id) < 0;
        assertEquals(List.of("dial failed: no answer: behind a NAT",
                "up hole-punched " + (aDials ? "outbound" : "inbound") + " to " + b.id.shortForm()), a.events);
        assertEquals(List.of("up hole-punched " + (aDials ? "inbound" : "outbound") + " to " + a.id.shortForm()),
                b.events);
    }

    @Test
    void aPunchNobodyMeetsFailsAfterTheWindow() {
        a.network.punch(b.id, b.address, reason -> a.events.add("punch failed: " + reason));
        loop.advance(InMemoryNetwork.PUNCH_WINDOW.minusMillis(1));
        assertEquals(List.of(), a.events);
        loop.advance(Duration.ofMillis(1));
        assertEquals(List.of("punch failed: no punch from " + b.address + " met ours in time"), a.events);
        assertEquals(List.of(), b.events);
    }

    @Test
    void punchesExpectingOtherPeersDoNotMeet() {
        PeerId someoneElse = Identity.generate("c", RANDOM).peerId();
        a.network.punch(someoneElse, b.address, reason -> a.events.add("punch failed"));
        b.network.punch(a.id, a.address, reason -> b.events.add("punch failed"));
        loop.advance(Duration.ofSeconds(10));
        assertEquals(List.of("punch failed"), a.events);
        assertEquals(List.of("punch failed"), b.events);
    }

    private Node node(String name, HostPort address) {
        Identity identity = Identity.generate(name, RANDOM);
        List<String> events = new ArrayList<>();
        InMemoryNetwork network = fabric.endpoint(identity.peerId(), address, LinkConfig.defaults(), loop);
        network.start(new LinkListener() {
            @Override
            public void linkUp(Link link) {
                events.add("up " + link.path().label() + " " + link.direction().label() + " to "
                        + link.remotePeer().shortForm());
                link.send(Frame.newBuilder().setHello(Hello.newBuilder().setProtocolVersion(1)).build());
            }

            @Override
            public void frameReceived(Link link, Frame frame) {
            }

            @Override
            public void linkDown(Link link, String reason) {
                events.add("down: " + reason);
            }

            @Override
            public void dialFailed(DialTarget target, String reason) {
                events.add("dial failed: " + reason);
            }
        });
        return new Node(identity.peerId(), address, network, events);
    }

    private record Node(PeerId id, HostPort address, InMemoryNetwork network, List<String> events) {
    }
}
