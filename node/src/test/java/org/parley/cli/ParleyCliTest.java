package org.parley.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.api.ApiException;
import org.parley.api.ContactView;
import org.parley.api.MarkedReadView;
import org.parley.api.MessageView;
import org.parley.api.ParleyApi;
import org.parley.control.ControlServer;
import org.parley.crypto.Ed25519;
import org.parley.identity.PeerId;
import org.parley.store.ProfileHome;

/** The command line in process, with a scripted environment and terminal. */
class ParleyCliTest {
    @TempDir
    Path directory;

    private final Map<String, String> environment = new HashMap<>();
    /** What the "user" types at successive prompts; empty queue = no terminal. */
    private final Deque<String> typed = new ArrayDeque<>();
    private boolean terminal = true;
    /** What the "user" pipes into the command. */
    private byte[] standardInput = new byte[0];

    @Test
    void initThenIdAgreeOnThePeerIdAndJsonHasTheDocumentedFields() {
        environment.put("PARLEY_PASSPHRASE", "correct horse battery");
        Run init = run("init", "--home", home(), "--name", "alice", "--json");
        assertEquals(0, init.exit, init.err);
        JsonObject created = JsonParser.parseString(init.out).getAsJsonObject();
        Run id = run("id", "--home", home(), "--json");
        assertEquals(0, id.exit, id.err);
        JsonObject shown = JsonParser.parseString(id.out).getAsJsonObject();
        assertEquals(created, shown);
        assertEquals(3, shown.size(), "exactly peerId, name, fingerprint: " + shown);
        assertEquals("alice", shown.get("name").getAsString());
        assertTrue(shown.get("peerId").getAsString().startsWith("p1"));
        assertEquals(shown.get("peerId").getAsString(), run("id", "--home", home()).out.strip());
    }

    @Test
    void impossibleSimulationsAreOneLineErrors() {
        String[][] mistakes = {
            {"sim", "--nodes", "1"}, {"sim", "--churn", "1.5"}, {"sim", "--loss", "-0.1"},
            {"sim", "--latency-ms", "100"}, {"sim", "--latency-ms", "50-10"}, {"sim", "--latency-ms", "a-b"},
            {"sim", "--messages", "0"}, {"sim", "--churn", "0.6", "--malicious", "0.5"},
            {"sim", "--partition-seconds", "-3"}, {"sim", "--nodes", "many"},
            {"sim", "--offline", "1.5"}, {"sim", "--offline", "-0.1"}, {"sim", "--offline", "0.8", "--churn", "0.3"},
            {"sim", "--offline", "some"},
            {"sim", "--group-members", "1"}, {"sim", "--group-members", "257"}, {"sim", "--group-members", "-4"},
            {"sim", "--nodes", "10", "--group-members", "7"}, {"sim", "--group-members", "5", "--group-messages", "0"},
            {"sim", "--group-messages", "20"}, {"sim", "--group-members", "many"}, {"sim", "--forge-records"},
        };
        for (String[] mistake : mistakes) {
            Run run = run(mistake);
            assertEquals(2, run.exit, String.join(" ", mistake) + ": " + run.err);
            assertEquals(1, run.err.strip().lines().count(), run.err);
            assertTrue(run.err.startsWith("parley: error: "), run.err);
        }
    }

    @Test
    void everyCommandHasHelpNamingItselfAndTheHome() {
        for (String command : new String[] {"init", "id", "daemon", "peers", "contact add", "contact list",
                "contact remove", "contact block", "send", "history", "watch"}) {
            List<String> arguments = new ArrayList<>(List.of(command.split(" ")));
            arguments.add("--help");
            Run help = run(arguments.toArray(String[]::new));
            assertEquals(0, help.exit, command + ": " + help.err);
            assertTrue(help.out.contains("Usage: parley " + command), help.out);
            assertTrue(help.out.contains("--home"), help.out);
        }
    }

