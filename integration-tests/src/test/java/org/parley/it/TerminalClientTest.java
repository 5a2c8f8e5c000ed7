package org.parley.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.api.MessageView;
import org.parley.control.ControlClient;
import org.parley.identity.PeerId;

/**
 * The terminal client through the real launcher, in a real terminal (tmux): the demo a new user
 * starts first, and {@code parley tui} chatting with another user's daemon, with its node in process
 * (its first run creating the identity) and then attached to its own daemon (no passphrase
 * needed then): a paste is one message, and when that daemon stops the client says so and
 * reconnects to the daemon started after it.
 */
class TerminalClientTest {
    @TempDir
    Path work;

    private Profiles profiles;

    @AfterEach
    void stopDaemons() throws InterruptedException {
        if (profiles != null) {
            profiles.close();
        }
    }

    @Test
    void theDemoChatsWithABotAndLeavesNothingBehind() throws Exception {
        Path temp = Files.createDirectories(work.resolve("tmp"));
        String command = "env -u PARLEY_HOME PARLEY_JAVA_OPTS=-Djava.io.tmpdir=" + temp + " "
                + new Launcher(work).script() + " demo --no-bell; echo DEMO-EXIT $?; sleep 600";
        try (Tmux terminal = new Tmux(work, 100, 30, command)) {
            terminal.awaitText("Hi! I'm ada");
            terminal.await("the demo group listed", screen -> screen.lines()
                    .anyMatch(row -> row.matches("[●○] parley demo +│.*")));
            terminal.await("the stranger's request, unread", screen -> screen.lines()
                    .anyMatch(row -> row.matches("[●○] p1\\w+… +1 │.*")));
            assertEquals(1, demoDirectories(temp).size(), "the demo made one directory");

            terminal.type("hello from the demo 😀");
            terminal.keys("Enter");
            terminal.awaitText("✓ you: hello from the demo 😀");
            terminal.awaitText("ada: ada here, got it: \"hello from the demo 😀\"");

            terminal.type("/nosuchcommand");
            terminal.keys("Enter");
            terminal.awaitText("unknown command /nosuchcommand (see /help)");

            terminal.keys("C-c");
            String after = terminal.awaitText("DEMO-EXIT 0");
            assertTrue(after.contains("parley demo: stopped, and removed"), after);
        }
        assertEquals(List.of(), demoDirectories(temp), "the demo deleted what it made");
        assertEquals(List.of(), processesMentioning(temp.toString()), "no process of the demo is left");
    }

