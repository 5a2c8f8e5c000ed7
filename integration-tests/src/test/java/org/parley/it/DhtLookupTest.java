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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

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
            Launcher.Result init = parley.run("init", "--home", home, "--name", name);
            assertEquals(0, init.exitCode(), init.toString());
            homes.add(home);
            ids.add(Profiles.peerIdOf(init));
            ports.add(Launcher.freePort());
        }
        daemons.start(parley, "hub", "daemon", "--home", homes.get(0), "--listen", "127.0.0.1:" + ports.get(0),
                "--links", "1");
        for (int i = 1; i < names.length; i++) {
            daemons.start(parley, names[i], "daemon", "--home", homes.get(i), "--listen", "127.0.0.1:" + ports.get(i),
                    "--links", "1", "--bootstrap", ids.get(0) + "@127.0.0.1:" + ports.get(0));
        }
        awaitPeers(parley, homes.get(0), ids.subList(1, ids.size()));
        // A link is up a moment before the peer's record has crossed it: wait until the hub holds dan's.
        awaitHeld(parley, homes.get(0), ids.get(4));
        String ann = homes.get(1);
        String dan = homes.get(4);
        String danId = ids.get(4);
        String annId = ids.get(1);

        // A peer enters ann's routing table only once ann has reached it at its address, so her
        // first lookups may ask only the peers checked so far; the network converges within seconds.
        JsonObject[] last = new JsonObject[1];
        Profiles.await(() -> {
            last[0] = JsonParser.parseString(parley.run("lookup", "--home", ann, danId, "--json").stdout())
                    .getAsJsonObject();
            return last[0].get("found").getAsBoolean();
        }, "ann's lookup finds dan's record");
        JsonObject found = last[0];
        assertEquals(danId, found.get("peerId").getAsString());
        assertTrue(found.get("found").getAsBoolean(), found.toString());
        JsonArray addresses = found.getAsJsonObject("record").getAsJsonArray("addresses");
        assertEquals("127.0.0.1:" + ports.get(4), addresses.get(0).getAsString(), found.toString());
        assertTrue(found.get("hops").getAsInt() <= 1, found.toString());

        Launcher.Result sent = parley.run("send", "--home", ann, danId, "found you by your ID");
        assertEquals(0, sent.exitCode(), sent.toString());
        Profiles.await(() -> parley.run("history", "--home", dan, annId, "--json").stdout()
                .contains("found you by your ID"), "dan has ann's message", TIMEOUT);

        Launcher.Result mistyped = parley.run("lookup", "--home", ann, danId.substring(0, danId.length() - 1) + "x");
        assertEquals(2, mistyped.exitCode(), mistyped.toString());
        assertEquals(1, mistyped.stderr().lines().count(), mistyped.toString());
    }

    private static List<String> linkedPeers(Launcher parley, String home) throws Exception {
        Launcher.Result peers = parley.run("peers", "--home", home, "--json");
        List<String> ids = new ArrayList<>();
        if (peers.exitCode() != 0) {
            return ids; // the daemon is still starting
        }
        for (JsonElement peer : JsonParser.parseString(peers.stdout()).getAsJsonArray()) {
            ids.add(peer.getAsJsonObject().get("peerId").getAsString());
        }
        return ids;
    }

    private static void awaitHeld(Launcher parley, String home, String peerId) throws Exception {
        Instant deadline = Instant.now().plus(TIMEOUT);
        String answer = "";
        while (Instant.now().isBefore(deadline)) {
            Launcher.Result lookup = parley.run("lookup", "--home", home, peerId, "--json");
            answer = lookup.stdout();
            if (lookup.exitCode() == 0 && JsonParser.parseString(answer).getAsJsonObject().get("hops").getAsInt() == 0
                    && JsonParser.parseString(answer).getAsJsonObject().get("found").getAsBoolean()) {
                return;
            }
            Thread.sleep(300);
        }
        throw new AssertionError(home + " never held the record of " + peerId + ": " + answer);
    }

    private static void awaitPeers(Launcher parley, String home, List<String> peerIds) throws Exception {
        Profiles.await(() -> linkedPeers(parley, home).containsAll(peerIds), "all of " + peerIds + " linked with "
                + home, TIMEOUT);
    }
}