    @Test
    void aDirectMessageBenchmarkWithNothingToMeasureIsOneLineUsageError() {
        String[][] mistakes = {
            {"bench", "dm", "--messages", "0"}, {"bench", "dm", "--rate", "-5"}, {"bench", "dm", "--seconds", "many"},
            {"bench", "dm", "--warm-up", "-1"},
        };
        for (String[] mistake : mistakes) {
            Run run = run(mistake);
            assertEquals(2, run.exit, String.join(" ", mistake) + ": " + run.err);
            assertEquals(1, run.err.strip().lines().count(), run.err);
            assertTrue(run.err.startsWith("parley: error: "), run.err);
        }
    }

    @Test
    void badFileBenchmarkSizesAndHolderCountsAreOneLineErrors() {
        String[][] mistakes = {
            {"bench", "file", "--size", "0"}, {"bench", "file", "--size", "-1MiB"}, {"bench", "file", "--size", "big"},
            {"bench", "file", "--size", "100MB"}, {"bench", "file", "--size", "1.5MiB"},
            {"bench", "file", "--size", "2GiB"}, {"bench", "file", "--size", "9999999999GiB"},
            {"bench", "file", "--size", ""}, {"bench", "file", "--holders", "2"}, {"bench", "file", "--holders", "0"},
            {"bench", "file", "--warm-up", "-1"},
        };
        for (String[] mistake : mistakes) {
            Run run = run(mistake);
            assertEquals(2, run.exit, String.join(" ", mistake) + ": " + run.err);
            assertEquals(1, run.err.strip().lines().count(), run.err);
            assertTrue(run.err.startsWith("parley: error: "), run.err);
        }
    }

    @Test
    void fileBenchmarkSizesAreReadInBytesKibibytesAndMebibytes() {
        Converters.ByteSizeConverter sizes = new Converters.ByteSizeConverter();
        assertEquals(100L * 1024 * 1024, sizes.convert("100MiB"));
        assertEquals(10L * 1024 * 1024, sizes.convert("10MiB"));
        assertEquals(512L * 1024, sizes.convert("512KiB"));
        assertEquals(4096L, sizes.convert("4096"));
        assertEquals(1024L * 1024 * 1024, sizes.convert("1GiB"));
    }

    @Test
    void aDaemonAnnouncingNonsenseIsAUsageError() {
        environment.put("PARLEY_PASSPHRASE", "correct horse battery");
        assertEquals(0, run("init", "--home", home(), "--name", "a").exit);
        for (String announce : new String[] {"nowhere", "host:99999", ":7000"}) {
            Run run = run("daemon", "--home", home(), "--announce", announce);
            assertEquals(2, run.exit, run.err);
            assertEquals(1, run.err.strip().lines().count(), run.err);
        }
    }

    @Test
    void aSmallSimulationPrintsItsFiguresAsJson() {
        Run run = run("sim", "--nodes", "30", "--messages", "5", "--seed", "3", "--json");
        assertEquals(0, run.exit, run.err);
        JsonObject report = JsonParser.parseString(run.out).getAsJsonObject();
        assertEquals(30, report.get("nodes").getAsInt());
        assertEquals(3, report.get("seed").getAsLong());
        for (String key : new String[] {"deliveryRatio", "receptionsPerDelivery", "hopsP50", "hopsP99",
                "latencyMsP50", "latencyMsP99", "lookupSuccess", "lookupHopsP50", "lookupHopsP99",
                "bytesPerNodePerMessage", "wallSeconds"}) {
            assertTrue(report.has(key), key);
        }
        assertEquals(1.0, report.get("deliveryRatio").getAsDouble());
    }

    @Test
    void aSimulationWithOfflineRecipientsAddsTheirFigures() {
        Run run = run("sim", "--nodes", "16", "--messages", "5", "--seed", "3", "--offline", "0.2", "--json");
        assertEquals(0, run.exit, run.err);
        JsonObject report = JsonParser.parseString(run.out).getAsJsonObject();
        assertEquals(16, report.get("nodes").getAsInt());
        assertEquals(1.0, report.get("offlineDeliveryRatio").getAsDouble());
        assertTrue(report.get("duplicateDeliveries").getAsLong() >= 0);
        assertTrue(report.has("deliveryRatio"), "the overlay figures are still there");
    }

