package org.parley.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.api.ApiException;
import org.parley.api.PeerView;
import org.parley.identity.Identity;
import org.parley.link.Backoff;
import org.parley.link.DialTarget;
import org.parley.link.HostPort;
import org.parley.link.LinkConfig;
import org.parley.link.memory.InMemoryFabric;
import org.parley.store.ProfileHome;

/** Whole nodes (real loop, real SQLite) on the in-memory network. */
class ParleyNodeTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final LinkConfig LINKS = LinkConfig.defaults()
            .withRedial(new Backoff(Duration.ofMillis(50), Duration.ofMillis(500)));

    @TempDir
    Path directory;

    private final InMemoryFabric fabric = new InMemoryFabric();

    @Test
    void aRestartedNodeRejoinsThroughTheNeighboursItRemembers() throws Exception {
        Identity alice = Identity.generate("alice", RANDOM);
        Identity bob = Identity.generate("bob", RANDOM);
        HostPort aliceAddress = new HostPort("10.0.0.1", 7450);
        HostPort bobAddress = new HostPort("10.0.0.2", 7450);
        try (ParleyNode aliceNode = start(alice, aliceAddress, List.of())) {
            try (ParleyNode bobNode = start(bob, bobAddress, List.of(DialTarget.anyPeerAt(aliceAddress)))) {
                awaitPeers(bobNode, List.of(alice.peerId().toString()));
            }
            // Bob comes back without any bootstrap peer and still finds alice.
            try (ParleyNode bobAgain = start(bob, bobAddress, List.of())) {
                awaitPeers(bobAgain, List.of(alice.peerId().toString()));
                PeerView seen = bobAgain.api().peers().get(0);
                assertEquals(aliceAddress.toString(), seen.address());
                assertEquals("outbound", seen.direction());
            }
        }
    }

    @Test
    void aHomeWhoseDatabaseIsNotOursIsAClearError() throws Exception {
        ProfileHome home = new ProfileHome(directory.resolve("broken"));
        home.create();
        Files.writeString(home.database(), "not a database".repeat(10));
        Identity alice = Identity.generate("alice", RANDOM);
        ApiException error = assertThrows(ApiException.class, () -> ParleyNode.start(alice, new byte[32], home,
                new NodeOptions(new HostPort("10.0.0.1", 1), List.of(), LINKS),
                loop -> fabric.endpoint(alice.peerId(), new HostPort("10.0.0.1", 1), LINKS, loop)));
        assertTrue(error.getMessage().endsWith("is not a Parley database"), error.getMessage());
    }

    @Test
    void theApiShowsTheNodesOwnIdentity() throws Exception {
        Identity alice = Identity.generate("alice", RANDOM);
        try (ParleyNode node = start(alice, new HostPort("10.0.0.1", 7450), List.of())) {
            assertEquals(alice.peerId().toString(), node.api().identity().peerId());
            assertEquals("alice", node.api().identity().name());
            assertEquals(List.of("10.0.0.1:7450"), node.api().identity().listenAddresses());
        }
    }

    private ParleyNode start(Identity identity, HostPort address, List<DialTarget> bootstrap) throws Exception {
        ProfileHome home = new ProfileHome(directory.resolve(identity.name()));
        home.create();
        return ParleyNode.start(identity, new byte[32], home, new NodeOptions(address, bootstrap, LINKS),
                loop -> fabric.endpoint(identity.peerId(), address, LINKS, loop));
    }

    private static void awaitPeers(ParleyNode node, List<String> expected) throws Exception {
        Instant deadline = Instant.now().plusSeconds(20);
        List<String> actual = List.of();
        while (Instant.now().isBefore(deadline)) {
            actual = node.api().peers().stream().map(PeerView::peerId).toList();
            if (actual.equals(expected)) {
                return;
            }
            Thread.sleep(20);
        }
        assertEquals(expected, actual);
    }
}
