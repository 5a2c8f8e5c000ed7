package org.parley.link.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.Socket;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.parley.identity.Identity;
import org.parley.link.DialTarget;
import org.parley.link.Direction;
import org.parley.link.HostPort;
import org.parley.link.LinkConfig;
import org.parley.proto.wire.v1.Frame;
import org.parley.proto.wire.v1.Hello;
import org.parley.runtime.EventLoop;

/** The TLS network on real sockets on loopback. */
class TlsGrpcNetworkTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int FRAME_LIMIT = 4096;
    private static final LinkConfig CONFIG = new LinkConfig(FRAME_LIMIT, 64,
            LinkConfig.defaults().helloTimeout(), 500, 2000, 100, 1, LinkConfig.defaults().banDuration(),
            LinkConfig.defaults().redial(), LinkConfig.defaults().keepAlive());

    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    @Test
    void twoNodesLinkLearnEachOthersVerifiedIdsAndExchangeFrames() throws Exception {
        Node alice = node("alice");
        Node bob = node("bob");
        bob.network.dial(DialTarget.anyPeerAt(alice.address()));

        RecordingListener.Event atAlice = alice.events.next("up");
        assertEquals(bob.identity.peerId(), atAlice.link().remotePeer());
        assertEquals(Direction.INBOUND, atAlice.link().direction());
        RecordingListener.Event atBob = bob.events.next("up");
        assertEquals(alice.identity.peerId(), atBob.link().remotePeer());
        assertEquals(Direction.OUTBOUND, atBob.link().direction());

        assertEquals("alice", alice.events.next("frame").frame().getHello().getAgent().isEmpty() ? "" : "alice");
        for (int i = 0; i < 100; i++) {
            atBob.link().send(hello("n" + i));
        }
        for (int i = 0; i < 100; i++) {
            assertEquals("n" + i, alice.events.next("frame").frame().getHello().getAgent(), "in order");
        }
    }

    @Test
    void dialingAPeerIdWhereAnotherIdentityAnswersIsRefused() throws Exception {
        Node alice = node("alice");
        Node bob = node("bob");
        Identity mallory = Identity.generate("mallory", RANDOM);
        bob.network.dial(DialTarget.peerAt(mallory.peerId(), alice.address()));
        RecordingListener.Event failed = bob.events.next("dialFailed");
        assertTrue(failed.reason().contains("expected peer"), failed.reason());
        assertNull(bob.events.poll(500));

        bob.network.dial(DialTarget.peerAt(alice.identity.peerId(), alice.address()));
        assertEquals(alice.identity.peerId(), bob.events.next("up").link().remotePeer());
    }

    @Test
    void aCertificateWithAnInvalidBindingIsRefused() throws Exception {
        Node alice = node("alice");
        Identity forger = Identity.generate("forger", RANDOM);
        KeyPair certificateKey = CertificateBinding.newCertificateKey();
        byte[] otherKeyInfo = CertificateBinding.newCertificateKey().getPublic().getEncoded();
        CertificateBinding.Credentials forged = CertificateBinding.issue(forger, certificateKey, otherKeyInfo);
        Node forgerNode = node(forger, forged);

        forgerNode.network.dial(DialTarget.anyPeerAt(alice.address()));
        forgerNode.events.next("dialFailed");
        assertNull(alice.events.poll(500), "the listener never saw a link");
    }

    @Test
    void garbageAndOversizedFramesLeaveTheNodeServingItsOtherLinks() throws Exception {
        Node alice = node("alice");
        Node bob = node("bob");
        bob.network.dial(DialTarget.anyPeerAt(alice.address()));
        RecordingListener.Event bobLink = bob.events.next("up");
        alice.events.next("up");

        try (Socket socket = new Socket(alice.address().host(), alice.address().port())) {
            byte[] garbage = new byte[64 * 1024];
            RANDOM.nextBytes(garbage);
            OutputStream out = socket.getOutputStream();
            out.write(garbage);
            out.flush();
        } catch (java.io.IOException resetByPeer) {
            // The node may hang up before we finish writing: that is the point.
        }

        Node big = node("big");
        big.network.dial(DialTarget.anyPeerAt(alice.address()));
        RecordingListener.Event bigLink = big.events.next("up");
        assertTrue(bigLink.link().send(hello("x".repeat(FRAME_LIMIT * 2))));
        big.events.next("down");

        bobLink.link().send(hello("still here"));
        RecordingListener.Event frame;
        do {
            frame = alice.events.next("frame");
        } while (!frame.frame().getHello().getAgent().equals("still here"));
        assertEquals(bob.identity.peerId(), frame.link().remotePeer());

        Node carol = node("carol");
        carol.network.dial(DialTarget.anyPeerAt(alice.address()));
        assertEquals(alice.identity.peerId(), carol.events.next("up").link().remotePeer());
    }

    @Test
    void closingOneEndTakesTheLinkDownOnBothAndARestartedNodeIsReachableAgain() throws Exception {
        Identity aliceIdentity = Identity.generate("alice", RANDOM);
        Node alice = node(aliceIdentity, CertificateBinding.create(aliceIdentity));
        Node bob = node("bob");
        bob.network.dial(DialTarget.anyPeerAt(alice.address()));
        bob.events.next("up");
        alice.events.next("up");

        HostPort address = alice.address();
        alice.network.close();
        bob.events.next("down");

        Node again = node(aliceIdentity, CertificateBinding.create(aliceIdentity), address);
        bob.network.dial(DialTarget.peerAt(aliceIdentity.peerId(), address));
        assertEquals(aliceIdentity.peerId(), bob.events.next("up").link().remotePeer());
        again.events.next("up");
    }

    private static Frame hello(String agent) {
        return Frame.newBuilder().setHello(Hello.newBuilder().setProtocolVersion(1).setAgent(agent)).build();
    }

    private Node node(String name) throws Exception {
        Identity identity = Identity.generate(name, RANDOM);
        return node(identity, CertificateBinding.create(identity));
    }

    private Node node(Identity identity, CertificateBinding.Credentials credentials) throws Exception {
        return node(identity, credentials, new HostPort("127.0.0.1", 0));
    }

    private Node node(Identity identity, CertificateBinding.Credentials credentials, HostPort listen) {
        EventLoop loop = new EventLoop("test-" + identity.name());
        RecordingListener events = new RecordingListener(hello(identity.name()));
        TlsGrpcNetwork network = new TlsGrpcNetwork(identity, listen, CONFIG, loop, credentials);
        network.start(events);
        resources.add(loop);
        resources.add(network);
        return new Node(identity, network, events);
    }

    private record Node(Identity identity, TlsGrpcNetwork network, RecordingListener events) {
        HostPort address() {
            return network.listenAddresses().get(0);
        }
    }
}