    @Test
    void aSimulationWithAGroupAddsItsCompleteness() {
        Run run = run("sim", "--nodes", "16", "--messages", "3", "--seed", "3", "--churn", "0.2",
                "--group-members", "6", "--group-messages", "12", "--json");
        assertEquals(0, run.exit, run.err);
        JsonObject report = JsonParser.parseString(run.out).getAsJsonObject();
        assertEquals(6, report.get("groupMembers").getAsInt());
        assertEquals(12, report.get("groupMessages").getAsInt());
        assertEquals(1.0, report.get("groupCompleteness").getAsDouble());
        assertEquals(3, report.get("messages").getAsInt(), "the overlay's figures are still there, its own");
        assertTrue(report.has("deliveryRatio"));

        Run text = run("sim", "--nodes", "16", "--messages", "3", "--seed", "3", "--group-members", "6",
                "--group-messages", "12");
        assertEquals(0, text.exit, text.err);
        assertTrue(text.out.contains("group completeness         1.0000"), text.out);
    }

    @Test
    void offlineRecipientsAndAGroupInOneRunOfWholeNodesRepeatForASeed() {
        String[] args = {"sim", "--nodes", "16", "--messages", "5", "--seed", "3", "--offline", "0.2",
            "--group-members", "5", "--group-messages", "6", "--json"};
        Run first = run(args);
        assertEquals(0, first.exit, first.err);
        JsonObject report = JsonParser.parseString(first.out).getAsJsonObject();
        assertEquals(1.0, report.get("offlineDeliveryRatio").getAsDouble(), first.out);
        assertEquals(1.0, report.get("groupCompleteness").getAsDouble(), first.out);
        Run second = run(args);
        assertEquals(0, second.exit, second.err);
        JsonObject again = JsonParser.parseString(second.out).getAsJsonObject();
        report.remove("wallSeconds");
        again.remove("wallSeconds");
        assertEquals(report, again, "the same seed prints the same figures");
    }

    @Test
    void everyCommandTellsTheSameVersion() {
        String version = run("--version").out.strip();
        assertTrue(version.startsWith("parley "), version);
        for (String[] command : new String[][] {{"init"}, {"send"}, {"lookup"}, {"contact", "add"}, {"bench", "dm"}}) {
            String[] arguments = java.util.Arrays.copyOf(command, command.length + 1);
            arguments[command.length] = "--version";
            assertEquals(version, run(arguments).out.strip(), String.join(" ", command));
        }
    }

    @Test
    void theEnvironmentWinsOverTheFileWhichWinsOverThePrompt() throws Exception {
        environment.put("PARLEY_PASSPHRASE", "from the environment");
        assertEquals(0, run("init", "--home", home(), "--name", "a").exit);
        Path file = directory.resolve("pass.txt");
        Files.writeString(file, "from-file\nsecond line ignored\n");

        assertEquals(0, run("id", "--home", home(), "--passphrase-file", file.toString()).exit, "env first");
        environment.remove("PARLEY_PASSPHRASE");
        Run fromFile = run("id", "--home", home(), "--passphrase-file", file.toString());
        assertEquals(1, fromFile.exit);
        assertTrue(fromFile.err.contains("wrong passphrase"), fromFile.err);

        typed.add("from the environment");
        assertEquals(0, run("id", "--home", home()).exit, "prompted");
        assertTrue(typed.isEmpty());
    }

    @Test
    void initPromptsTwiceAndRefusesAMismatch() {
        typed.add("one");
        typed.add("two");
        Run mismatch = run("init", "--home", home(), "--name", "a");
        assertEquals(1, mismatch.exit);
        assertEquals("parley: error: the passphrases do not match\n", mismatch.err);
        assertTrue(Files.notExists(directory.resolve("home/identity.keystore")));

        typed.add("same passphrase");
        typed.add("same passphrase");
        assertEquals(0, run("init", "--home", home(), "--name", "a").exit);
    }

