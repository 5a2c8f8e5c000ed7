package org.parley.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.api.EventView;
import org.parley.api.FileEventView;
import org.parley.api.FileView;
import org.parley.api.GroupMessageView;
import org.parley.api.ParleyApi;
import org.parley.control.ControlServer;
import org.parley.crypto.Ed25519;
import org.parley.identity.PeerId;
import org.parley.store.ProfileHome;
import org.parley.testing.Eventually;

/**
 * The files commands against a daemon over the control API: a group offer, a file followed by the
 * daemon's file events (no polling) until it is complete, file events in watch; and bad arguments.
 */
class FileCliTest {
    private static final String PEER = PeerId.fromPublicKey(Ed25519.publicKey(new byte[32])).toString();
    private static final String GROUP = "ab".repeat(16);
    private static final String ENTRY = "cd".repeat(32);

    @TempDir
    Path directory;
    private ProfileHome home;
    private final List<Consumer<EventView>> watchers = new CopyOnWriteArrayList<>();
    private final List<String> sentPaths = new CopyOnWriteArrayList<>();
    private final AtomicInteger historyAsked = new AtomicInteger();

    @BeforeEach
    void aHomeWithAnIdentity() throws Exception {
        home = new ProfileHome(directory.resolve("home"));
        home.create();
        Files.writeString(home.keystore(), "{}");
    }

    private static FileView file(String state, int held) {
        return new FileView("slides.pdf", 2_500_000, "ef".repeat(32), state,
                "complete".equals(state) ? "/downloads/slides.pdf" : null, held, 10, null);
    }

    private GroupMessageView post(FileView file) {
        return new GroupMessageView(GROUP, ENTRY, PEER, "[file] slides.pdf (2500000 bytes)", 1L, 2L, 1L)
                .withFile(file);
    }

    /** A daemon that answers the calls these commands make; the rest are not expected. */
    @SuppressWarnings("unchecked")
    private ParleyApi daemon() {
        return (ParleyApi) Proxy.newProxyInstance(ParleyApi.class.getClassLoader(), new Class<?>[] {ParleyApi.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "groupHistory" -> {
                        historyAsked.incrementAndGet();
                        yield List.of(post(file("downloading", 0)));
                    }
                    case "sendFileToGroup" -> {
                        sentPaths.add((String) args[1]);
                        yield post(file("offered", 10));
                    }
                    case "watch" -> {
                        for (Object arg : args) {
                            if (arg instanceof Consumer<?> listener) {
                                Consumer<EventView> events = (Consumer<EventView>) listener;
                                events.accept(EventView.watching("e-0"));
                                watchers.add(events);
                                break;
                            }
                        }
                        yield (ParleyApi.Subscription) () -> { };
                    }
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> "fake daemon";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private void emit(FileEventView file) {
        watchers.forEach(watcher -> watcher.accept(EventView.file(file)));
    }

    @Test
    void groupSendFileHandsTheDaemonAnAbsolutePathAndPrintsTheEntry() throws Exception {
        Path slides = Files.writeString(directory.resolve("slides.pdf"), "content");
        try (ControlServer server = ControlServer.start(daemon(), home)) {
            Run sent = run("group", "send-file", GROUP, slides.toString(), "--home", home.root().toString());
            assertEquals(0, sent.exit, sent.err);
            assertEquals(ENTRY, sent.out.strip());
            assertEquals(List.of(slides.toAbsolutePath().toString()), sentPaths);

            Run missing = run("group", "send-file", GROUP, directory.resolve("nope").toString(), "--home",
                    home.root().toString());
            assertEquals(1, missing.exit);
            assertTrue(missing.err.contains("no such file"), missing.err);
            Run badGroup = run("group", "send-file", "not-a-group", slides.toString(), "--home",
                    home.root().toString());
            assertTrue(badGroup.exit != 0, badGroup.err);
            assertEquals(1, sentPaths.size(), "nothing else reached the daemon");
        }
    }

    @Test
    void fileFollowPrintsAProgressLinePerFileEventUntilTheFileIsComplete() throws Exception {
        StringWriter out = new StringWriter();
        int[] exit = {-1};
        try (ControlServer server = ControlServer.start(daemon(), home)) {
            Thread follower = new Thread(() -> exit[0] = run(out, "file", GROUP, ENTRY, "--follow", "--home",
                    home.root().toString()).exit, "follow");
            follower.start();
            Eventually.await(() -> out.toString().lines().count() >= 1, "the first line");
            // Another file's event, and one of another conversation, are not this file's.
            emit(new FileEventView("ff".repeat(32), PEER, GROUP, file("downloading", 9)));
            emit(new FileEventView(ENTRY, PEER, null, file("downloading", 9)));
            emit(new FileEventView(ENTRY, PEER, GROUP, file("downloading", 5)));
            emit(new FileEventView(ENTRY, PEER, GROUP, file("complete", 10)));
            follower.join(20_000);
            assertFalse(follower.isAlive());
        }
        assertEquals(0, exit[0]);
        assertEquals(List.of("slides.pdf  downloading  0/10 chunks (0%)", "slides.pdf  downloading  5/10 chunks (50%)",
                "slides.pdf  complete  10/10 chunks (100%)  /downloads/slides.pdf"), out.toString().lines().toList());
        assertEquals(1, historyAsked.get(), "the state was read once; the rest came as events");
    }

    @Test
    void watchPrintsFileEventsAndAFileCommandNamingNoConversationFails() throws Exception {
        StringWriter out = new StringWriter();
        try (ControlServer server = ControlServer.start(daemon(), home)) {
            Thread watcher = new Thread(() -> run(out, "watch", "--home", home.root().toString()), "watch");
            watcher.start();
            Eventually.await(() -> !watchers.isEmpty(), "the watch to start");
            emit(new FileEventView(ENTRY, PEER, GROUP, file("downloading", 5)));
            Eventually.await(() -> out.toString().contains("50%"), "the watch to print the file event");
            assertTrue(out.toString().startsWith("file " + GROUP.substring(0, 10)), out.toString());

            Run bad = run("file", "not\u001b[2Ja-peer", ENTRY, "--home", home.root().toString());
            assertEquals(1, bad.exit);
            assertFalse(bad.err.contains("\u001b"), "the argument is shown inert: " + bad.err);
        }
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
}
