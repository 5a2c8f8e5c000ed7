package org.parley.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.api.MessageView;
import org.parley.control.ControlClient;
import org.parley.store.ProfileHome;

/**
 * A person moves to a new machine with {@code parley export} and {@code parley import}, between
 * real daemons started through the launcher, while their contact keeps chatting and never
 * notices: the backup's ratchet state goes stale as the old machine goes on talking after the
 * export, and the conversation still carries on both ways.
 */
class MovingMachinesTest {
    @TempDir
    Path work;

    private Profiles profiles;

    @AfterEach
    void stopDaemons() throws InterruptedException {
        profiles.close();
    }

    @Test
    void afterExportWipeAndImportTheConversationGoesOnBothWays() throws Exception {
        profiles = new Profiles(work);
        String alice = profiles.init("alice");
        String bob = profiles.init("bob");
        int alicePort = Launcher.freePort();
        int bobPort = Launcher.freePort();
        Process aliceDaemon = profiles.startDaemon("alice", alicePort);
        profiles.startDaemon("bob", bobPort, "127.0.0.1:" + alicePort);
        profiles.awaitLinked("alice", bob);
        try (ControlClient client = profiles.client("alice")) {
            client.addContact(bob, "bob");
        }
        try (ControlClient client = profiles.client("bob")) {
            client.addContact(alice, "alice");
        }
        exchange("alice", bob, "hello bob");
        exchange("bob", alice, "hello alice");
        String group;
        try (ControlClient client = profiles.client("alice")) {
            group = client.createGroup("moving").groupId();
            client.inviteToGroup(group, bob, false);
        }
        Profiles.await(() -> profiles.ask("bob", client -> client.groups().stream()
                .anyMatch(g -> g.groupId().equals(group) && g.status().equals("invited"))), "bob is invited");
        try (ControlClient client = profiles.client("bob")) {
            client.joinGroup(group);
        }
        post("alice", group, "bob", "group hello");

        Launcher parley = profiles.launcher();
        String aliceHome = profiles.home("alice").toString();
        Path backup = work.resolve("alice.parley-backup");
        Launcher.Result export = parley.run("export", "--home", aliceHome, "--out", backup.toString());
        assertEquals(0, export.exitCode(), export.toString());

        // The old machine talks on after the export: the backup's sessions are stale both ways.
        exchange("bob", alice, "are you moving?");
        exchange("alice", bob, "yes, tonight");
        // ... and in the group: the restored sender key's next steps are used up at bob's.
        post("alice", group, "bob", "posted from the old machine");

        aliceDaemon.destroy();
        aliceDaemon.waitFor();
        deleteTree(profiles.home("alice"));

        // A damaged copy is refused in one line and leaves the new machine's home as it was.
        byte[] good = Files.readAllBytes(backup);
        Path truncated = Files.write(work.resolve("truncated.parley-backup"), java.util.Arrays.copyOf(good, 1000));
        Launcher.Result refused = parley.run("import", "--home", aliceHome, truncated.toString());
        assertEquals(1, refused.exitCode(), refused.toString());
        assertEquals("parley: error: " + truncated + " is truncated (an incomplete copy?)", refused.stderr().strip());
        assertTrue(Files.notExists(profiles.home("alice")));
        Launcher.Result wrong = parley.withEnv("PARLEY_PASSPHRASE", "not the passphrase")
                .run("import", "--home", aliceHome, backup.toString());
        parley.withEnv("PARLEY_PASSPHRASE", Profiles.PASSPHRASE);
        assertEquals(1, wrong.exitCode(), wrong.toString());
        assertEquals("parley: error: wrong passphrase for " + backup + " (or the file was altered)",
                wrong.stderr().strip());
        assertTrue(Files.notExists(profiles.home("alice")));

        Launcher.Result imported = parley.run("import", "--home", aliceHome, backup.toString());
        assertEquals(0, imported.exitCode(), imported.toString());
        assertEquals(alice, parley.run("id", "--home", aliceHome).stdout().strip());

        profiles.startDaemon("alice", alicePort, "127.0.0.1:" + bobPort);
        profiles.awaitLinked("alice", bob);
        try (ControlClient client = profiles.client("alice")) {
            List<String> restored = client.history(bob, 50, Optional.empty()).stream().map(MessageView::text).toList();
            assertTrue(restored.containsAll(List.of("hello bob", "hello alice")), "history up to the export: "
                    + restored);
            assertEquals(List.of("bob"), client.contacts().stream().map(c -> c.name()).toList());
        }
        exchange("alice", bob, "new machine, same me");
        exchange("bob", alice, "welcome back");
        exchange("alice", bob, "thanks");
        post("alice", group, "bob", "posted from the new machine");
        post("bob", group, "alice", "seen you in the group");

        // Bob noticed nothing: every message he sent was delivered, every one he was sent arrived.
        try (ControlClient client = profiles.client("bob")) {
            List<MessageView> history = client.history(alice, 50, Optional.empty());
            assertEquals(List.of("hello bob", "new machine, same me", "thanks", "yes, tonight"), history.stream()
                    .filter(m -> m.direction().equals("in")).map(MessageView::text).sorted().toList());
            assertTrue(history.stream().filter(m -> m.direction().equals("out"))
                    .allMatch(m -> m.state().equals("delivered")), history.toString());
        }
        assertArrayEquals(good, Files.readAllBytes(backup), "import only reads the backup");
        assertTrue(Files.exists(new ProfileHome(profiles.home("alice")).database()));
    }

    /** {@code from} posts {@code text} to {@code group}; {@code reader} must have it. */
    private void post(String from, String group, String reader, String text) throws Exception {
        Profiles.await(() -> profiles.ask(from, client -> client.groups().stream()
                .anyMatch(g -> g.groupId().equals(group) && g.members() == 2)), from + " sees both members");
        try (ControlClient client = profiles.client(from)) {
            client.sendToGroup(group, text);
        }
        Profiles.await(() -> profiles.ask(reader, client -> client.groupHistory(group, 100).stream()
                .anyMatch(m -> m.text().equals(text))), reader + " reads '" + text + "' in the group");
    }

    /** {@code from} sends {@code text}; it must arrive at {@code to} and be marked delivered. */
    private void exchange(String from, String to, String text) throws Exception {
        String id;
        try (ControlClient client = profiles.client(from)) {
            id = client.send(to, text).id();
        }
        Profiles.await(() -> profiles.ask(from, client -> client.history(to, 50, Optional.empty()).stream()
                        .anyMatch(m -> m.id().equals(id) && m.state().equals("delivered"))),
                from + "'s '" + text + "' delivered");
    }

    private static void deleteTree(Path root) throws Exception {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