    @Test
    void initRefusesAWeakPassphraseInOneClearLine() {
        for (String weak : new String[] {"pass", "123456789", "aaaaaaaaaaaaaaaa", "abababababababab", "  ab  ab  ab  "}) {
            environment.put("PARLEY_PASSPHRASE", weak);
            Run refused = run("init", "--home", home(), "--name", "a");
            assertEquals(1, refused.exit, weak);
            assertEquals(1, refused.err.lines().count(), refused.err);
            assertTrue(refused.err.startsWith("parley: error: the passphrase "), refused.err);
            assertTrue(Files.notExists(directory.resolve("home/identity.keystore")), weak);
        }
        environment.put("PARLEY_PASSPHRASE", "four words suffice");
        assertEquals(0, run("init", "--home", home(), "--name", "a").exit);
    }

    @Test
    void withoutATerminalThereIsNoPromptButAClearError() {
        terminal = false;
        Run run = run("init", "--home", home(), "--name", "a");
        assertEquals(1, run.exit);
        assertEquals("parley: error: no passphrase: set PARLEY_PASSPHRASE, pass --passphrase-file, or run in a "
                + "terminal\n", run.err);
    }

    @Test
    void passphraseFileProblemsAreOneLine() throws Exception {
        Run missing = run("init", "--home", home(), "--passphrase-file", directory.resolve("nope").toString());
        assertEquals("parley: error: passphrase file " + directory.resolve("nope") + " does not exist\n", missing.err);
        Path empty = Files.writeString(directory.resolve("empty"), "");
        assertEquals("parley: error: the passphrase is empty\n",
                run("init", "--home", home(), "--passphrase-file", empty.toString()).err);
        Path binary = Files.write(directory.resolve("binary"), new byte[] {(byte) 0xff, (byte) 0xfe, 0x00});
        Run notText = run("init", "--home", home(), "--passphrase-file", binary.toString());
        assertEquals(1, notText.exit);
        assertEquals(1, notText.err.lines().count(), notText.err);
        Path huge = Files.writeString(directory.resolve("huge"), "x".repeat(100_000));
        assertTrue(run("init", "--home", home(), "--passphrase-file", huge.toString()).err.contains("too large"));
    }

    @Test
    void initRefusesToOverwriteAndLeavesTheKeystoreAlone() throws Exception {
        environment.put("PARLEY_PASSPHRASE", "correct horse battery");
        assertEquals(0, run("init", "--home", home(), "--name", "a").exit);
        byte[] before = Files.readAllBytes(directory.resolve("home/identity.keystore"));
        Run again = run("init", "--home", home(), "--name", "b");
        assertEquals(1, again.exit);
        assertTrue(again.err.startsWith("parley: error: an identity already exists in "), again.err);
        assertArrayEquals(before, Files.readAllBytes(directory.resolve("home/identity.keystore")));
    }

    @Test
    void badNamesAreRefused() {
        environment.put("PARLEY_PASSPHRASE", "correct horse battery");
        assertTrue(run("init", "--home", home(), "--name", "  ").err.contains("1 to 64 characters"));
        assertTrue(run("init", "--home", home(), "--name", "x".repeat(65)).err.contains("1 to 64 characters"));
        assertTrue(run("init", "--home", home(), "--name", "bell\u0007").err.contains("control characters"));
    }

    @Test
    void theHomeComesFromTheOptionThenTheEnvironment() {
        environment.put("PARLEY_PASSPHRASE", "correct horse battery");
        environment.put("PARLEY_HOME", directory.resolve("env-home").toString());
        assertEquals(0, run("init", "--name", "a").exit);
        assertTrue(Files.exists(directory.resolve("env-home/identity.keystore")));
        assertEquals(0, run("init", "--home", home(), "--name", "b").exit);
        assertTrue(Files.exists(directory.resolve("home/identity.keystore")));
    }

