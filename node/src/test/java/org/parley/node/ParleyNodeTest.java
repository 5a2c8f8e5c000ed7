package org.parley.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.api.ApiException;
import org.parley.api.LookupView;
import org.parley.api.MessageView;
import org.parley.api.PeerView;
import org.parley.identity.Identity;
import org.parley.link.Backoff;
import org.parley.link.DialTarget;
import org.parley.link.HostPort;
import org.parley.link.LinkConfig;
import org.parley.link.memory.InMemoryFabric;
import org.parley.store.ProfileHome;
import org.parley.testing.Eventually;

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
    void aMessageToAPeerNeverLinkedToIsDeliveredAfterALookup() throws Exception {
        Identity hub = Identity.generate("hub", RANDOM);
        Identity ann = Identity.generate("ann", RANDOM);
        Identity dan = Identity.generate("dan", RANDOM);
        HostPort hubAddress = new HostPort("10.0.0.1", 7450);
        HostPort danAddress = new HostPort("10.0.2.1", 7450);
        List<DialTarget> viaHub = List.of(DialTarget.peerAt(hub.peerId(), hubAddress));
        // One link each, of their own: only the lookup can link ann with dan.
        try (ParleyNode hubNode = start(hub, hubAddress, List.of(), 1);
             ParleyNode annNode = start(ann, new HostPort("10.0.1.1", 7450), viaHub, 1);
             ParleyNode danNode = start(dan, danAddress, viaHub, 1)) {
            awaitPeers(hubNode, Stream.of(ann, dan).map(identity -> identity.peerId().toString()).sorted().toList());

            assertEquals(List.of(hub.peerId().toString()), annNode.api().peers().stream().map(PeerView::peerId).toList(),
                    "ann and dan have never been linked");
            // The lookup asks dan himself for his newest record, so it may link the two already.
            LookupView found = annNode.api().lookup(dan.peerId().toString());
            assertTrue(found.found(), found.toString());
            assertEquals(List.of(danAddress.toString()), found.record().addresses());

            annNode.api().send(dan.peerId().toString(), "found by ID");
            Eventually.await(() -> !danNode.api().history(ann.peerId().toString(), 10, Optional.empty()).isEmpty(),
                    "the message at dan");
            List<MessageView> history = danNode.api().history(ann.peerId().toString(), 10, Optional.empty());
            assertEquals("found by ID", history.get(0).text());
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
        return start(identity, address, bootstrap, new NodeOptions(address, bootstrap, LINKS).targetLinks());
    }

    private ParleyNode start(Identity identity, HostPort address, List<DialTarget> bootstrap, int targetLinks)
            throws Exception {
        ProfileHome home = new ProfileHome(directory.resolve(identity.name()));
        home.create();
        return ParleyNode.start(identity, new byte[32], home,
                new NodeOptions(address, bootstrap, LINKS).withTargetLinks(targetLinks),
                loop -> fabric.endpoint(identity.peerId(), address, LINKS, loop));
    }

    private static void awaitPeers(ParleyNode node, List<String> expected) throws Exception {
        Eventually.await(() -> node.api().peers().stream().map(PeerView::peerId).toList().equals(expected),
                "linked to exactly " + expected);
    }
}
