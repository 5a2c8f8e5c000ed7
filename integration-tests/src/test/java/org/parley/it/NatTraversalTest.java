package org.parley.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.store.ProfileHome;

/**
 * Daemons started through the launcher inside network namespaces, with the kernel's NAT between
 * them (see {@link NatTestBed}): a public seed, and alice and bob each behind a router of their own.
 * Every command runs as {@code ip netns exec NAMESPACE ./parley ...}, so the daemon's control API
 * is reached from inside its own namespace, as a user on that machine would.
 */
class NatTraversalTest {
    private static final String PORT = "7450";
    private static final String SEED = NatTestBed.PUBLIC_ADDRESS + ":" + PORT;
    private static final Duration VERDICT_WAIT = Duration.ofSeconds(90);
    /**
     * What today's store-and-forward path (mailboxes, polled) achieves between two NATed peers:
     * measured 10 to 60 s per message before relays. Relays and hole punching will cut it to a second.
     */
    private static final Duration MAILBOX_DELIVERY = Duration.ofSeconds(180);

    @TempDir
    Path work;

    private Launcher parley;
    private final List<Process> processes = new ArrayList<>();

    @BeforeEach
    void requireNamespaces() {
        NatTestBed.requireTools();
        parley = new Launcher(work).withEnv("PARLEY_PASSPHRASE", Profiles.PASSPHRASE).withoutEnv("PARLEY_HOME");
    }