    @Test
    void commandsOnAHomeWithoutIdentitySayHowToCreateOne() {
        Run run = run("id", "--home", home());
        assertEquals(1, run.exit);
        assertTrue(run.err.startsWith("parley: error: no identity in "), run.err);
        assertTrue(run.err.contains("parley init"), run.err);
    }

    @Test
    void badArgumentsAreOneLineUsageErrors() {
        for (String[] args : new String[][] {
                {"daemon", "--listen", "nonsense"},
                {"daemon", "--listen", "127.0.0.1:99999"},
                {"daemon", "--bootstrap", "p1abc@127.0.0.1:7000"},
                {"daemon", "--bootstrap", "127.0.0.1"},
                {"id", "--json=maybe"},
                {"lookup", "p1abc"},
                {"daemon", "--links", "0"},
                {"daemon", "--mailbox-days", "31"},
                {"daemon", "--mailbox-days", "0"},
                {"daemon", "--mailbox-replicas", "21"},
                {"daemon", "--partial-download-days", "0"},
                {"daemon", "--partial-download-days", "366"},
                {"daemon", "--mailbox-storage-mib", "-1"},
                {"daemon", "--stamp-bits", "11"},
                {"daemon", "--stamp-bits", "29"},
                {"daemon", "--stamp-bits", "eighteen"},
                {"status", "--json=maybe"},
                {"lookup"},
                {"no-such-command"}}) {
            Run run = run(args);
            assertEquals(2, run.exit, String.join(" ", args) + " → " + run.err);
            assertEquals(1, run.err.lines().count(), run.err);
            assertTrue(run.err.startsWith("parley: error: "), run.err);
        }
    }

    @Test
    void sendReadsTheTextFromStandardInputWhenItIsADash() throws Exception {
        ProfileHome profile = new ProfileHome(Path.of(home()));
        profile.create();
        Files.writeString(profile.keystore(), "{}");
        List<String> sent = new CopyOnWriteArrayList<>();
        ParleyApi daemon = (ParleyApi) Proxy.newProxyInstance(ParleyApi.class.getClassLoader(),
                new Class<?>[] {ParleyApi.class}, (proxy, method, arguments) -> {
                    if (!method.getName().equals("send")) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    sent.add((String) arguments[1]);
                    return new MessageView("cd".repeat(16), "out", (String) arguments[0], (String) arguments[1], 1L,
                            null, "pending", null, false, null);
                });
        String peer = PeerId.fromPublicKey(Ed25519.publicKey(new byte[32])).toString();
        try (ControlServer server = ControlServer.start(daemon, profile)) {
            standardInput = "meet at noon,\nby the old mill\n".getBytes(StandardCharsets.UTF_8);
            Run run = run("send", peer, "-", "--home", home());
            assertEquals(0, run.exit, run.err);
            assertEquals("cd".repeat(16), run.out.strip());
            assertEquals(List.of("meet at noon,\nby the old mill"), sent);

            for (byte[] bad : new byte[][] {new byte[0], "\n".getBytes(StandardCharsets.UTF_8),
                    {(byte) 0xc3, (byte) 0x28}, new byte[64 * 1024 + 1]}) {
                standardInput = bad;
                Run refused = run("send", peer, "-", "--home", home());
                assertEquals(1, refused.exit, refused.out);
                assertEquals(1, refused.err.lines().count(), refused.err);
            }
        }
        assertEquals(1, sent.size(), "empty, bare line break, malformed UTF-8 and oversized input never reach the daemon");
    }

