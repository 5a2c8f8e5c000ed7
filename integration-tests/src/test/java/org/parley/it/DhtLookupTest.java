package org.parley.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.parley.api.ApiException;
import org.parley.api.LookupView;
import org.parley.api.PeerView;
import org.parley.control.ControlClient;
import org.parley.store.ProfileHome;

/**
 * The DHT through the real launcher: four daemons bootstrapped from a hub, each keeping a single
 * link of its own (--links 1), so none of them links to another unless a lookup or a message
 * makes it. (The first publication of each record, a minute after start, would dial the closest
 * peers; the test is over well before.)
 */
class DhtLookupTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path work;

    @RegisterExtension
    final Daemons daemons = new Daemons();

    @Test
    void lookupFindsAPeersAddressAndSendReachesAPeerNeverLinkedTo() throws Exception {
        Launcher parley = new Launcher(work).withEnv("PARLEY_PASSPHRASE", Profiles.PASSPHRASE).withoutEnv("PARLEY_HOME");
        String[] names = {"hub", "ann", "ben", "cat", "dan"};
        List<String> homes = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        List<Integer> ports = new ArrayList<>();
        for (String name : names) {
            String home = work.resolve(name).toString();
            homes.add(home);
            ids.add(Profiles.create(Path.of(home), name));
            ports.add(Launcher.freePort());
        }
        daemons.startDaemon(parley, "hub", Path.of(homes.get(0)), "--listen", "127.0.0.1:" + ports.get(0),
                "--links", "1");
        for (int i = 1; i < names.length; i++) {
            daemons.startDaemon(parley, names[i], Path.of(homes.get(i)), "--listen", "127.0.0.1:" + ports.get(i),
                    "--links", "1", "--bootstrap", ids.get(0) + "@127.0.0.1:" + ports.get(0));
        }
        List<String> others = ids.subList(1, ids.size());
        Profiles.await(() -> linkedPeers(homes.get(0)).containsAll(others), "all of " + others + " linked with the hub",
                TIMEOUT);
        // A link is up a moment before the peer's record has crossed it: wait until the hub holds dan's.
        Profiles.await(() -> {
            LookupView held = lookup(homes.get(0), ids.get(4));
            return held.found() && held.hops() == 0;
        }, "the hub holds dan's record", TIMEOUT);
        String ann = homes.get(1);
        String dan = homes.get(4);
        String danId = ids.get(4);
        String annId = ids.get(1);

        // A peer enters ann's routing table only once ann has reached it at its address, so her
        // first lookups may ask only the peers checked so far; the network converges within seconds.
        Profiles.await(() -> lookup(ann, danId).found(), "ann's lookup finds dan's record");
        JsonObject found = JsonParser.parseString(parley.run("lookup", "--home", ann, danId, "--json").stdout())
                .getAsJsonObject();
        assertEquals(danId, found.get("peerId").getAsString());
        assertTrue(found.get("found").getAsBoolean(), found.toString());
        JsonArray addresses = found.getAsJsonObject("record").getAsJsonArray("addresses");
        assertEquals("127.0.0.1:" + ports.get(4), addresses.get(0).getAsString(), found.toString());
        assertTrue(found.get("hops").getAsInt() <= 1, found.toString());

        Launcher.Result sent = parley.run("send", "--home", ann, danId, "found you by your ID");
        assertEquals(0, sent.exitCode(), sent.toString());
        Profiles.await(() -> {
            try (ControlClient client = client(dan)) {
                return client.history(annId, 10, Optional.empty()).stream()
                        .anyMatch(message -> message.text().equals("found you by your ID"));
            }
        }, "dan has ann's message", TIMEOUT);
        Launcher.Result history = parley.run("history", "--home", dan, annId, "--json");
        assertTrue(history.stdout().contains("found you by your ID"), history.toString());

        Launcher.Result mistyped = parley.run("lookup", "--home", ann, danId.substring(0, danId.length() - 1) + "x");
        assertEquals(2, mistyped.exitCode(), mistyped.toString());
        assertEquals(1, mistyped.stderr().lines().count(), mistyped.toString());
    }

    /** Polls go to the daemon's control API: a command per poll would start a JVM each time. */
    private static ControlClient client(String home) throws ApiException {
        return ControlClient.connectOrExplain(new ProfileHome(Path.of(home)));
    }

    private static List<String> linkedPeers(String home) throws Exception {
        try (ControlClient client = client(home)) {
            return client.peers().stream().map(PeerView::peerId).toList();
        }
    }

    private static LookupView lookup(String home, String peerId) throws Exception {
        try (ControlClient client = client(home)) {
            return client.lookup(peerId);
        }
    }
}
