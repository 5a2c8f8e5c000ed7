package org.parley.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.api.ContactView;
import org.parley.api.EventView;
import org.parley.api.GroupMemberView;
import org.parley.api.GroupMessageView;
import org.parley.api.GroupView;
import org.parley.api.IdentityView;
import org.parley.api.LookupView;
import org.parley.api.MessageView;
import org.parley.api.ParleyApi;
import org.parley.api.PeerView;
import org.parley.api.ReadView;
import org.parley.api.ShortPeerId;
import org.parley.api.TypingView;
import org.parley.api.StatusView;
import org.parley.control.ControlServer;
import org.parley.crypto.Ed25519;
import org.parley.identity.PeerId;
import org.parley.store.ProfileHome;
import org.parley.testing.Eventually;

/**
 * Terminal escape injection: peers choose message texts, group names and agent strings, and the
 * CLI's text output must not let them steer the terminal. A real daemon's control API (over
 * loopback gRPC, with its token) serves a node whose peers sent hostile text.
 */
class HostileTextCliTest {
    private static final String PEER = PeerId.fromPublicKey(Ed25519.publicKey(new byte[32])).toString();
    private static final String GROUP = "ab".repeat(16);
    /**
     * Clear screen (CSI), set the window title (OSC), write the clipboard (OSC 52), an 8-bit CSI
     * (C1), a carriage return that overwrites the line, a backspace, and a right-to-left override
     * and isolate that reorder what follows.
     */
    private static final String HOSTILE = "hi\u001b[2J\u001b]0;pwned\u0007\u001b]52;c;Y3VybA==\u0007\u009b31m"
            + "\rfake\b\u202Etxt.exe\u2067x\u2069\tend";

    @TempDir
    Path directory;
    private ProfileHome home;

    @BeforeEach
    void aHomeWithAnIdentity() throws Exception {
        home = new ProfileHome(directory.resolve("home"));
        home.create();
        Files.writeString(home.keystore(), "{}");
    }

    @Test
    void historyGroupHistoryPeersAndGroupsShowHostileTextInert() throws Exception {
        try (ControlServer server = ControlServer.start(new HostilePeers(), home)) {
            for (String[] command : new String[][] {
                    {"history", PEER},
                    {"group", "history", GROUP},
                    {"group", "list"},
                    {"peers"},
                    {"lookup", PEER}}) {
                String[] args = withHome(command);
                Run run = run(args);
                assertEquals(0, run.exit, String.join(" ", command) + ": " + run.err);
                assertInert(run.out, String.join(" ", command));
            }
        }
    }

    @Test
    void watchShowsHostileTextInert() throws Exception {
        StringWriter out = new StringWriter();
        Thread watcher;
        try (ControlServer server = ControlServer.start(new HostilePeers(), home)) {
            watcher = new Thread(() -> run(out, withHome(new String[] {"watch"})), "watch");
            watcher.start();
            Eventually.await(() -> out.toString().contains("stopped"), "the watch to print the events");
        }
        watcher.join(TimeUnit.SECONDS.toMillis(20));
        List<String> lines = out.toString().lines().toList();
        assertTrue(lines.size() >= 5, out.toString());
        assertInert(out.toString(), "watch");
        String shortPeer = ShortPeerId.of(PEER);
        List<String> signals = lines.subList(lines.size() - 3, lines.size());
        assertTrue(signals.get(0).startsWith("read " + shortPeer + " up to hi\uFFFD"), signals.get(0));
        assertEquals("typing " + shortPeer + " started", signals.get(1));
        assertEquals("typing " + GROUP.substring(0, 10) + " " + shortPeer + " stopped", signals.get(2));
    }

    private static void assertInert(String output, String what) {
        output.codePoints().forEach(c -> {
            boolean control = Character.isISOControl(c) && c != '\n';
            boolean reorders = (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
            assertFalse(control || reorders, what + " printed U+" + Integer.toHexString(c) + ": " + output);
        });
        assertTrue(output.contains("\uFFFD"), what + " shows where something was removed: " + output);
    }

    private String[] withHome(String[] command) {
        String[] args = new String[command.length + 2];
        System.arraycopy(command, 0, args, 0, command.length);
        args[command.length] = "--home";
        args[command.length + 1] = home.root().toString();
        return args;
    }

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        return run(new StringWriter(), args);
    }