    @Test
    void contactSetTakesOnOrOffForEachSignalAndRefusesAnythingElseInOneLine() throws Exception {
        ProfileHome profile = new ProfileHome(Path.of(home()));
        profile.create();
        Files.writeString(profile.keystore(), "{}");
        List<List<Object>> asked = new CopyOnWriteArrayList<>();
        ParleyApi daemon = (ParleyApi) Proxy.newProxyInstance(ParleyApi.class.getClassLoader(),
                new Class<?>[] {ParleyApi.class}, (proxy, method, arguments) -> {
                    if (!method.getName().equals("setSignals")) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    Optional<?> receipts = (Optional<?>) arguments[1];
                    Optional<?> typing = (Optional<?>) arguments[2];
                    asked.add(List.of(receipts, typing));
                    return new ContactView((String) arguments[0], "bob", "contact", 1L, Map.of(),
                            receipts.isPresent() && (Boolean) receipts.get(), typing.isPresent() && (Boolean) typing.get());
                });
        String peer = PeerId.fromPublicKey(Ed25519.publicKey(new byte[32])).toString();
        try (ControlServer server = ControlServer.start(daemon, profile)) {
            Run set = run("contact", "set", peer, "--read-receipts", "on", "--typing", "off", "--home", home());
            assertEquals(0, set.exit, set.err);
            assertEquals("bob: read receipts on, typing off", set.out.strip());
            assertEquals(List.of(List.of(Optional.of(true), Optional.of(false))), asked);

            for (String[] bad : new String[][] {
                    {"--read-receipts", "maybe"}, {"--typing", "true"}, {"--typing"}, {}}) {
                List<String> args = new ArrayList<>(List.of("contact", "set", peer, "--home", home()));
                args.addAll(List.of(bad));
                Run refused = run(args.toArray(String[]::new));
                assertTrue(refused.exit != 0, args + " → " + refused.out);
                assertEquals(1, refused.err.lines().count(), refused.err);
            }
        }
        assertEquals(1, asked.size(), "refused arguments never reach the daemon");
    }

    @Test
    void readRefusesBadIdsUnknownPeersAndMissingArgumentsInOneLine() throws Exception {
        ProfileHome profile = new ProfileHome(Path.of(home()));
        profile.create();
        Files.writeString(profile.keystore(), "{}");
        String known = PeerId.fromPublicKey(Ed25519.publicKey(new byte[32])).toString();
        String unknown = PeerId.fromPublicKey(Ed25519.publicKey(new byte[] {
                1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29,
                30, 31, 32})).toString();
        String message = "0123456789abcdef".repeat(2);
        List<List<Object>> asked = new CopyOnWriteArrayList<>();
        ParleyApi daemon = (ParleyApi) Proxy.newProxyInstance(ParleyApi.class.getClassLoader(),
                new Class<?>[] {ParleyApi.class}, (proxy, method, arguments) -> {
                    if (!method.getName().equals("markRead")) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    asked.add(List.of(arguments[0], arguments[1]));
                    if (!known.equals(arguments[0])) {
                        throw new ApiException(ApiException.Kind.NOT_FOUND, "no conversation with " + arguments[0]);
                    }
                    Optional<?> upTo = (Optional<?>) arguments[1];
                    return new MarkedReadView(upTo.isPresent() ? (String) upTo.get() : message, true);
                });
        try (ControlServer server = ControlServer.start(daemon, profile)) {
            Run newest = run("read", known, "--home", home());
            assertEquals(0, newest.exit, newest.err);
            assertEquals("read up to " + message + " (receipt sent)", newest.out.strip());
            Run given = run("read", known, "--up-to", message.toUpperCase(java.util.Locale.ROOT), "--home", home());
            assertEquals(0, given.exit, given.err);
            assertEquals(List.of(List.of(known, Optional.empty()), List.of(known, Optional.of(message))), asked,
                    "the ID goes to the daemon as it names messages: lower-case hex");

            Run stranger = run("read", unknown, "--home", home());
            assertTrue(stranger.exit != 0, stranger.out);
            assertEquals("parley: error: no conversation with " + unknown, stranger.err.strip());
            assertEquals(1, stranger.err.lines().count(), stranger.err);

            for (String[] bad : new String[][] {
                    {}, {"not-a-peer"}, {known + "x"}, {known, "--up-to"}, {known, "--up-to", "abc"},
                    {known, "--up-to", "zz".repeat(16)}, {known, "--up-to", "\u001b[2J" + "0".repeat(28)},
                    {known, known}}) {
                List<String> args = new ArrayList<>(List.of("read", "--home", home()));
                args.addAll(List.of(bad));
                Run refused = run(args.toArray(String[]::new));
                assertTrue(refused.exit != 0, args + " → " + refused.out);
                assertEquals(1, refused.err.lines().count(), args + " → " + refused.err);
                assertTrue(refused.err.codePoints().noneMatch(c -> c == 0x1b), refused.err);
            }
        }
        assertEquals(3, asked.size(), "refused arguments never reach the daemon");
    }

