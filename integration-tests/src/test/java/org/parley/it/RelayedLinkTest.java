package org.parley.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.parley.api.ApiException;
import org.parley.api.LookupView;
import org.parley.api.MessageView;
import org.parley.api.PeerView;
import org.parley.control.ControlClient;
import org.parley.store.ProfileHome;

/**
 * A relayed link through the real launcher, over TLS on loopback: a relay R, a private node B that
 * announces no address (it listens on the wildcard address, which a record never names) and holds
 * a reservation at R, and A, which knows only B's peer ID and R. A finds B's record through R, sees
 * that R relays for B, reaches B through a circuit at R, and the two exchange messages both ways.
 * A announces no address either, so B cannot answer over a direct link of its own (as it could, and
 * would, to a public A); every daemon keeps a single link of its own (--links 1), so no other link
 * forms by discovery.
 */
class RelayedLinkTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    @TempDir
    Path work;

    @RegisterExtension
    final Daemons daemons = new Daemons();

    /** What the last wait saw, for the failure message. */
    private String lastSeen = "";

    @Test
    void aReachesPrivateBThroughRelayRAndMessagesAreDeliveredBothWays() throws Exception {
        Launcher parley = new Launcher(work).withEnv("PARLEY_PASSPHRASE", Profiles.PASSPHRASE).withoutEnv("PARLEY_HOME");
        String r = work.resolve("r").toString();
        String a = work.resolve("a").toString();
        String b = work.resolve("b").toString();
        String rId = Profiles.create(Path.of(r), "r");
        String aId = Profiles.create(Path.of(a), "a");
        String bId = Profiles.create(Path.of(b), "b");
        int rPort = Launcher.freePort();
        String relay = rId + "@127.0.0.1:" + rPort;
        daemons.startDaemon(parley, "r", Path.of(r), "--listen", "127.0.0.1:" + rPort, "--links", "1");
        // One after another: on a loaded machine, daemons starting at once can miss their start-up deadline.
        daemons.startDaemon(parley, "b", Path.of(b), "--listen", "0.0.0.0:" + Launcher.freePort(), "--links", "1",
                "--bootstrap", relay);
        daemons.startDaemon(parley, "a", Path.of(a), "--listen", "0.0.0.0:" + Launcher.freePort(),
                "--links", "1", "--bootstrap", relay);

        await(() -> {
            try (ControlClient client = client(a)) {
                LookupView lookup = client.lookup(bId);
                lastSeen = lookup.toString();
                return lookup.found() && lookup.record().linkRelays().contains(rId) ? Optional.of(lookup)
                        : Optional.empty();
            } catch (ApiException notYet) {
                lastSeen = notYet.getMessage();
                return Optional.empty();
            }
        }, "A finds B's record naming R as its relay");
        Launcher.Result lookup = parley.run("lookup", "--home", a, bId, "--json");
        assertEquals(0, lookup.exitCode(), lookup.toString());
        JsonObject record = JsonParser.parseString(lookup.stdout()).getAsJsonObject().getAsJsonObject("record");
        assertTrue(strings(record.getAsJsonArray("linkRelays")).contains(rId), record.toString());
        assertEquals(List.of(), strings(record.getAsJsonArray("addresses")), "B announces no address");

        assertEquals(0, parley.run("contact", "add", "--home", a, bId, "--name", "b").exitCode());
        assertEquals(0, parley.run("contact", "add", "--home", b, aId, "--name", "a").exitCode());
        Launcher.Result sent = parley.run("send", "--home", a, bId, "hello through the relay");
        assertEquals(0, sent.exitCode(), sent.toString());
        String toB = sent.stdout().strip();
        await(() -> polledState(a, bId, toB).filter("delivered"::equals), "A sees its message delivered");
        assertEquals(Optional.of("delivered"), stateOf(parley, a, bId, toB));
        await(() -> polledState(b, aId, toB).filter("received"::equals), "B holds A's message");
        assertEquals(Optional.of("received"), stateOf(parley, b, aId, toB));

        await(() -> polledPeer(a, bId), "A is linked to B");
        JsonObject bAtA = peer(parley, a, bId).orElseThrow();
        assertEquals("relayed", bAtA.get("path").getAsString(), bAtA.toString());
        assertEquals(rId, bAtA.get("relay").getAsString(), bAtA.toString());
        await(() -> polledPeer(b, aId), "B is linked to A");
        JsonObject aAtB = peer(parley, b, aId).orElseThrow();
        assertEquals("relayed", aAtB.get("path").getAsString(), aAtB.toString());
        assertEquals(rId, aAtB.get("relay").getAsString(), aAtB.toString());
        JsonObject rAtA = peer(parley, a, rId).orElseThrow();
        assertEquals("direct", rAtA.get("path").getAsString());
        assertTrue(rAtA.get("relay").isJsonNull(), rAtA.toString());

        Launcher.Result reply = parley.run("send", "--home", b, aId, "and back through the relay");
        assertEquals(0, reply.exitCode(), reply.toString());
        String toA = reply.stdout().strip();
        await(() -> polledState(b, aId, toA).filter("delivered"::equals), "B sees its reply delivered");
        assertEquals(Optional.of("delivered"), stateOf(parley, b, aId, toA));
        await(() -> polledState(a, bId, toA).filter("received"::equals), "A holds B's reply");
        assertEquals(Optional.of("received"), stateOf(parley, a, bId, toA));
        // Once nothing waits on it, A may trim its link to B (--links 1 spares only the link to its
        // relay): if it is still up it is relayed, and each end's log shows every link the two ever
        // had, each through R.
        peer(parley, a, bId).ifPresent(link -> assertEquals("relayed", link.get("path").getAsString(),
                "the messages went through the relayed link: " + link));
        assertEquals(List.of("via " + rId), linkAddresses(a, bId), "every link A had to B went through R");
        assertEquals(List.of("via " + rId), linkAddresses(b, aId), "every link B had to A went through R");
    }

    /** Where {@code home}'s log says each link to {@code peerId} came up, without repeats. */
    private static List<String> linkAddresses(String home, String peerId) throws java.io.IOException {
        java.util.regex.Pattern linked = java.util.regex.Pattern.compile(
                "(?:re)?linked with " + peerId + " at (.+) \\((?:inbound|outbound)\\)");
        return java.nio.file.Files.readAllLines(new ProfileHome(Path.of(home)).logFile()).stream()
                .map(linked::matcher).filter(java.util.regex.Matcher::find).map(match -> match.group(1))
                .distinct().toList();
    }

    private static Optional<JsonObject> peer(Launcher parley, String home, String peerId) throws Exception {
        Launcher.Result peers = parley.run("peers", "--home", home, "--json");
        if (peers.exitCode() != 0) {
            return Optional.empty();
        }
        for (JsonElement peer : JsonParser.parseString(peers.stdout()).getAsJsonArray()) {
            if (peer.getAsJsonObject().get("peerId").getAsString().equals(peerId)) {
                return Optional.of(peer.getAsJsonObject());
            }
        }
        return Optional.empty();
    }

    private static Optional<String> stateOf(Launcher parley, String home, String peerId, String messageId)
            throws Exception {
        Launcher.Result history = parley.run("history", "--home", home, peerId, "--json");
        if (history.exitCode() != 0) {
            return Optional.empty();
        }
        for (JsonElement message : JsonParser.parseString(history.stdout()).getAsJsonArray()) {
            if (message.getAsJsonObject().get("id").getAsString().equals(messageId)) {
                return Optional.of(message.getAsJsonObject().get("state").getAsString());
            }
        }
        return Optional.empty();
    }

    // Waits ask the daemons' control API: starting a command (a JVM) for every poll would starve the
    // daemons being waited for. What a wait saw is then read once more with the command.

    private static ControlClient client(String home) throws ApiException {
        return ControlClient.connectOrExplain(new ProfileHome(Path.of(home)));
    }

    private static Optional<String> polledState(String home, String peerId, String messageId) throws Exception {
        try (ControlClient client = client(home)) {
            return client.history(peerId, 1000, Optional.empty()).stream()
                    .filter(message -> message.id().equals(messageId)).map(MessageView::state).findFirst();
        }
    }

    private static Optional<PeerView> polledPeer(String home, String peerId) throws Exception {
        try (ControlClient client = client(home)) {
            return client.peers().stream().filter(peer -> peer.peerId().equals(peerId)).findFirst();
        }
    }

    private static List<String> strings(JsonArray array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.getAsString()));
        return values;
    }

    private String daemonErrors() throws java.io.IOException {
        StringBuilder errors = new StringBuilder();
        for (String name : List.of("r", "a", "b")) {
            Path err = work.resolve(name + ".err");
            if (java.nio.file.Files.exists(err)) {
                errors.append(name).append(": ").append(java.nio.file.Files.readString(err)).append('\n');
            }
        }
        return errors.toString();
    }

    private <T> T await(Callable<Optional<T>> condition, String what) throws Exception {
        Instant deadline = Instant.now().plus(TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            Optional<T> value = condition.call();
            if (value.isPresent()) {
                return value.get();
            }
            Thread.sleep(300);
        }
        throw new AssertionError("timed out: " + what + "; last seen: " + lastSeen + "; daemon errors: "
                + daemonErrors());
    }
}
