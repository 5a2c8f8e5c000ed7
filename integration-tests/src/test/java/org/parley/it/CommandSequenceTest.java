package org.parley.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.parley.api.PeerView;
import org.parley.control.ControlClient;
import org.parley.store.ProfileHome;

/**
 * The README's command sequence, through the real launcher, as separate processes: two
 * identities, two daemons linked over TLS, and {@code peers --json} on both sides.
 */
class CommandSequenceTest {
    private static final Duration LINK_TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path work;

    @RegisterExtension
    final Daemons daemons = new Daemons();

    @Test
    void twoDaemonsLinkAndEachListsTheOtherAsVerifiedPeer() throws Exception {
        Launcher parley = new Launcher(work).withEnv("PARLEY_PASSPHRASE", "correct horse battery staple")
                .withoutEnv("PARLEY_HOME");
        String alice = work.resolve("alice").toString();
        String bob = work.resolve("bob").toString();

        Launcher.Result initAlice = parley.run("init", "--home", alice, "--name", "alice");
        assertEquals(0, initAlice.exitCode(), initAlice.toString());
        String aliceId = parley.run("id", "--home", alice).stdout().strip();
        assertTrue(aliceId.startsWith("p1"), aliceId);
        JsonObject aliceJson = JsonParser.parseString(parley.run("id", "--home", alice, "--json").stdout())
                .getAsJsonObject();
        assertEquals(aliceId, aliceJson.get("peerId").getAsString());
        assertEquals("alice", aliceJson.get("name").getAsString());
        assertFalse(aliceJson.get("fingerprint").getAsString().isBlank());

        int alicePort = Launcher.freePort();
        int bobPort = Launcher.freePort();
        Process aliceDaemon = daemons.startDaemon(parley, "alice", Path.of(alice), "--listen", "127.0.0.1:" + alicePort);
        assertEquals(0, parley.run("init", "--home", bob, "--name", "bob").exitCode());
        String bobId = parley.run("id", "--home", bob).stdout().strip();
        assertNotEquals(aliceId, bobId);
        daemons.startDaemon(parley, "bob", Path.of(bob), "--listen", "127.0.0.1:" + bobPort,
                "--bootstrap", "127.0.0.1:" + alicePort);

        JsonObject aliceSeenByBob = awaitPeer(parley, bob, aliceId);
        assertEquals("127.0.0.1:" + alicePort, aliceSeenByBob.get("address").getAsString());
        assertEquals("outbound", aliceSeenByBob.get("direction").getAsString());
        JsonObject bobSeenByAlice = awaitPeer(parley, alice, bobId);
        assertEquals("127.0.0.1:" + bobPort, bobSeenByAlice.get("address").getAsString(),
                "alice shows the address bob listens on, not his ephemeral port");
        assertEquals("inbound", bobSeenByAlice.get("direction").getAsString());

        String aliceLog = Files.readString(work.resolve("alice/logs/parley.0.log"));
        assertTrue(aliceLog.contains("linked with " + bobId), "the daemon logs to its home");
        assertEquals("", Files.readString(work.resolve("alice.err")), "the daemon writes nothing to stderr");

        // SIGTERM: a clean stop that withdraws the control endpoint.
        aliceDaemon.destroy();
        assertTrue(aliceDaemon.waitFor(Daemons.STOP.toSeconds(), TimeUnit.SECONDS));
        assertFalse(Files.exists(work.resolve("alice/control.json")));
        assertTrue(Files.readString(work.resolve("alice/logs/parley.0.log")).contains("daemon stopped"),
                "the daemon's last words reach its log");
        Launcher.Result peersOfStopped = parley.run("peers", "--home", alice, "--json");
        assertEquals(1, peersOfStopped.exitCode());
        assertTrue(peersOfStopped.stderr().startsWith("parley: error: no daemon is running"),
                peersOfStopped.toString());
    }

    @Test
    void daemonsBootstrappedFromOneFindEachOtherAndKeepTalkingWithoutIt() throws Exception {
        Launcher parley = new Launcher(work).withEnv("PARLEY_PASSPHRASE", Profiles.PASSPHRASE).withoutEnv("PARLEY_HOME");
        List<String> homes = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (String name : new String[] {"hub", "bob", "carol"}) {
            String home = work.resolve(name).toString();
            homes.add(home);
            ids.add(Profiles.create(Path.of(home), name));
        }
        int hubPort = Launcher.freePort();
        Process hub = daemons.startDaemon(parley, "hub", Path.of(homes.get(0)), "--listen", "127.0.0.1:" + hubPort);
        for (int i = 1; i < 3; i++) {
            daemons.startDaemon(parley, "node" + i, Path.of(homes.get(i)), "--listen", "127.0.0.1:" + Launcher.freePort(),
                    "--bootstrap", ids.get(0) + "@127.0.0.1:" + hubPort);
        }
        // bob and carol only know the hub; peer exchange tells each where the other listens.
        awaitPeer(parley, homes.get(1), ids.get(2));
        awaitPeer(parley, homes.get(2), ids.get(1));

        hub.destroy();
        assertTrue(hub.waitFor(Daemons.STOP.toSeconds(), TimeUnit.SECONDS));
        Launcher.Result sent = parley.run("send", "--home", homes.get(1), ids.get(2), "no hub needed");
        assertEquals(0, sent.exitCode(), sent.toString());
        Profiles.await(() -> {
            try (ControlClient client = ControlClient.connectOrExplain(new ProfileHome(Path.of(homes.get(2))))) {
                return client.history(ids.get(1), 10, Optional.empty()).stream()
                        .anyMatch(message -> message.text().equals("no hub needed"));
            }
        }, "the message sent without the hub", LINK_TIMEOUT);
        Launcher.Result history = parley.run("history", "--home", homes.get(2), ids.get(1), "--json");
        assertTrue(history.stdout().contains("no hub needed"), history.toString());
    }

    /**
     * Waits (asking the daemon's control API, not starting a command each time) until {@code home}
     * is linked to {@code peerId}; then its entry in {@code peers --json}.
     */
    private static JsonObject awaitPeer(Launcher parley, String home, String peerId) throws Exception {
        Profiles.await(() -> {
            try (ControlClient client = ControlClient.connectOrExplain(new ProfileHome(Path.of(home)))) {
                return client.peers().stream().map(PeerView::peerId).anyMatch(peerId::equals);
            }
        }, home + " linked to " + peerId, LINK_TIMEOUT);
        Launcher.Result peers = parley.run("peers", "--home", home, "--json");
        assertEquals(0, peers.exitCode(), peers.toString());
        for (JsonElement peer : JsonParser.parseString(peers.stdout()).getAsJsonArray()) {
            if (peer.getAsJsonObject().get("peerId").getAsString().equals(peerId)) {
                return peer.getAsJsonObject();
            }
        }
        throw new AssertionError("peers --json does not list " + peerId + ": " + peers);
    }
}
