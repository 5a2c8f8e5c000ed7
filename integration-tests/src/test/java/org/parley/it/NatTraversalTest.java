package org.parley.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.api.LookupView;
import org.parley.api.MessageView;
import org.parley.api.PeerView;
import org.parley.api.StatusView;
import org.parley.control.ControlClient;
import org.parley.store.ProfileHome;
import org.parley.testing.Eventually;

/**
 * Daemons started through the launcher inside network namespaces, with the kernel's NAT between
 * them (see {@link NatTestBed}): a public seed, and alice and bob each behind a router of their own.
 * Every command runs as {@code ip netns exec NAMESPACE ./parley ...}, so the daemon's control API
 * is reached from inside its own namespace, as a user on that machine would.
 *
 * <p>One subclass per kind of NAT: each case takes minutes of protocol timers, and as classes of
 * their own the two run in separate test JVMs at once (their namespaces are named by the JVM).
 */
abstract class NatTraversalTest {
    private static final String PORT = "7450";
    private static final String SEED = NatTestBed.PUBLIC_ADDRESS + ":" + PORT;
    private static final Duration VERDICT_WAIT = Duration.ofSeconds(90);
    /** The first message may wait for the reacher to look up the peer and open a circuit. */
    private static final Duration FIRST_DELIVERY = Duration.ofSeconds(60);
    private static final int LIVE_MESSAGES = 5;
    /** Beyond this a live message is not merely slow: the test stops waiting. */
    private static final Duration LIVE_ARRIVAL_LIMIT = Duration.ofSeconds(30);

    @TempDir
    Path work;

    private Launcher parley;
    private final List<Process> processes = new ArrayList<>();
    private final HeldClients clients = new HeldClients();

    @BeforeEach
    void requireNamespaces() {
        NatTestBed.requireTools();
        parley = new Launcher(work).withEnv("PARLEY_PASSPHRASE", Profiles.PASSPHRASE).withoutEnv("PARLEY_HOME");
    }

