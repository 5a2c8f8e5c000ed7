package org.parley.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.api.ApiException;
import org.parley.api.MessageView;
import org.parley.control.ControlClient;
import org.parley.testing.Eventually;

/** Direct messages between daemons running as separate processes over TLS on loopback. */
class DirectMessagesTest {
    @TempDir
    Path work;

    private Profiles profiles;
    private String alice;
    private String bob;
    private int alicePort;
    private int bobPort;

    @BeforeEach
    void createProfiles() throws Exception {
        profiles = new Profiles(work);
        alice = profiles.init("alice");
        bob = profiles.init("bob");
        alicePort = Launcher.freePort();
        bobPort = Launcher.freePort();
    }

    /** Each adds the other as a contact: only contacts get receipts. */
    private void befriend() throws ApiException {
        try (ControlClient atAlice = profiles.client("alice"); ControlClient atBob = profiles.client("bob")) {
            atAlice.addContact(bob, "bob");
            atBob.addContact(alice, "alice");
        }
    }

    @AfterEach
    void stopDaemons() throws InterruptedException {
        profiles.close();
    }

    @Test
    void theReadmeCommandsSendAMessageThatArrivesAndIsDelivered() throws Exception {
        startBoth();
        Launcher parley = profiles.launcher();
        String aliceHome = profiles.home("alice").toString();
        String bobHome = profiles.home("bob").toString();
        Process watch = parley.start("bob-watch", "watch", "--home", bobHome, "--json");
        Profiles.awaitWatching(work.resolve("bob-watch.out"));

        assertEquals(0, parley.run("contact", "add", "--home", aliceHome, bob, "--name", "bob").exitCode());
        Launcher.Result sent = parley.run("send", "--home", aliceHome, bob, "hello bob");
        assertEquals(0, sent.exitCode(), sent.toString());
        String messageId = sent.stdout().strip();
        assertTrue(messageId.matches("[0-9a-f]{32}"), messageId);

        // Waits poll the control API (a command per poll would start a JVM each time); the command then reads it.
        Profiles.await(() -> fullHistory("bob", alice).size() == 1, "bob has the message");
        JsonObject atBob = historyOf(parley, bobHome, alice).get(0).getAsJsonObject();
        assertEquals(messageId, atBob.get("id").getAsString());
        assertEquals("in", atBob.get("direction").getAsString());
        assertEquals(alice, atBob.get("peerId").getAsString());
        assertEquals("hello bob", atBob.get("text").getAsString());
        assertEquals("received", atBob.get("state").getAsString());
        assertTrue(atBob.get("request").getAsBoolean(), "alice is not bob's contact yet");
        for (String key : List.of("sentAt", "receivedAt")) {
            assertTrue(atBob.get(key).getAsLong() > 0, key);
        }
        // A stranger gets no receipt (it would tell alice that bob is online) until bob accepts her.
        assertEquals("pending", historyOf(parley, aliceHome, bob).get(0).getAsJsonObject().get("state").getAsString());
        assertEquals(0, parley.run("contact", "add", "--home", bobHome, alice, "--name", "alice").exitCode());
        Profiles.await(() -> allDelivered("alice", bob, 1), "alice sees it delivered");
        assertEquals("delivered", historyOf(parley, aliceHome, bob).get(0).getAsJsonObject().get("state").getAsString());

        Profiles.await(() -> Files.readString(work.resolve("bob-watch.out")).contains("hello bob"), "watch output");
        List<JsonObject> events = Files.readString(work.resolve("bob-watch.out")).lines()
                .map(line -> JsonParser.parseString(line).getAsJsonObject()).toList();
        assertEquals("watching", events.get(0).get("type").getAsString(), "the stream says when it is live");
        JsonObject event = events.stream().filter(line -> line.has("message") && !line.get("message").isJsonNull())
                .findFirst().orElseThrow();
        assertEquals("message", event.get("type").getAsString());
        assertEquals(messageId, event.getAsJsonObject("message").get("id").getAsString());
        assertTrue(event.get("cursor").getAsString().matches("\\p{XDigit}{16}-\\d+"), event.toString());
        watch.destroy();

        Launcher.Result contacts = parley.run("contact", "list", "--home", aliceHome, "--json");
        JsonArray list = JsonParser.parseString(contacts.stdout()).getAsJsonArray();
        assertEquals(bob, list.get(0).getAsJsonObject().get("peerId").getAsString());
        Launcher.Result tooBig = parley.run("send", "--home", aliceHome, bob, "x".repeat(70_000));
        assertEquals(1, tooBig.exitCode());
        assertTrue(tooBig.stderr().startsWith("parley: error: message is 70000 bytes; the limit is 65536"),
                tooBig.stderr());

        // The text on standard input, so that it never shows in the process list.
        Launcher.Result piped = parley.runWithInput("not in ps\n", "send", "--home", aliceHome, bob, "-");
        assertEquals(0, piped.exitCode(), piped.toString());
        String pipedId = piped.stdout().strip();
        Profiles.await(() -> fullHistory("bob", alice).stream().anyMatch(m -> m.id().equals(pipedId)),
                "bob has the piped message");
        assertTrue(historyOf(parley, bobHome, alice).asList().stream()
                .anyMatch(m -> m.getAsJsonObject().get("id").getAsString().equals(pipedId)
                        && m.getAsJsonObject().get("text").getAsString().equals("not in ps")), "as the piped text");
    }

