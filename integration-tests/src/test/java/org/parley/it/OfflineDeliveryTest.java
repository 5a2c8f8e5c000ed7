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
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.util.Optional;
import org.parley.api.LookupView;
import org.parley.api.MessageView;
import org.parley.api.StatusView;
import org.parley.control.ControlClient;
import org.parley.identity.InvalidPeerIdException;
import org.parley.identity.PeerId;
import org.parley.overlay.dht.DhtKey;

/**
 * Offline delivery with daemons through the launcher: bob is away while alice sends, alice is
 * away when bob comes back, and the network's mailbox replicas carry the messages one way and
 * the receipts the other. One of the replicas is killed while it holds the mail. A contact
 * relaying for bob holds his mail beside the closest replicas and hands it over without them.
 */
class OfflineDeliveryTest {
    private static final int MESSAGES = 50;
    private static final int RELAYED_MESSAGES = 5;

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
        // Bob acknowledges only his contacts' messages.
        assertEquals(0, parley.run("contact", "add", "--home", bobHome, alice, "--name", "alice").exitCode());

        stop("bob");
        Profiles.await(() -> !linked("alice", bob), "alice sees bob gone");
        Process watch = parley.start("alice-watch", "watch", "--home", aliceHome, "--json");
        Profiles.awaitWatching(work.resolve("alice-watch.out"));
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
                // links, contacts and the stream's start are events too
                .filter(event -> event.has("message") && !event.get("message").isJsonNull())
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