    @Test
    void groupReadAndGroupSetRefuseBadArgumentsInOneLine() throws Exception {
        ProfileHome profile = new ProfileHome(Path.of(home()));
        profile.create();
        Files.writeString(profile.keystore(), "{}");
        String group = "ab".repeat(16);
        String entry = "0123456789abcdef".repeat(4);
        List<List<Object>> asked = new CopyOnWriteArrayList<>();
        ParleyApi daemon = (ParleyApi) Proxy.newProxyInstance(ParleyApi.class.getClassLoader(),
                new Class<?>[] {ParleyApi.class}, (proxy, method, arguments) -> {
                    asked.add(List.of(method.getName(), arguments[0], arguments[1]));
                    return switch (method.getName()) {
                        case "markGroupRead" -> new MarkedReadView(entry, true);
                        case "setGroupTyping" -> false;
                        case "setGroupReadReceipts" -> ((Optional<?>) arguments[1]).isPresent();
                        default -> throw new UnsupportedOperationException(method.getName());
                    };
                });
        try (ControlServer server = ControlServer.start(daemon, profile)) {
            Run read = run("group", "read", group, "--up-to", entry.toUpperCase(java.util.Locale.ROOT), "--home", home());
            assertEquals(0, read.exit, read.err);
            assertEquals("read up to " + entry + " (mark sent)", read.out.strip());
            Run set = run("group", "set", group, "--read-receipts", "on", "--home", home());
            assertEquals(0, set.exit, set.err);
            assertEquals(group.substring(0, 10) + ": typing off, read receipts on", set.out.strip());
            assertEquals(List.of("markGroupRead", group, Optional.of(entry)), asked.get(0),
                    "the ID goes to the daemon as it names entries: lower-case hex");
            assertTrue(asked.contains(List.of("setGroupReadReceipts", group, Optional.of(true))), asked.toString());
            assertTrue(asked.stream().noneMatch(call -> call.equals(List.of("setGroupTyping", group, Optional.of(true)))
                    || call.equals(List.of("setGroupTyping", group, Optional.of(false)))), "typing left unchanged");
            int before = asked.size();

            for (String[] bad : new String[][] {
                    {"read"}, {"read", "not-a-group"}, {"read", group, "--up-to"}, {"read", group, "--up-to", "abc"},
                    {"read", group, "--up-to", "zz".repeat(32)}, {"read", group, "--up-to", "\u001b[2J" + "0".repeat(60)},
                    {"read", group, group}, {"set", group, "--read-receipts", "maybe"}, {"set", group, "--read-receipts"}}) {
                List<String> args = new ArrayList<>(List.of("group"));
                args.addAll(List.of(bad));
                args.addAll(List.of("--home", home()));
                Run refused = run(args.toArray(String[]::new));
                assertTrue(refused.exit != 0, args + " → " + refused.out);
                assertEquals(1, refused.err.lines().count(), args + " → " + refused.err);
                assertTrue(refused.err.codePoints().noneMatch(c -> c == 0x1b), refused.err);
            }
            assertEquals(before, asked.size(), "refused arguments never reach the daemon");
        }
    }

    private String home() {
        return directory.resolve("home").toString();
    }

    private record Run(int exit, String out, String err) {
    }

    private Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CliContext context = new CliContext(environment, question -> terminal
                ? Optional.of(typed.isEmpty() ? new char[0] : typed.poll().toCharArray())
                : Optional.empty(), new ByteArrayInputStream(standardInput), new PrintWriter(out, true),
                new PrintWriter(err, true));
        int exit = ParleyCli.execute(context, args);
        return new Run(exit, out.toString(), err.toString());
    }
}
