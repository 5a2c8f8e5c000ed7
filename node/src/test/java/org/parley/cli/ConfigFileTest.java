package org.parley.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.parley.link.DialTarget;
import picocli.CommandLine;

/** The home's parley.conf: what it sets, what wins over it, and every way it can be wrong. */
class ConfigFileTest {
    @TempDir
    Path directory;

    private final Map<String, String> environment = new HashMap<>();
    private Path home;
    private Path config;

    @BeforeEach
    void home() throws Exception {
        home = Files.createDirectory(directory.resolve("home"));
        config = home.resolve("parley.conf");
    }

    @Test
    void theFileSetsTheDaemonsOptionsAndTheCommandLineWins() throws Exception {
        DaemonCommand defaults = parse("daemon", "--home", home.toString());
        assertEquals(8, defaults.network.links);
        assertFalse(defaults.network.noRelay);
        assertEquals(java.time.Duration.ofDays(30), defaults.network.nodeOptions(List.of()).files().partialExpiry());

        Files.writeString(config, """
                # a seed node
                listen = 0.0.0.0:7777
                links=3
                bootstrap = 10.0.0.1:7450, 10.0.0.2:7450
                no-relay = true
                mailbox-days = 30
                partial-download-days = 7
                stamp-bits = 22
                log-level = fine
                """);
        DaemonCommand configured = parse("daemon", "--home", home.toString());
        assertEquals(7777, configured.network.listen.port());
        assertEquals(3, configured.network.links);
        assertEquals(List.of("10.0.0.1:7450", "10.0.0.2:7450"),
                configured.network.bootstrap.stream().map(DialTarget::toString).toList());
        assertTrue(configured.network.noRelay);
        assertEquals(30, configured.network.mailboxDays);
        assertEquals(java.time.Duration.ofDays(7), configured.network.nodeOptions(List.of()).files().partialExpiry(),
                "the partial downloads' expiry reaches the file layer");
        assertEquals(22, org.parley.node.NodeSettings.of(configured.network.nodeOptions(List.of())).stampBits(),
                "the stamp difficulty reaches the node's settings");
        assertEquals("FINE", configured.network.level().getName());

        DaemonCommand overridden = parse("daemon", "--home=" + home, "--links", "5", "--listen", "127.0.0.1:9",
                "--bootstrap", "10.0.0.9:1");
        assertEquals(5, overridden.network.links);
        assertEquals(9, overridden.network.listen.port());
        assertEquals(List.of("10.0.0.9:1"), overridden.network.bootstrap.stream().map(DialTarget::toString).toList());
        assertEquals(30, overridden.network.mailboxDays, "what the command line does not name still comes from the file");
        assertEquals(18, parse("daemon", "--home=" + home, "--stamp-bits", "18").network.stampBits,
                "the command line overrides the file");
    }

    @Test
    void theXdgHomeReadsItsConfigurationFromTheXdgConfigDirectory() throws Exception {
        Path xdgConfig = Files.createDirectories(directory.resolve("xdg-config/parley"));
        Files.writeString(xdgConfig.resolve("parley.conf"), "links = 4\n");
        environment.put("XDG_CONFIG_HOME", directory.resolve("xdg-config").toString());
        environment.put("XDG_DATA_HOME", directory.resolve("xdg-data").toString());
        HomeLocation where = HomeLocation.of(Optional.empty(), name -> Optional.ofNullable(environment.get(name)),
                directory.resolve("user"), true);
        assertEquals(xdgConfig.resolve("parley.conf"), where.configFile());
        assertEquals(directory.resolve("xdg-data/parley"), where.home().root());
    }