    @Test
    void fiveHundredMessagesEachWayAtOnceArriveOnceInOrderAndAllAreDelivered() throws Exception {
        startBoth();
        befriend();
        // 1,000 messages in each conversation: more than one page of history (500), so reading it
        // back pages too, and enough in flight at once to interleave both directions.
        int count = 500;
        ExecutorService senders = Executors.newFixedThreadPool(2);
        Future<?> fromAlice = senders.submit(() -> sendMany("alice", bob, count));
        Future<?> fromBob = senders.submit(() -> sendMany("bob", alice, count));
        fromAlice.get();
        fromBob.get();
        senders.shutdown();

        for (String[] pair : new String[][] {{"alice", bob}, {"bob", alice}}) {
            // Each poll reads and decrypts the whole conversation: once a second leaves the daemons the CPU.
            Eventually.await(() -> allDelivered(pair[0], pair[1], count), pair[0] + "'s messages all delivered",
                    Duration.ofSeconds(120), Duration.ofSeconds(1));
            List<MessageView> history = fullHistory(pair[0], pair[1]);
            List<String> received = history.stream().filter(m -> m.direction().equals("in")).map(MessageView::text)
                    .toList();
            List<String> expected = new ArrayList<>();
            String other = pair[0].equals("alice") ? "bob" : "alice";
            for (int i = 0; i < count; i++) {
                expected.add(other + " " + i);
            }
            assertEquals(expected, received, "each exactly once, in the sender's order");
        }
        profiles.close();
        for (String name : List.of("alice", "bob")) {
            for (Path file : profiles.databaseFiles(name)) {
                String raw = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
                assertFalse(raw.contains("alice 7"), file + " holds plaintext");
                assertFalse(raw.contains("bob 7"), file + " holds plaintext");
            }
        }
    }

    @Test
    void aSenderKilledBeforeDeliveryDeliversOnceAfterRestart() throws Exception {
        // alice knows nothing of bob yet: the message waits, unencrypted but sealed, in the outbox.
        Process aliceDaemon = profiles.startDaemon("alice", alicePort);
        Launcher.Result sent = profiles.launcher().run("send", "--home", profiles.home("alice").toString(), bob,
                "survives kill -9");
        assertEquals(0, sent.exitCode(), sent.toString());
        Profiles.kill9(aliceDaemon);

        profiles.startDaemon("alice", alicePort);
        Process bobDaemon = profiles.startDaemon("bob", bobPort, "127.0.0.1:" + alicePort);
        befriend();
        Profiles.await(() -> fullHistory("bob", alice).size() == 1, "bob receives it");
        Profiles.await(() -> allDelivered("alice", bob, 1), "alice sees it delivered");

        // Now with a session: the next message is encrypted at once, then the sender dies.
        Profiles.kill9(bobDaemon);
        try (ControlClient client = profiles.client("alice")) {
            client.send(bob, "encrypted, then killed");
        }
        killDaemonOf("alice");
        profiles.startDaemon("alice", alicePort);
        profiles.startDaemon("bob", bobPort, "127.0.0.1:" + alicePort);
        Profiles.await(() -> allDelivered("alice", bob, 2), "alice's second message delivered after restarts");
        List<String> atBob = fullHistory("bob", alice).stream().map(MessageView::text).toList();
        assertEquals(List.of("survives kill -9", "encrypted, then killed"), atBob);
    }

    /** SIGKILL to the daemon serving a home, found by the pid it published. */
    private void killDaemonOf(String name) throws Exception {
        String endpoint = Files.readString(profiles.home(name).resolve("control.json"));
        long pid = JsonParser.parseString(endpoint).getAsJsonObject().get("pid").getAsLong();
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        Profiles.await(() -> ProcessHandle.of(pid).map(handle -> !handle.isAlive()).orElse(true), "daemon dead");
    }

    private void startBoth() throws Exception {
        profiles.startDaemon("alice", alicePort);
        profiles.startDaemon("bob", bobPort, "127.0.0.1:" + alicePort);
        profiles.awaitLinked("alice", bob);
        profiles.awaitLinked("bob", alice);
    }

    private Void sendMany(String from, String to, int count) throws Exception {
        try (ControlClient client = profiles.client(from)) {
            for (int i = 0; i < count; i++) {
                client.send(to, from + " " + i);
            }
        }
        return null;
    }

    private boolean allDelivered(String name, String peer, int count) throws Exception {
        List<MessageView> outgoing = fullHistory(name, peer).stream().filter(m -> m.direction().equals("out")).toList();
        return outgoing.size() == count && outgoing.stream().allMatch(m -> m.state().equals("delivered"));
    }

    /** The whole conversation, paging backwards through history. */
    private List<MessageView> fullHistory(String name, String peer) throws Exception {
        List<MessageView> all = new ArrayList<>();
        Optional<String> before = Optional.empty();
        while (true) {
            Optional<String> last = before;
            List<MessageView> page = profiles.ask(name, client -> client.history(peer, 500, last));
            all.addAll(0, page);
            if (page.size() < 500) {
                return all;
            }
            before = Optional.of(page.get(0).id());
        }
    }

    private static JsonArray historyOf(Launcher parley, String home, String peer) throws Exception {
        Launcher.Result history = parley.run("history", "--home", home, peer, "--json");
        if (history.exitCode() != 0) {
            throw new AssertionError(history.toString());
        }
        return JsonParser.parseString(history.stdout()).getAsJsonArray();
    }
}