    private static Run run(StringWriter out, String... args) {
        StringWriter err = new StringWriter();
        CliContext context = new CliContext(Map.of(), question -> Optional.empty(), new PrintWriter(out, true),
                new PrintWriter(err, true));
        int exit = ParleyCli.execute(context, args);
        return new Run(exit, out.toString(), err.toString());
    }

    /** What a daemon reports after hostile peers talked to it. */
    private static final class HostilePeers implements ParleyApi {
        /** A reaction a modified daemon let through: clients still must not print it raw. */
        private final List<org.parley.api.ReactionView> reactions = List.of(new org.parley.api.ReactionView(PEER, HOSTILE));
        private final MessageView message =
                new MessageView("00".repeat(16), "in", PEER, HOSTILE + "\nsecond line", 1L, 2L, "received", null, false,
                        null, "22".repeat(16), reactions, true, false);
        private final GroupMessageView groupMessage =
                new GroupMessageView(GROUP, "11".repeat(32), PEER, HOSTILE, 1L, 2L, 1L, "33".repeat(32), reactions,
                        true, false);

        @Override
        public IdentityView identity() {
            return new IdentityView(PEER, "self", "fingerprint", List.of());
        }

        @Override
        public List<PeerView> peers() {
            return List.of(new PeerView(PEER, "127.0.0.1:7000", "inbound", 1L, "parley/1 " + HOSTILE));
        }

        @Override
        public MessageView send(String peerId, String text) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<MessageView> history(String peerId, int limit, Optional<String> beforeId) {
            return List.of(message);
        }

        @Override
        public List<MessageView> messageRequests(int limit) {
            return List.of(message);
        }

        @Override
        public ContactView addContact(String peerId, String name) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<ContactView> contacts() {
            return List.of();
        }

        @Override
        public boolean removeContact(String peerId) {
            throw new UnsupportedOperationException();
        }

        @Override
        public ContactView blockContact(String peerId) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void offerRelay(String peerId, boolean stop) {
            throw new UnsupportedOperationException();
        }

        @Override
        public LookupView lookup(String peerId) {
            return new LookupView(peerId, true,
                    new LookupView.RecordView(List.of("127.0.0.1:7000" + HOSTILE), 1L, 2L, List.of(HOSTILE)), 1, 1);
        }

        @Override
        public StatusView status() {
            throw new UnsupportedOperationException();
        }

        @Override
        public GroupView createGroup(String name) {
            throw new UnsupportedOperationException();
        }

        @Override
        public GroupView inviteToGroup(String groupId, String peerId, boolean admin) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<GroupView> groups() {
            return List.of(new GroupView(GROUP, "friends" + HOSTILE, "invited", PEER, 2, false, 0, Map.of()));
        }

        @Override
        public GroupView joinGroup(String groupId) {
            throw new UnsupportedOperationException();
        }

        @Override
        public GroupMessageView sendToGroup(String groupId, String text) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<GroupMessageView> groupHistory(String groupId, int limit, Optional<String> beforeEntryId) {
            return List.of(groupMessage);
        }

        @Override
        public List<GroupMemberView> groupMembers(String groupId) {
            return List.of();
        }

        @Override
        public GroupView removeFromGroup(String groupId, String peerId) {
            throw new UnsupportedOperationException();
        }

        @Override
        public GroupView leaveGroup(String groupId) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Subscription watch(Consumer<EventView> listener) {
            listener.accept(new EventView(EventView.MESSAGE, message, null));
            listener.accept(new EventView(EventView.GROUP, null, groupMessage));
            listener.accept(EventView.read(new ReadView(PEER, HOSTILE, 3L)));
            listener.accept(EventView.typing(new TypingView(PEER, true)));
            listener.accept(EventView.typing(new TypingView(PEER, false, GROUP)));
            return () -> { };
        }
    }
}
