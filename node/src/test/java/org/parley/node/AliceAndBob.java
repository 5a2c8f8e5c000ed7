package org.parley.node;

import java.security.SecureRandom;
import java.util.List;
import org.parley.control.ControlClient;
import org.parley.control.ControlServer;
import org.parley.identity.Identity;
import org.parley.link.DialTarget;
import org.parley.link.HostPort;

/**
 * Two whole nodes for the control API's tests: alice, whose control socket is open to a client,
 * and bob, who dials her at start. Closing it closes the client, the socket and both nodes.
 */
final class AliceAndBob implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final HostPort ALICE_ADDRESS = new HostPort("10.0.0.1", 7450);
    private static final HostPort BOB_ADDRESS = new HostPort("10.0.0.2", 7450);

    final Identity alice = Identity.generate("alice", RANDOM);
    final Identity bob = Identity.generate("bob", RANDOM);
    final String aliceId = alice.peerId().toString();
    final String bobId = bob.peerId().toString();
    final ParleyNode aliceNode;
    final ParleyNode bobNode;
    final ControlClient client;
    private final ControlServer server;

    AliceAndBob(MemoryNodes nodes) throws Exception {
        var home = nodes.home("alice");
        aliceNode = nodes.start(alice, home, ALICE_ADDRESS, List.of());
        bobNode = nodes.start(bob, nodes.home("bob"), BOB_ADDRESS, List.of(DialTarget.peerAt(alice.peerId(), ALICE_ADDRESS)));
        server = ControlServer.start(aliceNode.api(), home);
        client = ControlClient.connectOrExplain(home);
    }

    @Override
    public void close() throws Exception {
        try (aliceNode; bobNode; server; client) {
            // closed in reverse order: the client first, alice's node last
        }
    }
}