    @AfterEach
    void stopDaemons() throws InterruptedException {
        clients.close();
        for (Process process : processes) {
            process.destroy();
        }
        for (Process process : processes) {
            if (!process.waitFor(Daemons.STOP.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    /** The NAT both homes' routers do. */
    abstract NatTestBed.Nat nat();

    /**
     * alice and bob, each behind a NAT of their own, know only each other's peer IDs and the
     * seed. Both find themselves private and reserve at the seed (which relays by default); each
     * reaches the other through a circuit at the seed. Over that link they then try to punch a hole:
     * behind endpoint-independent NATs the link moves to the punched connection; behind symmetric
     * ones (a random port per connection) the punch fails and the link stays relayed. Messages then
     * go live over whichever link they have. Behind endpoint-independent NATs the same daemons also
     * show the verdicts themselves: the seed, on 0.0.0.0, finds itself public at the address both
     * confirmed and announces it; alice is private, seen at her router's address, and announces none.
     * There, too, the punched connection breaks and the relay carries the link again, and bob goes
     * away and finds alice's message in a mailbox when he returns (neither depends on the kind of
     * NAT, so the symmetric case leaves them out).
     */
    @Test
    void aliceAndBobBehindNatsChatLiveThroughTheSeedsRelay() throws Exception {
        NatTestBed.Nat nat = nat();
        try (NatTestBed bed = NatTestBed.create(2, nat)) {
            String seed = init("seed");
            String alice = init("alice");
            String bob = init("bob");
            daemon(bed.publicNamespace(), "seed");
            daemon(bed.home(1), "alice", "--bootstrap", SEED);
            // bob joins through the seed list in his home instead of --bootstrap.
            Files.writeString(work.resolve("bob").resolve("seeds"), "# where bob joins\n" + SEED + "\n");
            Process bobDaemon = daemon(bed.home(2), "bob");
            Path aliceEvents = watch(bed.home(1), "alice");
            Path bobEvents = watch(bed.home(2), "bob");

            Instant started = Instant.now();
            awaitReachability(bed.home(1), "alice", "private");
            awaitReachability(bed.home(2), "bob", "private");
            Duration bothPrivate = Duration.between(started, Instant.now());
            // Each one's record, as the other finds it, names the seed as the relay that holds her
            // reservation (and no address: nobody can dial her directly).
            awaitRecord(bed.home(2), "bob", alice, seed);
            awaitRecord(bed.home(1), "alice", bob, seed);
            Duration bothReserved = Duration.between(started, Instant.now());
            if (nat == NatTestBed.Nat.ENDPOINT_INDEPENDENT) {
                JsonObject seedStatus = awaitReachability(bed.publicNamespace(), "seed", "public");
                assertTrue(strings(seedStatus.getAsJsonArray("observedAddresses")).contains(SEED),
                        "alice and bob saw the seed at its public address: " + seedStatus);
                JsonObject aliceStatus = awaitReachability(bed.home(1), "alice", "private");
                assertTrue(strings(aliceStatus.getAsJsonArray("observedAddresses"))
                                .contains(NatTestBed.routerAddress(1) + ":" + PORT),
                        "the seed saw alice at her router's address: " + aliceStatus);
                Profiles.await(() -> lookedUp("alice", seed).filter(record -> record.addresses().equals(List.of(SEED)))
                        .isPresent(), "alice finds the seed's record naming " + SEED, VERDICT_WAIT);
                assertEquals(List.of(SEED), recordAddresses(bed.home(1), "alice", seed));
                Profiles.await(() -> lookedUp("seed", alice).filter(record -> record.addresses().isEmpty()).isPresent(),
                        "the seed finds alice's record naming no address", VERDICT_WAIT);
                assertEquals(List.of(), recordAddresses(bed.publicNamespace(), "seed", alice));
            }

            ok(bed.home(1), "contact", "add", "--home", home("alice"), bob, "--name", "bob");
            ok(bed.home(2), "contact", "add", "--home", home("bob"), alice, "--name", "alice");

            List<String> figures = new ArrayList<>();
            figures.add(exchange(bed.home(1), "alice", bob, aliceEvents, bobEvents, "alice to bob"));
            figures.add(exchange(bed.home(2), "bob", alice, bobEvents, aliceEvents, "bob to alice"));
            String path;
            String punchFigure;
            if (nat == NatTestBed.Nat.ENDPOINT_INDEPENDENT) {
                Instant punching = Instant.now();
                JsonObject link = awaitPath(bed.home(1), "alice", bob, "hole-punched");
                assertTrue(link.get("relay").isJsonNull(), "a punched link has no relay: " + link);
                JsonObject back = awaitPath(bed.home(2), "bob", alice, "hole-punched");
                assertTrue(back.get("relay").isJsonNull(), "nor at bob's end: " + back);
                path = "hole-punched link";
                punchFigure = String.format("; both saw the link hole-punched %.1f s after the exchanges",
                        Duration.between(punching, Instant.now()).toMillis() / 1000.0);
            } else {
                // The punch is tried, and fails: the peers' NATs give every connection a new port.
                Profiles.await(() -> logContains("alice", "hole punching to")
                        || logContains("bob", "hole punching to"), "a punch is tried and fails", FIRST_DELIVERY);
                JsonObject link = awaitPeer(bed.home(1), "alice", bob);
                assertEquals("relayed", link.get("path").getAsString(), "alice reaches bob through a relay: " + link);
                assertEquals(seed, link.get("relay").getAsString(), "the relay is the seed: " + link);
                path = "relayed link";
                punchFigure = "";
            }

            // With the link up, messages sent one after another arrive live. Three clocks: from
            // `send` returning (the command's own start-up is then behind us; the message may
            // already be there), from `send` being invoked (an upper bound: it includes starting
            // the command), and inside the nodes (bob's receivedAt minus alice's sentAt; one
            // machine, one clock).
            List<Long> afterReturn = new ArrayList<>();
            List<Long> afterInvoke = new ArrayList<>();
            List<Long> inNodes = new ArrayList<>();
            for (int i = 1; i <= LIVE_MESSAGES; i++) {
                Instant invoked = Instant.now();
                String id = ok(bed.home(1), "send", "--home", home("alice"), bob, "live " + i).strip();
                Instant returned = Instant.now();
                awaitQuickly(() -> hasEvent(bobEvents, id, "in", "received"), "live " + i + " arrives",
                        LIVE_ARRIVAL_LIMIT);
                Instant seen = Instant.now();
                afterReturn.add(Duration.between(returned, seen).toMillis());
                afterInvoke.add(Duration.between(invoked, seen).toMillis());
                JsonObject received = event(bobEvents, id, "in", "received").orElseThrow();
                inNodes.add(received.get("receivedAt").getAsLong() - received.get("sentAt").getAsLong());
            }
            System.out.printf("NAT verdicts (%s): both private %.1f s and both records naming the seed %.1f s after "
                    + "the daemons answered%n", nat, bothPrivate.toMillis() / 1000.0, bothReserved.toMillis() / 1000.0);
            System.out.println("NAT messages (" + nat + ", " + path + "): " + String.join("; ", figures) + punchFigure
                    + "; live arrival ms after send returned " + afterReturn + " (median " + median(afterReturn)
                    + "), after send invoked " + afterInvoke + " (median " + median(afterInvoke)
                    + "), receivedAt - sentAt " + inNodes + " (median " + median(inNodes) + ")");
            assertTrue(median(afterReturn) < 1000, "median arrival after send returned: " + afterReturn);
            assertTrue(median(inNodes) < 1000, "median receivedAt - sentAt: " + inNodes);

            if (nat == NatTestBed.Nat.ENDPOINT_INDEPENDENT) {
                fallBackToTheRelay(bed, nat, bob, bobEvents);
                // How mail waits for an absent peer does not depend on the kind of NAT: checked here only.
                awayAndBack(bed, nat, alice, bob, bobDaemon, aliceEvents);
            }
        }
    }

    /**
     * The punched connection breaks (its socket at alice's end destroyed, as a router that forgot
     * the mapping would): the relay carries the link again, and messages flow.
     */
    private void fallBackToTheRelay(NatTestBed bed, NatTestBed.Nat nat, String bob, Path bobEvents) throws Exception {
        Instant broken = Instant.now();
        NatTestBed.killConnections(bed.home(1), NatTestBed.routerAddress(2));
        Profiles.await(() -> logContains("alice", "back through relay")
                || logContains("bob", "back through relay"), "the circuit's dialler goes back through the relay",
                FIRST_DELIVERY);
        String after = ok(bed.home(1), "send", "--home", home("alice"), bob, "after the break").strip();
        Profiles.await(() -> hasEvent(bobEvents, after, "in", "received"), "a message after the break arrives",
                FIRST_DELIVERY);
        System.out.printf("NAT fallback (%s): a message sent after the punched connection broke arrived "
                + "%.1f s after the break%n", nat, Duration.between(broken, Instant.now()).toMillis() / 1000.0);
    }

    /** bob goes away; alice writes to him anyway; when he returns, the message reaches him. */
    private void awayAndBack(NatTestBed bed, NatTestBed.Nat nat, String alice, String bob, Process bobDaemon,
                             Path aliceEvents) throws Exception {
        Instant leaving = Instant.now();
        bobDaemon.destroy();
        assertTrue(bobDaemon.waitFor(Daemons.STOP.toSeconds(), TimeUnit.SECONDS), "bob's daemon stops");
        Profiles.await(() -> linkedTo("alice", bob).isEmpty(), "alice sees bob's link go", FIRST_DELIVERY);
        assertTrue(peerEntry(bed.home(1), "alice", bob).isEmpty(), "peers --json agrees");
        Duration linkGone = Duration.between(leaving, Instant.now());
        String away = ok(bed.home(1), "send", "--home", home("alice"), bob, "while you were away").strip();
        // Offline mail: alice's node hands the message to mailboxes (state relayed) while bob is away.
        String[] whileAway = new String[1];
        Profiles.await(() -> "relayed".equals(whileAway[0] = stateOf("alice", bob, away)),
                "alice's message waits in a mailbox", FIRST_DELIVERY);
        assertEquals("out relayed", historyState(bed.home(1), "alice", bob, away));
        Instant back = Instant.now();
        daemon(bed.home(2), "bob");
        Duration restarted = Duration.between(back, Instant.now());
        Profiles.await(() -> received("bob", alice, away), "bob gets alice's message on his return",
                FIRST_DELIVERY);
        assertEquals("in received", historyState(bed.home(2), "bob", alice, away));
        Duration pickedUp = Duration.between(back, Instant.now());
        Profiles.await(() -> hasEvent(aliceEvents, away, "out", "delivered"), "alice sees it delivered",
                FIRST_DELIVERY);
        System.out.printf("NAT offline message (%s): alice saw bob's link go %.1f s after his daemon was "
                        + "stopped; the message was %s while he was away; his daemon answered again after "
                        + "%.1f s and had the message after %.1f s%n",
                nat, linkGone.toMillis() / 1000.0, whileAway[0], restarted.toMillis() / 1000.0,
                pickedUp.toMillis() / 1000.0);
    }

    /** Sends one message and waits until it arrives and its sender sees it delivered; the figures. */
    private String exchange(String namespace, String sender, String recipientId, Path senderEvents,
                            Path recipientEvents, String text) throws Exception {
        Instant sentAt = Instant.now();
        String id = ok(namespace, "send", "--home", home(sender), recipientId, text).strip();
        assertTrue(id.matches("[0-9a-f]{32}"), id);
        Profiles.await(() -> hasEvent(recipientEvents, id, "in", "received"), text + " arrives", FIRST_DELIVERY);
        Duration arrived = Duration.between(sentAt, Instant.now());
        Profiles.await(() -> hasEvent(senderEvents, id, "out", "delivered"), text + " is delivered", FIRST_DELIVERY);
        Duration delivered = Duration.between(sentAt, Instant.now());
        return String.format("%s arrived after %.1f s, delivered after %.1f s", text, arrived.toMillis() / 1000.0,
                delivered.toMillis() / 1000.0);
    }

    private static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    private static boolean hasEvent(Path events, String messageId, String direction, String state) throws IOException {
        return event(events, messageId, direction, state).isPresent();
    }

    /** The message of the first event in {@code events} showing the message in that direction and state. */
    private static Optional<JsonObject> event(Path events, String messageId, String direction, String state)
            throws IOException {
        if (!Files.exists(events)) {
            return Optional.empty();
        }
        for (String line : Files.readAllLines(events)) {
            if (line.isBlank()) {
                continue;
            }
            JsonObject event;
            try {
                event = JsonParser.parseString(line).getAsJsonObject();
            } catch (JsonParseException halfWritten) {
                continue; // the watcher is writing this line right now
            }
            JsonElement message = event.get("message");
            if (message == null || message.isJsonNull()) {
                continue;
            }
            JsonObject view = message.getAsJsonObject();
            if (view.get("id").getAsString().equals(messageId) && view.get("direction").getAsString().equals(direction)
                    && view.get("state").getAsString().equals(state)) {
                return Optional.of(view);
            }
        }
        return Optional.empty();
    }

    /**
     * Waits (asking the daemon's control API, not starting a command each time) until {@code name}
     * finds itself {@code expected}; then its {@code status --json}, run inside its namespace.
     */
    private JsonObject awaitReachability(String namespace, String name, String expected) throws Exception {
        StatusView[] last = new StatusView[1];
        try {
            Profiles.await(() -> {
                last[0] = clients.ask(work.resolve(name), ControlClient::status);
                return last[0].reachability().equals(expected);
            }, name + " is " + expected, VERDICT_WAIT);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; last status " + last[0] + "\n" + logTail(name), e);
        }
        JsonObject status = JsonParser.parseString(ok(namespace, "status", "--home", home(name), "--json"))
                .getAsJsonObject();
        assertEquals(expected, status.get("reachability").getAsString(), status.toString());
        return status;
    }

    /**
     * Waits until {@code name} finds {@code peer}'s record naming {@code relay} among its link
     * relays and no address of its own.
     */
    private void awaitRecord(String namespace, String name, String peer, String relay) throws Exception {
        AtomicReference<Optional<LookupView.RecordView>> last = new AtomicReference<>(Optional.empty());
        try {
            Profiles.await(() -> {
                last.set(lookedUp(name, peer));
                return last.get().filter(record -> record.linkRelays().contains(relay) && record.addresses().isEmpty())
                        .isPresent();
            }, name + " finds " + peer + "'s record naming the relay " + relay + " and no address", VERDICT_WAIT);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; last lookup " + last.get() + "\n" + logTail(name), e);
        }
        JsonObject found = JsonParser.parseString(ok(namespace, "lookup", "--home", home(name), peer, "--json"))
                .getAsJsonObject();
        assertTrue(found.get("found").getAsBoolean(), found.toString());
        JsonObject record = found.getAsJsonObject("record");
        assertTrue(strings(record.getAsJsonArray("linkRelays")).contains(relay), found.toString());
        assertEquals(List.of(), strings(record.getAsJsonArray("addresses")), found.toString());
    }

    /** {@code peer}'s record as {@code name}'s daemon finds it now, through its control API. */
    private Optional<LookupView.RecordView> lookedUp(String name, String peer) throws Exception {
        LookupView lookup = clients.ask(work.resolve(name), client -> client.lookup(peer));
        return lookup.found() ? Optional.of(lookup.record()) : Optional.empty();
    }

    /** Waits until {@code name} has a link to {@code peer}; its {@code peers --json} entry. */
    private JsonObject awaitPeer(String namespace, String name, String peer) throws Exception {
        Profiles.await(() -> linkedTo(name, peer).isPresent(), name + " is linked to " + peer, FIRST_DELIVERY);
        return peerEntry(namespace, name, peer).orElseThrow(() -> new AssertionError(name + " lost its link to " + peer));
    }

    /** Waits until {@code name}'s link to {@code peer} has the given path; its {@code peers --json} entry. */
    private JsonObject awaitPath(String namespace, String name, String peer, String path) throws Exception {
        AtomicReference<Optional<PeerView>> found = new AtomicReference<>(Optional.empty());
        try {
            Profiles.await(() -> {
                found.set(linkedTo(name, peer));
                return found.get().filter(view -> view.path().equals(path)).isPresent();
            },
                    name + "'s link to " + peer + " is " + path, FIRST_DELIVERY);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; last entry " + found.get() + "\n" + logTail(name), e);
        }
        JsonObject entry = peerEntry(namespace, name, peer)
                .orElseThrow(() -> new AssertionError(name + " lost its link to " + peer));
        assertEquals(path, entry.get("path").getAsString(), entry.toString());
        return entry;
    }

    /** {@code name}'s link to {@code peer} as its control API shows it now. */
    private Optional<PeerView> linkedTo(String name, String peer) throws Exception {
        return clients.ask(work.resolve(name), client -> client.peers().stream()
                .filter(view -> view.peerId().equals(peer)).findFirst());
    }

    /** {@code name}'s entry for {@code peer} in {@code peers --json}, run inside its namespace. */
    private Optional<JsonObject> peerEntry(String namespace, String name, String peer) throws Exception {
        for (JsonElement entry : JsonParser.parseString(ok(namespace, "peers", "--home", home(name), "--json"))
                .getAsJsonArray()) {
            if (entry.getAsJsonObject().get("peerId").getAsString().equals(peer)) {
                return Optional.of(entry.getAsJsonObject());
            }
        }
        return Optional.empty();
    }

    /** The state of the message {@code messageId} in {@code name}'s history with {@code peer}. */
    private String stateOf(String name, String peer, String messageId) throws Exception {
        return message(name, peer, messageId).map(MessageView::state).orElse("(not in the history)");
    }

    /** Whether {@code name}'s history with {@code peer} holds the incoming message {@code messageId}. */
    private boolean received(String name, String peer, String messageId) throws Exception {
        return message(name, peer, messageId).filter(view -> view.direction().equals("in")).isPresent();
    }

    private Optional<MessageView> message(String name, String peer, String messageId) throws Exception {
        return clients.ask(work.resolve(name), client -> client.history(peer, 1000, Optional.empty()).stream()
                .filter(view -> view.id().equals(messageId)).findFirst());
    }

    /** The state of {@code messageId} in {@code history --json}, run inside {@code name}'s namespace. */
    private String historyState(String namespace, String name, String peer, String messageId) throws Exception {
        for (JsonElement message : JsonParser.parseString(ok(namespace, "history", "--home", home(name), peer,
                "--json")).getAsJsonArray()) {
            JsonObject view = message.getAsJsonObject();
            if (view.get("id").getAsString().equals(messageId)) {
                return view.get("direction").getAsString() + " " + view.get("state").getAsString();
            }
        }
        return "(not in the history)";
    }

    /** Like {@link Profiles#await}, polling often enough to time a live message to tens of milliseconds. */
    private static void awaitQuickly(Profiles.Condition condition, String what, Duration wait) throws Exception {
        Eventually.await(condition, what, wait, Duration.ofMillis(10));
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
        return Profiles.create(work.resolve(name), name);
    }

    /** Starts a daemon on every interface of its namespace and waits until its control API answers. */
    private Process daemon(String namespace, String name, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("daemon", "--home", home(name), "--listen", "0.0.0.0:" + PORT));
        args.addAll(List.of(extra));
        Process daemon = parley.inNamespace(namespace).start(name + "-daemon", args.toArray(String[]::new));
        processes.add(daemon);
        Profiles.await(() -> {
            if (!daemon.isAlive()) {
                throw new AssertionError(name + "'s daemon exited with " + daemon.exitValue() + ": "
                        + Files.readString(work.resolve(name + "-daemon.err")) + "\n" + logTail(name));
            }
            return Profiles.answers(work.resolve(name));
        }, name + "'s daemon answers", Profiles.DAEMON_START);
        return daemon; // that commands inside its namespace reach it, awaitReachability's status shows
    }

    private Path watch(String namespace, String name) throws Exception {
        processes.add(parley.inNamespace(namespace).start(name + "-watch", "watch", "--home", home(name), "--json"));
        Path out = work.resolve(name + "-watch.out");
        Profiles.awaitWatching(out);
        return out;
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

    private boolean logContains(String name, String text) throws IOException {
        Path log = new ProfileHome(work.resolve(name)).logFile();
        return Files.exists(log) && Files.readString(log).contains(text);
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