    @AfterEach
    void stopDaemons() throws InterruptedException {
        for (Process process : processes) {
            process.destroy();
        }
        for (Process process : processes) {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    @Test
    void thePublicSeedFindsItselfPublicAndAliceBehindNatPrivate() throws Exception {
        try (NatTestBed bed = NatTestBed.create(2, NatTestBed.Nat.ENDPOINT_INDEPENDENT)) {
            String seed = init("seed");
            String alice = init("alice");
            init("bob");
            daemon(bed.publicNamespace(), "seed");
            daemon(bed.home(1), "alice", "--bootstrap", SEED);
            daemon(bed.home(2), "bob", "--bootstrap", SEED);

            JsonObject seedStatus = awaitReachability(bed.publicNamespace(), "seed", "public");
            assertTrue(strings(seedStatus.getAsJsonArray("observedAddresses")).contains(SEED),
                    "alice and bob saw the seed at its public address: " + seedStatus);
            JsonObject aliceStatus = awaitReachability(bed.home(1), "alice", "private");
            assertTrue(strings(aliceStatus.getAsJsonArray("observedAddresses"))
                            .contains(NatTestBed.routerAddress(1) + ":" + PORT),
                    "the seed saw alice at her router's address: " + aliceStatus);

            // Records: the seed, on 0.0.0.0, now announces the address two peers confirmed;
            // alice announces none (nobody can dial her there).
            Profiles.await(() -> recordAddresses(bed.home(1), "alice", seed).equals(List.of(SEED)),
                    "alice finds the seed's record naming " + SEED, VERDICT_WAIT);
            Profiles.await(() -> recordAddresses(bed.publicNamespace(), "seed", alice).isEmpty(),
                    "the seed finds alice's record naming no address", VERDICT_WAIT);
        }
    }

    @Test
    void aliceAndBobBehindSymmetricNatsExchangeMessagesBothWaysKnowingOnlyPeerIdsAndTheSeed() throws Exception {
        try (NatTestBed bed = NatTestBed.create(2, NatTestBed.Nat.SYMMETRIC)) {
            init("seed");
            String alice = init("alice");
            String bob = init("bob");
            daemon(bed.publicNamespace(), "seed");
            daemon(bed.home(1), "alice", "--bootstrap", SEED);
            // bob joins through the seed list in his home instead of --bootstrap.
            Files.writeString(work.resolve("bob").resolve("seeds"), "# where bob joins\n" + SEED + "\n");
            daemon(bed.home(2), "bob");
            Path aliceEvents = watch(bed.home(1), "alice");
            Path bobEvents = watch(bed.home(2), "bob");
            ok(bed.home(1), "contact", "add", "--home", home("alice"), bob, "--name", "bob");
            ok(bed.home(2), "contact", "add", "--home", home("bob"), alice, "--name", "alice");

            List<String> figures = new ArrayList<>();
            for (int round = 1; round <= 2; round++) {
                figures.add(exchange(bed.home(1), "alice", bob, aliceEvents, bobEvents, "alice to bob " + round));
                figures.add(exchange(bed.home(2), "bob", alice, bobEvents, aliceEvents, "bob to alice " + round));
            }
            System.out.println("NAT messages (symmetric NAT, mailboxes only): " + String.join("; ", figures));
        }
    }

    /** Sends one message and waits until it arrives and its sender sees it delivered; the figures. */
    private String exchange(String namespace, String sender, String recipientId, Path senderEvents,
                            Path recipientEvents, String text) throws Exception {
        Instant sentAt = Instant.now();
        String id = ok(namespace, "send", "--home", home(sender), recipientId, text).strip();
        assertTrue(id.matches("[0-9a-f]{32}"), id);
        Profiles.await(() -> hasEvent(recipientEvents, id, "in", "received"), text + " arrives", MAILBOX_DELIVERY);
        Duration arrived = Duration.between(sentAt, Instant.now());
        Profiles.await(() -> hasEvent(senderEvents, id, "out", "delivered"), text + " is delivered", MAILBOX_DELIVERY);
        Duration delivered = Duration.between(sentAt, Instant.now());
        return String.format("%s arrived after %.1f s, delivered after %.1f s", text, arrived.toMillis() / 1000.0,
                delivered.toMillis() / 1000.0);
    }

    private static boolean hasEvent(Path events, String messageId, String direction, String state) throws IOException {
        if (!Files.exists(events)) {
            return false;
        }
        for (String line : Files.readAllLines(events)) {
            if (line.isBlank()) {
                continue;
            }
            JsonObject event = JsonParser.parseString(line).getAsJsonObject();
            JsonElement message = event.get("message");
            if (message == null || message.isJsonNull()) {
                continue;
            }
            JsonObject view = message.getAsJsonObject();
            if (view.get("id").getAsString().equals(messageId) && view.get("direction").getAsString().equals(direction)
                    && view.get("state").getAsString().equals(state)) {
                return true;
            }
        }
        return false;
    }

    private JsonObject awaitReachability(String namespace, String name, String expected) throws Exception {
        JsonObject[] last = new JsonObject[1];
        try {
            Profiles.await(() -> {
                last[0] = JsonParser.parseString(ok(namespace, "status", "--home", home(name), "--json"))
                        .getAsJsonObject();
                return last[0].get("reachability").getAsString().equals(expected);
            }, name + " is " + expected, VERDICT_WAIT);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; last status " + last[0] + "\n" + logTail(name), e);
        }
        return last[0];
    }

    private List<String> recordAddresses(String namespace, String name, String peer) throws Exception {
        JsonObject found = JsonParser.parseString(ok(namespace, "lookup", "--home", home(name), peer, "--json"))
                .getAsJsonObject();
        if (!found.get("found").getAsBoolean()) {
            return List.of("(not found)");
        }
        return strings(found.getAsJsonObject("record").getAsJsonArray("addresses"));
    }

    private static List<String> strings(JsonArray array) {
        List<String> values = new ArrayList<>();
        array.forEach(element -> values.add(element.getAsString()));
        return values;
    }

    private String init(String name) throws Exception {
        Launcher.Result init = parley.run("init", "--home", home(name), "--name", name);
        assertEquals(0, init.exitCode(), init.toString());
        return parley.run("id", "--home", home(name)).stdout().strip();
    }

    /** Starts a daemon on every interface of its namespace and waits until its control API answers. */
    private void daemon(String namespace, String name, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("daemon", "--home", home(name), "--listen", "0.0.0.0:" + PORT));
        args.addAll(List.of(extra));
        Process daemon = parley.inNamespace(namespace).start(name + "-daemon", args.toArray(String[]::new));
        processes.add(daemon);
        Profiles.await(() -> {
            if (!daemon.isAlive()) {
                throw new AssertionError(name + "'s daemon exited with " + daemon.exitValue() + ": "
                        + Files.readString(work.resolve(name + "-daemon.err")) + "\n" + logTail(name));
            }
            return parley.inNamespace(namespace).run("status", "--home", home(name)).exitCode() == 0;
        }, name + "'s daemon answers");
    }

    private Path watch(String namespace, String name) throws Exception {
        processes.add(parley.inNamespace(namespace).start(name + "-watch", "watch", "--home", home(name), "--json"));
        Thread.sleep(1500); // let the watcher subscribe before anything is sent
        return work.resolve(name + "-watch.out");
    }

    private String ok(String namespace, String... args) throws Exception {
        Launcher.Result result = parley.inNamespace(namespace).run(args);
        if (result.exitCode() != 0) {
            throw new AssertionError("parley " + String.join(" ", args) + ": " + result);
        }
        return result.stdout();
    }

    private String home(String name) {
        return work.resolve(name).toString();
    }

    private String logTail(String name) {
        try {
            List<String> lines = Files.readAllLines(new ProfileHome(work.resolve(name)).logFile());
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
