package org.parley.link.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.parley.identity.Identity;
import org.parley.link.HostPort;
import org.parley.link.LinkConfig;
import org.parley.proto.wire.v1.Frame;
import org.parley.proto.wire.v1.Hello;
import org.parley.runtime.EventLoop;

/** Dial-back probes against a real TLS network on loopback. */
class TlsAddressProbeTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    @Test
    void aProbeReachesTheExpectedPeerOnlyAndMakesNoLink() throws Exception {
        Identity alice = Identity.generate("alice", RANDOM);
        Identity bob = Identity.generate("bob", RANDOM);
        EventLoop loop = closing(new EventLoop("probe-test"));
        RecordingListener events = new RecordingListener(Frame.newBuilder()
                .setHello(Hello.newBuilder().setProtocolVersion(LinkConfig.PROTOCOL_VERSION)).build());
        TlsGrpcNetwork aliceNetwork = closing(new TlsGrpcNetwork(alice, new HostPort("127.0.0.1", 0),
                LinkConfig.defaults(), loop));
        aliceNetwork.start(events);
        HostPort aliceAddress = aliceNetwork.listenAddresses().get(0);
        TlsAddressProbe probe = closing(new TlsAddressProbe(bob, loop, Duration.ofSeconds(5)));

        assertTrue(probe(probe, alice, aliceAddress), "alice proves her peer ID where she listens");
        assertFalse(probe(probe, bob, aliceAddress), "someone else's peer ID is not proved there");
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        assertFalse(probe(probe, alice, new HostPort("127.0.0.1", closedPort)), "nobody listens there");
        assertNull(events.poll(500), "the probed node saw no link");
    }

    private static boolean probe(TlsAddressProbe probe, Identity expected, HostPort address) throws Exception {
        CompletableFuture<Boolean> outcome = new CompletableFuture<>();
        probe.probe(expected.peerId(), address, outcome::complete);
        return outcome.get(20, TimeUnit.SECONDS);
    }

    private <T extends AutoCloseable> T closing(T resource) {
        resources.add(resource);
        return resource;
    }
}