    @Test
    void everyBrokenFileIsOneLineNamingTheLineAndKey() throws Exception {
        Map<String, String> broken = new java.util.LinkedHashMap<>();
        broken.put("links 3\n", "line 1: expected 'key = value'");
        broken.put("# fine\n\nlinkz = 3\n", "line 3: key 'linkz': unknown key (known: ");
        broken.put("home = /elsewhere\n", "line 1: key 'home': unknown key");
        broken.put("links = many\n", "line 1: key 'links': Invalid value for option '--links': 'many' is not a "
                + "whole number of at least 1");
        broken.put("links = 0\n", "line 1: key 'links': Invalid value for option '--links'");
        broken.put("listen = nowhere\n", "line 1: key 'listen': Invalid value for option '--listen'");
        broken.put("mailbox-days = 90\n", "line 1: key 'mailbox-days': Invalid value for option '--mailbox-days'");
        broken.put("no-relay = yes\n", "line 1: key 'no-relay': 'yes' is not true or false");
        broken.put("log-level = LOUD\n", "line 1: key 'log-level': Invalid value for option '--log-level': unknown "
                + "log level 'LOUD'");
        broken.put("links = 3\nlinks = 4\n", "line 2: key 'links' is set twice (first on line 1)");
        broken.put("links =\n", "line 1: key 'links' has no value");
        broken.put("--links = 3\n", "line 1: '--links' is not a key");
        broken.put("li\u001bnks = 3\n", "line 1: 'li\uFFFDnks' is not a key");
        broken.put("listen = 0.\u001c1\n", "line 1: key 'listen': Invalid value for option '--listen': expected "
                + "host:port, got '0.\uFFFD1'");
        broken.put("no-relay = \u001b[2J\n", "line 1: key 'no-relay': '\uFFFD[2J' is not true or false");
        for (Map.Entry<String, String> file : broken.entrySet()) {
            Files.writeString(config, file.getKey());
            Run run = run("daemon", "--home", home.toString());
            assertEquals(2, run.exit, file.getKey());
            assertEquals(1, run.err.strip().lines().count(), run.err);
            assertTrue(run.err.startsWith("parley: error: config " + config + " " + file.getValue()),
                    file.getKey() + " -> " + run.err);
        }
        Files.write(config, new byte[] {'l', 'i', 'n', 'k', 's', '=', (byte) 0xC3, (byte) 0x28, '\n'});
        assertEquals("parley: error: config " + config + " is not UTF-8 text", run("daemon", "--home",
                home.toString()).err.strip());
        Files.writeString(config, "# padding\n".repeat(7000));
        assertEquals("parley: error: config " + config + " is larger than 64 KiB", run("daemon", "--home",
                home.toString()).err.strip());
        Files.createDirectory(directory.resolve("dir-home"));
        Files.createDirectory(directory.resolve("dir-home/parley.conf"));
        Run unreadable = run("daemon", "--home", directory.resolve("dir-home").toString());
        assertEquals(2, unreadable.exit);
        assertTrue(unreadable.err.startsWith("parley: error: cannot read config "), unreadable.err);
    }

    @Test
    void commandsThatRunNoNodeIgnoreTheFile() throws Exception {
        Files.writeString(config, "nonsense\n", StandardCharsets.UTF_8);
        Run id = run("id", "--home", home.toString());
        assertEquals("parley: error: no identity in " + home + " (create one with: parley init --home " + home
                + ")", id.err.strip());
    }

    /** Parses a command line as the CLI would, config included, without running it. */
    private DaemonCommand parse(String... args) throws CliException {
        CommandLine root = ParleyCli.commandLine(context(new StringWriter(), new StringWriter()), args);
        ConfigDefaults.install(root, args, context(new StringWriter(), new StringWriter()));
        CommandLine.ParseResult parsed = root.parseArgs(args);
        return (DaemonCommand) parsed.subcommand().commandSpec().userObject();
    }

    private record Run(int exit, String out, String err) {
    }

    private Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = ParleyCli.execute(context(out, err), args);
        return new Run(exit, out.toString(), err.toString());
    }

    private CliContext context(StringWriter out, StringWriter err) {
        return new CliContext(environment, question -> Optional.empty(), new PrintWriter(out, true),
                new PrintWriter(err, true));
    }
}
