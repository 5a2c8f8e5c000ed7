package org.parley.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.parley.testing.Eventually.await;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.parley.api.ApiException;
import org.parley.api.ApiException.Kind;
import org.parley.api.GroupView;
import org.parley.api.ParleyApi;
import org.parley.control.ControlClient;
import org.parley.control.ControlServer;
import org.parley.identity.Identity;
import org.parley.link.Backoff;
import org.parley.link.DialTarget;
import org.parley.link.HostPort;
import org.parley.link.LinkConfig;
import org.parley.link.memory.InMemoryFabric;
import org.parley.store.ProfileHome;

/**
 * Each control call's refusals, from a real node through the control socket: the status code
 * (which the client turns back into the refusal's kind) and the one line the user reads.
 */
class ControlStatusCodesTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final LinkConfig LINKS = LinkConfig.defaults()
            .withRedial(new Backoff(Duration.ofMillis(50), Duration.ofMillis(500)));
    private static final String MALFORMED_ID = "p1notapeerid";
    private static final String UNKNOWN_GROUP = "ab".repeat(16);

    @TempDir
    Path directory;

    private final InMemoryFabric fabric = new InMemoryFabric();
    private final String stranger = Identity.generate("stranger", RANDOM).peerId().toString();

    @Test
    void directMessagingCallsAnswerWithTheCodeOfTheirMistake() throws Exception {
        Identity alice = Identity.generate("alice", RANDOM);
        try (Served served = serve(alice, new HostPort("10.0.0.1", 7450), List.of())) {
            ControlClient api = served.client;
            String self = alice.peerId().toString();
            refused(Kind.INVALID_ARGUMENT, "", () -> api.send(MALFORMED_ID, "hi"));
            refused(Kind.INVALID_ARGUMENT, "that is your own peer ID", () -> api.send(self, "hi"));
            refused(Kind.INVALID_ARGUMENT, "message is empty", () -> api.send(stranger, ""));
            refused(Kind.INVALID_ARGUMENT, "the limit is", () -> api.send(stranger, "x".repeat(70_000)));
            api.blockContact(stranger);
            refused(Kind.FAILED_PRECONDITION, "is blocked", () -> api.send(stranger, "hi"));

            refused(Kind.INVALID_ARGUMENT, "limit must be between", () -> api.history(stranger, 0, Optional.empty()));
            refused(Kind.INVALID_ARGUMENT, "", () -> api.history(MALFORMED_ID, 5, Optional.empty()));
            refused(Kind.INVALID_ARGUMENT, "", () -> api.history(stranger, 5, Optional.of("zz")));
            refused(Kind.NOT_FOUND, "no message", () -> api.history(stranger, 5, Optional.of("00".repeat(16))));
            refused(Kind.INVALID_ARGUMENT, "limit must be between", () -> api.messageRequests(0));

            refused(Kind.INVALID_ARGUMENT, "a name has", () -> api.addContact(stranger, " "));
            refused(Kind.INVALID_ARGUMENT, "control characters", () -> api.addContact(stranger, "a\u001b[2J"));
            refused(Kind.INVALID_ARGUMENT, "that is your own peer ID", () -> api.addContact(self, "me"));
            refused(Kind.INVALID_ARGUMENT, "", () -> api.removeContact(MALFORMED_ID));
            refused(Kind.INVALID_ARGUMENT, "", () -> api.blockContact(MALFORMED_ID));
            String other = Identity.generate("other", RANDOM).peerId().toString();
            refused(Kind.FAILED_PRECONDITION, "is not a contact", () -> api.offerRelay(other, false));
            refused(Kind.INVALID_ARGUMENT, "", () -> api.lookup(MALFORMED_ID));
        }
    }

    @Test
    void groupCallsAnswerWithTheCodeOfTheirMistake() throws Exception {
        Identity alice = Identity.generate("alice", RANDOM);
        Identity bob = Identity.generate("bob", RANDOM);
        HostPort aliceAddress = new HostPort("10.0.0.1", 7450);
        try (Served aliceNode = serve(alice, aliceAddress, List.of());
             Served bobNode = serve(bob, new HostPort("10.0.0.2", 7450),
                     List.of(DialTarget.peerAt(alice.peerId(), aliceAddress)))) {
            ControlClient api = aliceNode.client;
            refused(Kind.INVALID_ARGUMENT, "a name has", () -> api.createGroup(""));
            refused(Kind.INVALID_ARGUMENT, "", () -> api.joinGroup("12"));
            refused(Kind.NOT_FOUND, "no invitation", () -> api.joinGroup(UNKNOWN_GROUP));
            refused(Kind.NOT_FOUND, "not a member", () -> api.inviteToGroup(UNKNOWN_GROUP, stranger, false));
            refused(Kind.NOT_FOUND, "", () -> api.sendToGroup(UNKNOWN_GROUP, "hi"));
            refused(Kind.NOT_FOUND, "no group", () -> api.groupHistory(UNKNOWN_GROUP, 5));
            refused(Kind.NOT_FOUND, "no group", () -> api.groupMembers(UNKNOWN_GROUP));
            refused(Kind.NOT_FOUND, "not a member", () -> api.leaveGroup(UNKNOWN_GROUP));

            GroupView club = api.createGroup("club");
            String id = club.groupId();
            String self = alice.peerId().toString();
            refused(Kind.ALREADY_EXISTS, "is already a member", () -> api.inviteToGroup(id, self, false));
            refused(Kind.INVALID_ARGUMENT, "message is empty", () -> api.sendToGroup(id, ""));
            refused(Kind.INVALID_ARGUMENT, "64 hex digits", () -> api.groupHistory(id, 5, Optional.of("xy")));
            refused(Kind.NOT_FOUND, "no message", () -> api.groupHistory(id, 5, Optional.of("cd".repeat(32))));
            refused(Kind.INVALID_ARGUMENT, "limit must be between", () -> api.groupHistory(id, 0));
            refused(Kind.INVALID_ARGUMENT, "use leave", () -> api.removeFromGroup(id, self));
            refused(Kind.NOT_FOUND, "is not a member", () -> api.removeFromGroup(id, stranger));

            String bobId = bob.peerId().toString();
            api.inviteToGroup(id, bobId, false);
            await(() -> bobNode.client.groups().stream().anyMatch(group -> group.groupId().equals(id)),
                    "the invitation reached bob");
            bobNode.client.joinGroup(id);
            refused(Kind.PERMISSION_DENIED, "only an admin", () -> bobNode.client.inviteToGroup(id, stranger, false));
            refused(Kind.PERMISSION_DENIED, "only an admin", () -> bobNode.client.removeFromGroup(id, self));

            api.leaveGroup(id);
            refused(Kind.FAILED_PRECONDITION, "have not joined", () -> api.sendToGroup(id, "still here?"));
            refused(Kind.FAILED_PRECONDITION, "not a member", () -> api.leaveGroup(id));
        }
    }

    private static void refused(Kind kind, String saying, Executable call) {
        ApiException refusal = assertThrows(ApiException.class, call);
        assertEquals(kind, refusal.kind(), refusal.getMessage());
        assertTrue(refusal.getMessage().contains(saying), refusal.getMessage());
        assertTrue(!refusal.getMessage().isBlank() && !refusal.getMessage().contains("\n"), refusal.getMessage());
    }

    /** A node with its control API on its home's socket, and a client attached to it. */
    private record Served(ParleyNode node, ControlServer server, ControlClient client) implements AutoCloseable {
        @Override
        public void close() {
            client.close();
            server.close();
            node.close();
        }
    }

    private Served serve(Identity identity, HostPort address, List<DialTarget> bootstrap) throws Exception {
        ProfileHome home = new ProfileHome(directory.resolve(identity.name()));
        home.create();
        ParleyNode node = ParleyNode.start(identity, new byte[32], home, new NodeOptions(address, bootstrap, LINKS),
                loop -> fabric.endpoint(identity.peerId(), address, LINKS, loop));
        ParleyApi api = node.api();
        ControlServer server = ControlServer.start(api, home);
        return new Served(node, server, ControlClient.connectOrExplain(home));
    }
}