        // The killed replica comes back with the mail on its disk (what a restarted replica keeps
        // is checked in the node's tests); bob's next pickup clears it. It comes back beside alice,
        // so that waiting for that pickup (up to a minute) overlaps waiting for her receipts.
        start("relay2");
        start("alice");
        Profiles.await(() -> states("alice", bob).stream().allMatch(state -> state.equals("delivered")),
                "alice sees all " + MESSAGES + " delivered");
        assertEquals(0, statusJson(parley, "alice").get("bytesStoredByOthers").getAsLong());
        for (String replica : List.of("hub", "relay1")) {
            Profiles.await(() -> status(replica).bytesStoredForOthers() == 0, replica + " holds nothing any more");
        }
        Profiles.await(() -> status("relay2").bytesStoredForOthers() == 0, "relay2 holds nothing any more",
                Duration.ofMinutes(3));
        assertEquals(MESSAGES, count("bob", alice), "and bob still has each message once");
    }

    private void start(String name) throws Exception {
        startFrom(name, "hub");
    }

    private void startFrom(String name, String bootstrapName) throws Exception {
        String[] bootstrap = name.equals(bootstrapName) ? new String[0]
                : new String[] {hosts.get(bootstrapName) + ":" + ports.get(bootstrapName)};
        daemons.put(name, profiles.startDaemonAt(name, hosts.get(name), ports.get(name), bootstrap));
    }

    /**
     * Bob's contact carol offers to relay his mail and he accepts; she is the peer farthest from
     * his key, so only the offer makes her hold his mail. With the closest replicas and alice
     * gone, bob still gets the mail, from carol.
     */
    @Test
    void aContactRelayingForBobHoldsHisMailAndHandsItToHimWhenTheClosestReplicasAreGone() throws Exception {
        profiles = new Profiles(work);
        List<String> names = new ArrayList<>(List.of("alice", "bob", "n0", "n1", "n2", "n3"));
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            ids.put(name, profiles.init(name));
            ports.put(name, Launcher.freePort());
            hosts.put(name, "127.0." + (i + 1) + ".1");
        }
        String alice = ids.get("alice");
        String bob = ids.get("bob");
        // The three peers closest to bob's key are his replicas by closeness; carol is the farthest.
        DhtKey bobKey = DhtKey.ofPeer(PeerId.parse(bob));
        List<String> others = new ArrayList<>(List.of("n0", "n1", "n2", "n3"));
        others.sort(Comparator.comparing(name -> DhtKey.ofPeer(parsed(ids.get(name))), bobKey.byDistance()));
        String hub = others.get(0);
        List<String> closest = others.subList(0, 3);
        String carolName = others.get(3);
        String carol = ids.get(carolName);
        startFrom(hub, hub);
        for (String name : List.of("alice", "bob", others.get(1), others.get(2), carolName)) {
            startFrom(name, hub);
        }
        profiles.awaitLinked("alice", bob);
        Launcher parley = profiles.launcher();
        String bobHome = profiles.home("bob").toString();
        String carolHome = profiles.home(carolName).toString();
        assertEquals(0, parley.run("contact", "add", "--home", bobHome, carol, "--name", "carol").exitCode());
        assertEquals(0, parley.run("contact", "add", "--home", bobHome, alice, "--name", "alice").exitCode());
        assertEquals(0, parley.run("contact", "add", "--home", carolHome, bob, "--name", "bob").exitCode());

        String typo = bob.substring(0, bob.length() - 1) + (bob.endsWith("a") ? "b" : "a");
        Launcher.Result mistyped = parley.run("contact", "relay", "--home", carolHome, typo);
        assertEquals(2, mistyped.exitCode(), mistyped.toString());
        assertEquals(1, mistyped.stderr().strip().lines().count(), "one line: " + mistyped);
        Launcher.Result stranger = parley.run("contact", "relay", "--home", carolHome, alice);
        assertEquals(1, stranger.exitCode(), stranger.toString());
        assertEquals("parley: error: " + alice + " is not a contact: add it first", stranger.stderr().strip(),
                "one line: " + stranger);
        Launcher.Result offered = parley.run("contact", "relay", "--home", carolHome, bob);
        assertEquals(0, offered.exitCode(), offered.toString());
        assertTrue(offered.stdout().startsWith("offered to relay for " + bob), offered.toString());
        Profiles.await(() -> status("bob").relays().equals(List.of(carol)), "bob accepted carol as his relay");
        assertEquals("[\"" + carol + "\"]", statusJson(parley, "bob").get("relays").toString());
        Profiles.await(() -> Boolean.TRUE.equals(status(carolName).relayingFor().get(bob)), "carol knows bob accepted");
        assertTrue(statusJson(parley, carolName).getAsJsonObject("relayingFor").get(bob).getAsBoolean());
        Profiles.await(() -> polledRelays("alice", bob).equals(List.of(carol)), "alice holds bob's record naming carol");
        assertEquals(List.of(carol), lookupRelays(parley, "alice", bob));

        stop("bob");
        Profiles.await(() -> !linked("alice", bob), "alice sees bob gone");
        try (ControlClient client = profiles.client("alice")) {
            for (int i = 0; i < RELAYED_MESSAGES; i++) {
                assertEquals("pending", client.send(bob, "via carol " + i).state());
            }
        }
        Profiles.await(() -> states("alice", bob, RELAYED_MESSAGES).stream()
                .allMatch(state -> state.equals("relayed 4")), "relayed to the 3 closest and carol");
        assertEquals(RELAYED_MESSAGES, statusJson(parley, carolName).get("envelopesStoredForOthers").getAsInt());

        for (String gone : closest) {
            stop(gone);
        }
        stop("alice");
        startFrom("bob", carolName);
        try {
            Profiles.await(() -> count("bob", alice) == RELAYED_MESSAGES, "bob has the messages from carol");
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + ", but he has " + count("bob", alice) + "\nbob's log ends:\n"
                    + profiles.logTail("bob", 40) + "\ncarol's log ends:\n" + profiles.logTail(carolName, 30), e);
        }
        List<String> texts = new ArrayList<>();
        for (JsonElement message : history(parley, bobHome, alice)) {
            texts.add(message.getAsJsonObject().get("text").getAsString());
        }
        assertEquals(IntStream.range(0, RELAYED_MESSAGES).mapToObj(i -> "via carol " + i).toList(), texts);
        // Bob's receipts went to alice's replicas, carol among them; alice comes back for them.
        startFrom("alice", carolName);
        Profiles.await(() -> states("alice", bob, RELAYED_MESSAGES).stream().allMatch(state -> state.equals("delivered")),
                "alice sees them delivered");
        Profiles.await(() -> status(carolName).envelopesStoredForOthers() == 0,
                "carol deleted what bob and alice took");
    }

    private static PeerId parsed(String peerId) {
        try {
            return PeerId.parse(peerId);
        } catch (InvalidPeerIdException e) {
            throw new AssertionError(e);
        }
    }

    private List<String> lookupRelays(Launcher parley, String name, String peer) throws Exception {
        Launcher.Result lookup = parley.run("lookup", "--home", profiles.home(name).toString(), peer, "--json");
        JsonObject found = JsonParser.parseString(lookup.stdout()).getAsJsonObject();
        if (!found.get("found").getAsBoolean()) {
            return List.of();
        }
        List<String> relays = new ArrayList<>();
        found.getAsJsonObject("record").getAsJsonArray("relays").forEach(relay -> relays.add(relay.getAsString()));
        return relays;
    }

    /** The relays named in {@code peer}'s record as {@code name}'s daemon finds it, asked through its control API. */
    private List<String> polledRelays(String name, String peer) throws Exception {
        LookupView lookup = profiles.ask(name, client -> client.lookup(peer));
        return lookup.found() ? lookup.record().relays() : List.of();
    }

    private void stop(String name) throws InterruptedException {
        Process daemon = daemons.remove(name);
        daemon.destroy();
        daemon.waitFor();
    }

    private boolean linked(String name, String peer) throws Exception {
        return profiles.ask(name, client -> client.peers().stream().anyMatch(view -> view.peerId().equals(peer)));
    }

    /** Each outgoing message's state, with the replica count when relayed. */
    private List<String> states(String name, String peer) throws Exception {
        return states(name, peer, MESSAGES);
    }

    private List<String> states(String name, String peer, int expected) throws Exception {
        List<String> states = new ArrayList<>();
        for (MessageView message : profiles.ask(name, client -> client.history(peer, 1000, Optional.empty()))) {
            states.add(message.state().equals("relayed") ? "relayed " + message.replicas() : message.state());
        }
        return states.size() == expected ? states : List.of("missing");
    }

    private int count(String name, String peer) throws Exception {
        return profiles.ask(name, client -> client.history(peer, 1000, Optional.empty()).size());
    }

    private StatusView status(String name) throws Exception {
        return profiles.ask(name, ControlClient::status);
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
