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
import org.parley.runtime.VirtualScheduler;

/**
 * A dial nobody answers: refused at once by default; once the fabric says so, failed only after
 * the dialler's hello timeout, as a dial to a departed host is over TLS.
 */
class InMemoryUnansweredDialTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final VirtualScheduler loop = new VirtualScheduler(1_000_000L);
    private final InMemoryFabric fabric = new InMemoryFabric();
    private final List<String> events = new ArrayList<>();
    private final InMemoryNetwork dialler = endpoint("a", new HostPort("198.51.100.21", 7450));
    private final PeerId departed = Identity.generate("gone", RANDOM).peerId();
    private final HostPort departedAddress = new HostPort("198.51.100.22", 7450);

    @Test
    void aDialToAnAddressNobodyListensAtIsRefusedAtOnceByDefault() {
        dialler.dial(DialTarget.peerAt(departed, departedAddress));
        loop.runUntilIdle();
        assertEquals(List.of("dial failed: connection refused"), events);
    }

    @Test
    void aDialToADepartedPeerCostsTheHelloTimeoutWhenUnansweredDialsTimeOut() {
        fabric.unansweredDialsTimeOut();
        dialler.dial(DialTarget.peerAt(departed, departedAddress));
        loop.advance(LinkConfig.defaults().helloTimeout().minusMillis(1));
        assertEquals(List.of(), events);
        loop.advance(Duration.ofMillis(1));
        assertEquals(List.of("dial failed: no answer from " + departedAddress + " in time"), events);
    }

    @Test
    void aDialToAnAddressBehindANatAlsoWaitsOutTheTimeout() {
        fabric.unansweredDialsTimeOut();
        HostPort natted = new HostPort("198.51.100.23", 7450);
        InMemoryNetwork behind = endpoint("b", natted);
        fabric.natFor(natted, NatType.SYMMETRIC);
        dialler.dial(DialTarget.peerAt(behind.self(), natted));
        loop.advance(LinkConfig.defaults().helloTimeout().minusMillis(1));
        assertEquals(List.of(), events);
        loop.advance(Duration.ofMillis(1));
        assertEquals(List.of("dial failed: no answer in time: behind a NAT"), events);
    }

    private InMemoryNetwork endpoint(String name, HostPort address) {
        Identity identity = Identity.generate(name, RANDOM);
        InMemoryNetwork network = fabric.endpoint(identity.peerId(), address, LinkConfig.defaults(), loop);
        network.start(new LinkListener() {
            @Override
            public void linkUp(Link link) {
                events.add("up to " + link.remotePeer().shortForm());
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
        return network;
    }
}
