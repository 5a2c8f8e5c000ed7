package org.parley.it;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.parley.store.ProfileHome;

/**
 * Profiles and daemons of a NAT test, every command run through the launcher inside a network
 * namespace of a {@link NatTestBed} ({@code ip netns exec NAMESPACE ./parley ...}), so the daemon's
 * control API is reached from inside its own namespace, as a user on that machine would.
 */
final class NatDaemons implements AutoCloseable {
    static final String PORT = "7450";
    /** Where the public seed listens. */
    static final String SEED = NatTestBed.PUBLIC_ADDRESS + ":" + PORT;

    private final Path work;
    private final Launcher parley;
    private final List<Process> processes = new ArrayList<>();
    private final HeldClients clients = new HeldClients();

    NatDaemons(Path work) {
        this.work = work;
        this.parley = new Launcher(work).withEnv("PARLEY_PASSPHRASE", Profiles.PASSPHRASE).withoutEnv("PARLEY_HOME");
    }

    /** Creates a profile; its peer ID. */
    String init(String name) throws Exception {
        return Profiles.create(work.resolve(name), name);
    }

    /** Starts a daemon on every interface of its namespace at {@code port}; waits until its control API answers. */
    Process daemon(String namespace, String name, String port, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("daemon", "--home", home(name), "--listen", "0.0.0.0:" + port));
        args.addAll(List.of(extra));
        String output = name + "-daemon-" + processes.size();
        Process daemon = parley.inNamespace(namespace).start(output, args.toArray(String[]::new));
        processes.add(daemon);
        Profiles.await(() -> {
            if (!daemon.isAlive()) {
                throw new AssertionError(name + "'s daemon exited with " + daemon.exitValue() + ": "
                        + Files.readString(work.resolve(output + ".err")) + "\n" + logTail(name));
            }
            return Profiles.answers(work.resolve(name));
        }, name + "'s daemon answers", Profiles.DAEMON_START);
        return daemon; // that commands inside its namespace reach it, the tests' own commands there show
    }

    /** Runs {@code parley args...} in {@code namespace}; its standard output, or an assertion error saying why not. */
    String ok(String namespace, String... args) throws Exception {
        Launcher.Result result = parley.inNamespace(namespace).run(args);
        if (result.exitCode() != 0) {
            throw new AssertionError("parley " + String.join(" ", args) + ": " + result);
        }
        return result.stdout();
    }

    JsonObject status(String namespace, String name) throws Exception {
        return JsonParser.parseString(ok(namespace, "status", "--home", home(name), "--json")).getAsJsonObject();
    }

    /** {@code name}'s {@code peers --json} entry for {@code peer}, or null while they have no link. */
    JsonObject peerEntry(String namespace, String name, String peer) throws Exception {
        return peerEntries(namespace, name).get(peer);
    }

    /** {@code name}'s {@code peers --json} entries, by peer ID: one command for every peer asked about. */
    Map<String, JsonObject> peerEntries(String namespace, String name) throws Exception {
        Map<String, JsonObject> entries = new HashMap<>();
        for (JsonElement entry : JsonParser.parseString(ok(namespace, "peers", "--home", home(name), "--json"))
                .getAsJsonArray()) {
            entries.put(entry.getAsJsonObject().get("peerId").getAsString(), entry.getAsJsonObject());
        }
        return entries;
    }

    /**
     * Asks {@code name}'s daemon through its control API, on a client kept for the next question:
     * for polling, where a call costs far less than starting a command (a JVM) each time, which on
     * a small machine starves the daemons being waited for.
     */
    <T> T ask(String name, HeldClients.Question<T> question) throws Exception {
        return clients.ask(work.resolve(name), question);
    }

    String home(String name) {
        return work.resolve(name).toString();
    }

    /** The last lines of a profile's log: what a failed test prints to say why. */
    String logTail(String name) {
        try {
            List<String> lines = Files.readAllLines(new ProfileHome(work.resolve(name)).logFile());
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    static List<String> strings(JsonArray array) {
        List<String> values = new ArrayList<>();
        array.forEach(element -> values.add(element.getAsString()));
        return values;
    }

    /** Stops every daemon this started (SIGTERM, so that each removes what it set up), then kills stragglers. */
    @Override
    public void close() throws InterruptedException {
        clients.close();
        for (Process process : processes) {
            process.destroy();
        }
        for (Process process : processes) {
            if (!process.waitFor(Daemons.STOP.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
        processes.clear();
    }
}