    @Test
    void tuiSendsToAnotherUsersDaemonAndReceivesFromIt() throws Exception {
        profiles = new Profiles(work);
        String bob = profiles.init("bob");
        int bobPort = Launcher.freePort();
        profiles.startDaemon("bob", bobPort);
        String command = "env -u PARLEY_HOME PARLEY_PASSPHRASE='" + Profiles.PASSPHRASE + "' "
                + profiles.launcher().script() + " tui --no-bell --name alice --home " + profiles.home("alice")
                + " --listen 127.0.0.1:" + Launcher.freePort() + " --bootstrap 127.0.0.1:" + bobPort
                + "; echo TUI-EXIT $?; sleep 600";
        String alice;
        try (Tmux terminal = new Tmux(work, 110, 30, command)) {
            terminal.awaitText("no conversations");
            terminal.type("/id");
            terminal.keys("Enter");
            // The whole ID, not the first capture that shows the label: the screen may be mid-redraw.
            Pattern wholeId = Pattern.compile("Peer ID: +(p1\\w{" + (PeerId.TEXT_LENGTH - 2) + "})");
            String idPanel = terminal.await("the whole peer ID", screen -> wholeId.matcher(screen).find());
            Matcher id = wholeId.matcher(idPanel);
            assertTrue(id.find() && idPanel.contains("Name:        alice"),
                    "the first run created alice's identity and /id shows it: " + idPanel);
            alice = id.group(1);
            terminal.keys("Escape");
            terminal.await("the ID panel closed", screen -> !screen.contains("Your ID"));
            try (ControlClient bobDaemon = profiles.client("bob")) {
                bobDaemon.addContact(alice, "alice"); // bob acknowledges only his contacts' messages
            }
            terminal.type("/add " + bob + " bob");
            terminal.keys("Enter");
            terminal.awaitText("added bob");
            terminal.await("bob online", screen -> screen.contains("● bob"));
            terminal.type("hi bob, from the terminal");
            terminal.keys("Enter");
            terminal.awaitText("✓ alice: hi bob, from the terminal");

            try (ControlClient bobDaemon = profiles.client("bob")) {
                List<MessageView> received = bobDaemon.history(alice, 10, java.util.Optional.empty());
                assertEquals("hi bob, from the terminal", received.get(received.size() - 1).text());
                bobDaemon.send(alice, "hello alice, 你好");
            }
            terminal.awaitText("bob: hello alice, 你好");

            terminal.type("/quit");
            terminal.keys("Enter");
            terminal.awaitText("TUI-EXIT 0");
        }
        assertTrue(Files.notExists(profiles.home("alice").resolve("daemon.lock"))
                || !isLocked(profiles.home("alice")), "the terminal client released alice's home");

        Process aliceDaemon = profiles.startDaemon("alice", Launcher.freePort(), "127.0.0.1:" + bobPort);
        String attach = "env -u PARLEY_HOME -u PARLEY_PASSPHRASE " + profiles.launcher().script()
                + " tui --no-bell --home " + profiles.home("alice") + "; echo TUI-EXIT $?; sleep 600";
        try (Tmux terminal = new Tmux(work, 110, 30, attach)) {
            terminal.awaitText("✓ alice: hi bob, from the terminal");
            terminal.awaitText("bob: hello alice, 你好");
            terminal.type("now through your daemon");
            terminal.keys("Enter");
            terminal.awaitText("✓ alice: now through your daemon");
            actOnMessagesAndSendFiles(terminal, alice);

            terminal.paste("pasted line one\npasted line two");
            terminal.awaitText("> pasted line one↵pasted line two");
            terminal.keys("Enter");
            terminal.awaitText("✓ alice: pasted line one");
            try (ControlClient bobDaemon = profiles.client("bob")) {
                Profiles.await(() -> bobDaemon.history(alice, 1, java.util.Optional.empty()).get(0).text()
                        .equals("pasted line one\npasted line two"), "the paste sent as one message");
            }

            aliceDaemon.destroy();
            assertTrue(aliceDaemon.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), "alice's daemon stopped");
            terminal.awaitText("NOT CONNECTED, shown may be stale");
            aliceDaemon = profiles.startDaemon("alice", Launcher.freePort(), "127.0.0.1:" + bobPort);
            terminal.await("reconnected to the new daemon", screen -> !screen.contains("NOT CONNECTED"));
            try (ControlClient bobDaemon = profiles.client("bob")) {
                profiles.awaitLinked("bob", alice);
                bobDaemon.send(alice, "welcome back");
            }
            terminal.awaitText("bob: welcome back");
            terminal.keys("C-q");
            terminal.awaitText("TUI-EXIT 0");
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\nalice's log ends:\n" + profiles.logTail("alice", 40)
                    + "\nbob's log ends:\n" + profiles.logTail("bob", 40), e);
        }
        assertTrue(aliceDaemon.isAlive(), "leaving the client leaves the daemon running");
    }

    /**
     * Alice, in the terminal, replies to, reacts to, edits and deletes messages by the short IDs
     * {@code /ids} shows, and offers a file with {@code /file}; bob's daemon holds each change and
     * the file, and a file bob offers fills its progress row on alice's screen until it is whole.
     */
    private void actOnMessagesAndSendFiles(Tmux terminal, String alice) throws Exception {
        String question;
        try (ControlClient bobDaemon = profiles.client("bob")) {
            question = bobDaemon.send(alice, "question from bob").id();
        }
        terminal.awaitText("bob: question from bob");
        terminal.type("/ids");
        terminal.keys("Enter");
        terminal.awaitText("message IDs shown");
        String questionId = shortId(terminal, "bob: question from bob");
        terminal.type("/reply " + questionId + " answer from alice");
        terminal.keys("Enter");
        String replied = terminal.awaitText("alice: answer from alice");
        assertTrue(replied.contains("↪ bob: question from bob"), "the reply quotes the question: " + replied);
        String answerId = shortId(terminal, "alice: answer from alice");

        terminal.type("/react " + questionId + " 👍");
        terminal.keys("Enter");
        terminal.await("the reaction under the question", screen -> {
            List<String> rows = screen.lines().toList();
            for (int i = 0; i + 1 < rows.size(); i++) {
                if (rows.get(i).contains("#" + questionId) && rows.get(i + 1).contains("👍")) {
                    return true;
                }
            }
            return false;
        });
        terminal.type("/edit " + answerId + " answer, edited");
        terminal.keys("Enter");
        terminal.awaitText("alice: answer, edited (edited)");
        terminal.type("soon deleted");
        terminal.keys("Enter");
        String doomedId = shortId(terminal, "alice: soon deleted");
        terminal.type("/delete " + doomedId);
        terminal.keys("Enter");
        terminal.await("the deletion", screen -> screen.contains("#" + doomedId)
                && screen.contains("alice: (message deleted)") && !screen.contains("alice: soon deleted"));

        byte[] bytes = new byte[300 * 1024 + 17]; // two chunks: fetched, not carried inline
        new java.util.Random(20).nextBytes(bytes);
        Path report = Files.write(work.resolve("report.bin"), bytes);
        terminal.type("/file " + report);
        terminal.keys("Enter");
        terminal.awaitText("report.bin  offered");

        try (ControlClient bobDaemon = profiles.client("bob")) {
            Profiles.await(() -> {
                List<MessageView> seen = bobDaemon.history(alice, 20, java.util.Optional.empty());
                MessageView asked = seen.stream().filter(m -> m.id().equals(question)).findFirst().orElseThrow();
                boolean reacted = asked.reactions().stream()
                        .anyMatch(r -> r.peerId().equals(alice) && r.emoji().equals("👍"));
                boolean answered = seen.stream().anyMatch(m -> question.equals(m.replyTo()) && m.edited()
                        && m.text().equals("answer, edited"));
                boolean deleted = seen.stream().anyMatch(m -> m.deleted() && "in".equals(m.direction()));
                boolean fetched = seen.stream().anyMatch(m -> m.file() != null && m.file().name().equals("report.bin")
                        && "complete".equals(m.file().state()));
                return reacted && answered && deleted && fetched;
            }, "bob holds the reaction, the edited reply, the deletion and the whole file");
            List<MessageView> seen = bobDaemon.history(alice, 20, java.util.Optional.empty());
            assertTrue(seen.stream().noneMatch(m -> m.text().contains("soon deleted")), "the text is gone: " + seen);
            Path received = Path.of(seen.stream().filter(m -> m.file() != null).findFirst().orElseThrow().file().path());
            assertEquals(java.util.Arrays.hashCode(bytes), java.util.Arrays.hashCode(Files.readAllBytes(received)));

            Path photo = Files.write(work.resolve("photo.bin"), java.util.Arrays.copyOf(bytes, 700 * 1024));
            bobDaemon.sendFile(alice, photo.toString());
        }
        String whole = terminal.await("bob's file whole on alice's screen",
                screen -> screen.lines().anyMatch(row -> row.matches(".*✓ photo\\.bin  /.*")));
        assertTrue(!whole.contains("%  photo.bin"),
                "the progress row became the finished one: " + whole);
        Path downloaded = profiles.home("alice").resolve("downloads").resolve("photo.bin");
        assertEquals(700 * 1024, Files.size(downloaded));
        terminal.type("/ids");
        terminal.keys("Enter");
        terminal.awaitText("message IDs hidden");
    }

    /** The short ID (without its #) in the head of the row that ends in {@code sender: text}. */
    private static String shortId(Tmux terminal, String senderAndText) throws Exception {
        Pattern row = Pattern.compile("#(\\S+) +\\S? *" + Pattern.quote(senderAndText));
        Matcher found = row.matcher(terminal.await("the ID of '" + senderAndText + "'", screen -> row.matcher(screen)
                .find()));
        assertTrue(found.find());
        return found.group(1);
    }

    private static boolean isLocked(Path home) throws Exception {
        return org.parley.node.DaemonLock.isHeld(new org.parley.store.ProfileHome(home));
    }

    private static List<Path> demoDirectories(Path temp) throws Exception {
        try (Stream<Path> listing = Files.list(temp)) {
            return listing.filter(path -> path.getFileName().toString().startsWith("parley-demo-")).toList();
        }
    }

    private static List<String> processesMentioning(String text) {
        return ProcessHandle.allProcesses()
                .map(process -> process.info().commandLine().orElse(""))
                .filter(line -> line.contains(text) && !line.contains("tmux"))
                .toList();
    }
}
