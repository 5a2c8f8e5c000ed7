package org.parley.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.util.Optional;
import org.parley.api.MessageView;
import org.parley.api.StatusView;
import org.parley.control.ControlClient;

/**
 * Offline delivery with daemons through the launcher: bob is away while alice sends, alice is
 * away when bob comes back, and the network's mailbox replicas carry the messages one way and
 * the receipts the other. One of the replicas is killed while it holds the mail.
 */
class OfflineDeliveryTest {
    private static final int MESSAGES = 50;

    @TempDir
    Path work;

    private Profiles profiles;
    private final Map<String, Integer> ports = new HashMap<>();
    private final Map<String, String> hosts = new HashMap<>();
    private final Map<String, String> ids = new HashMap<>();
    private final Map<String, Process> daemons = new HashMap<>();

    @AfterEach
    void stopDaemons() throws InterruptedException {
        profiles.close();
    }

    @Test
    void messagesToAnAbsentPeerAreHeldByReplicasDeliveredOnceInOrderAndConfirmed() throws Exception {
        profiles = new Profiles(work);
        List<String> names = List.of("hub", "relay1", "relay2", "alice", "bob");
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            ids.put(name, profiles.init(name));
            ports.put(name, Launcher.freePort());
            hosts.put(name, "127.0." + (i + 1) + ".1");
        }
        for (String name : names) {
            start(name);
        }
        String alice = ids.get("alice");
        String bob = ids.get("bob");
        profiles.awaitLinked("alice", bob);
        Launcher parley = profiles.launcher();
        String aliceHome = profiles.home("alice").toString();
        String bobHome = profiles.home("bob").toString();

        stop("bob");
        Profiles.await(() -> !linked("alice", bob), "alice sees bob gone");
        Process watch = parley.start("alice-watch", "watch", "--home", aliceHome, "--json");
        Thread.sleep(1500); // let the watcher subscribe before the messages go out
        Launcher.Result first = parley.run("send", "--home", aliceHome, bob, "message 0");
        assertEquals(0, first.exitCode(), first.toString());
        try (ControlClient client = profiles.client("alice")) {
            for (int i = 1; i < MESSAGES; i++) {
                assertEquals("pending", client.send(bob, "message " + i).state());
            }
        }
        Profiles.await(() -> states("alice", bob).stream().allMatch(state -> state.equals("relayed 3")),
                "all " + MESSAGES + " relayed to 3 replicas");
        for (JsonElement message : history(parley, aliceHome, bob)) {
            assertEquals("relayed", message.getAsJsonObject().get("state").getAsString());
            assertEquals(3, message.getAsJsonObject().get("replicas").getAsInt());
        }
        Profiles.await(() -> Files.readString(work.resolve("alice-watch.out")).contains("\"state\":\"relayed\""),
                "watch shows the relayed state");
        JsonObject update = Files.readString(work.resolve("alice-watch.out")).lines()
                .map(line -> JsonParser.parseString(line).getAsJsonObject())
                .filter(event -> event.getAsJsonObject("message").get("state").getAsString().equals("relayed"))
                .findFirst().orElseThrow();
        assertEquals("update", update.get("type").getAsString());
        assertEquals(3, update.getAsJsonObject("message").get("replicas").getAsInt());
        watch.destroy();
        JsonObject aliceStatus = statusJson(parley, "alice");
        assertEquals(MESSAGES, aliceStatus.get("relayed").getAsInt());
        assertTrue(aliceStatus.get("bytesStoredByOthers").getAsLong() > 0, aliceStatus.toString());

        List<String> holders = new ArrayList<>();
        for (String replica : List.of("hub", "relay1", "relay2")) {
            if (status(replica).bytesStoredForOthers() > 0) {
                holders.add(replica);
            }
        }
        assertEquals(3, holders.size(), "hub, relay1 and relay2 hold the mail");
        // A replica dies holding the mail; then alice goes away and bob comes back.
        Profiles.kill9(daemons.get("relay2"));
        stop("alice");
        start("bob");
        Profiles.await(() -> count("bob", alice) == MESSAGES, "bob has all the messages");
        List<String> texts = new ArrayList<>();
        for (JsonElement message : history(parley, bobHome, alice)) {
            texts.add(message.getAsJsonObject().get("text").getAsString());
        }
        assertEquals(IntStream.range(0, MESSAGES).mapToObj(i -> "message " + i).toList(), texts,
                "each message once, in alice's order");

        start("alice");
        Profiles.await(() -> states("alice", bob).stream().allMatch(state -> state.equals("delivered")),
                "alice sees all " + MESSAGES + " delivered");
        assertEquals(0, statusJson(parley, "alice").get("bytesStoredByOthers").getAsLong());
        for (String replica : List.of("hub", "relay1")) {
            Profiles.await(() -> status(replica).bytesStoredForOthers() == 0, replica + " holds nothing any more");
        }
        // The killed replica comes back with the mail on its disk (what a restarted replica keeps
        // is checked in the node's tests); bob's next pickup clears it.
        start("relay2");
        Profiles.await(() -> status("relay2").bytesStoredForOthers() == 0, "relay2 holds nothing any more",
                Duration.ofMinutes(3));
        assertEquals(MESSAGES, count("bob", alice), "and bob still has each message once");
    }

    private void start(String name) throws Exception {
        String[] bootstrap = name.equals("hub") ? new String[0]
                : new String[] {hosts.get("hub") + ":" + ports.get("hub")};
        daemons.put(name, profiles.startDaemonAt(name, hosts.get(name), ports.get(name), bootstrap));
    }

    private void stop(String name) throws InterruptedException {
        Process daemon = daemons.remove(name);
        daemon.destroy();
        daemon.waitFor();
    }

    private boolean linked(String name, String peer) throws Exception {
        try (ControlClient client = profiles.client(name)) {
            return client.peers().stream().anyMatch(view -> view.peerId().equals(peer));
        }
    }

    /** Each outgoing message's state, with the replica count when relayed. */
    private List<String> states(String name, String peer) throws Exception {
        List<String> states = new ArrayList<>();
        try (ControlClient client = profiles.client(name)) {
            for (MessageView message : client.history(peer, 1000, Optional.empty())) {
                states.add(message.state().equals("relayed") ? "relayed " + message.replicas() : message.state());
            }
        }
        return states.size() == MESSAGES ? states : List.of("missing");
    }

    private int count(String name, String peer) throws Exception {
        try (ControlClient client = profiles.client(name)) {
            return client.history(peer, 1000, Optional.empty()).size();
        }
    }

    private StatusView status(String name) throws Exception {
        try (ControlClient client = profiles.client(name)) {
            return client.status();
        }
    }

    private static JsonArray history(Launcher parley, String home, String peer) throws Exception {
        Launcher.Result history = parley.run("history", "--home", home, peer, "--json", "--limit", "1000");
        if (history.exitCode() != 0) {
            throw new AssertionError(history.toString());
        }
        return JsonParser.parseString(history.stdout()).getAsJsonArray();
    }

    private JsonObject statusJson(Launcher parley, String name) throws Exception {
        Launcher.Result status = parley.run("status", "--home", profiles.home(name).toString(), "--json");
        if (status.exitCode() != 0) {
            throw new AssertionError(status.toString());
        }
        return JsonParser.parseString(status.stdout()).getAsJsonObject();
    }
}
