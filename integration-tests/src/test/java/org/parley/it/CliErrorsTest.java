package org.parley.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mistakes at the command line, through the real launcher: each ends in exactly one line on
 * stderr, a non-zero exit, and no change to the profile.
 */
class CliErrorsTest {
    private static final String PASSPHRASE = "open sesame";

    @TempDir
    static Path work;

    private static Launcher parley;
    private static String home;

    @BeforeAll
    static void createProfile() throws Exception {
        parley = new Launcher(work).withEnv("PARLEY_PASSPHRASE", PASSPHRASE).withoutEnv("PARLEY_HOME");
        home = work.resolve("carol").toString();
        Launcher.Result init = parley.run("init", "--home", home, "--name", "carol");
        assertEquals(0, init.exitCode(), init.toString());
    }

    @Test
    void initRefusesToOverwriteAnIdentity() throws Exception {
        byte[] before = Files.readAllBytes(work.resolve("carol/identity.keystore"));
        assertOneLineError(parley.run("init", "--home", home, "--name", "mallory"), "already exists");
        assertArrayEquals(before, Files.readAllBytes(work.resolve("carol/identity.keystore")));
    }

    @Test
    void aWrongPassphraseIsOneClearLine() throws Exception {
        Launcher wrong = new Launcher(work).withEnv("PARLEY_PASSPHRASE", "not it").withoutEnv("PARLEY_HOME");
        assertOneLineError(wrong.run("id", "--home", home), "wrong passphrase");
    }

    @Test
    void aCorruptedKeystoreIsOneClearLineAndStaysAsItWas() throws Exception {
        Path copy = work.resolve("corrupt");
        Files.createDirectories(copy);
        byte[] original = Files.readAllBytes(work.resolve("carol/identity.keystore"));
        byte[] truncated = Arrays.copyOf(original, original.length / 2);
        Files.write(copy.resolve("identity.keystore"), truncated);
        assertOneLineError(parley.run("id", "--home", copy.toString()), "corrupt");
        assertArrayEquals(truncated, Files.readAllBytes(copy.resolve("identity.keystore")));
    }

    @Test
    void aMistypedPeerIdIsOneClearLine() throws Exception {
        String id = parley.run("id", "--home", home).stdout().strip();
        char last = id.charAt(id.length() - 1);
        String typo = id.substring(0, id.length() - 1) + (last == 'a' ? 'b' : 'a');
        Launcher.Result result = parley.run("daemon", "--home", home, "--bootstrap", typo + "@127.0.0.1:1");
        assertOneLineError(result, "peer ID");
        assertEquals(2, result.exitCode(), "a usage error");
    }

    @Test
    void withoutPassphraseOrTerminalTheCommandSaysHowToGiveOne() throws Exception {
        Launcher noPassphrase = new Launcher(work).withoutEnv("PARLEY_PASSPHRASE").withoutEnv("PARLEY_HOME");
        assertOneLineError(noPassphrase.run("id", "--home", home), "PARLEY_PASSPHRASE");
    }

    @Test
    void thePassphraseCanComeFromAFile() throws Exception {
        Path file = work.resolve("passphrase.txt");
        Files.writeString(file, PASSPHRASE + "\n");
        Launcher fromFile = new Launcher(work).withoutEnv("PARLEY_PASSPHRASE").withoutEnv("PARLEY_HOME");
        Launcher.Result result = fromFile.run("id", "--home", home, "--passphrase-file", file.toString());
        assertEquals(0, result.exitCode(), result.toString());
        assertTrue(result.stdout().startsWith("p1"));
    }

    @Test
    void theHomeComesFromTheEnvironmentWhenNotGiven() throws Exception {
        Launcher viaEnvironment = new Launcher(work).withEnv("PARLEY_PASSPHRASE", PASSPHRASE)
                .withEnv("PARLEY_HOME", home);
        Launcher.Result fromEnvironment = viaEnvironment.run("id");
        assertEquals(0, fromEnvironment.exitCode(), fromEnvironment.toString());
        assertEquals(parley.run("id", "--home", home).stdout(), fromEnvironment.stdout());
    }

    @Test
    void commandsWithoutADaemonSayHowToStartOne() throws Exception {
        assertOneLineError(parley.run("peers", "--home", home), "no daemon is running");
    }

    @Test
    void anUnknownOptionIsAUsageError() throws Exception {
        Launcher.Result result = parley.run("peers", "--frobnicate");
        assertOneLineError(result, "--frobnicate");
        assertEquals(2, result.exitCode());
    }

    /**
     * Every command's help is checked in the node's own tests (ParleyCliTest); through the
     * launcher, one of them and the terminal client's, which lives in another module.
     */
    @Test
    void helpComesThroughTheLauncher() throws Exception {
        for (String command : new String[] {"send", "tui"}) {
            Launcher.Result help = parley.run(command, "--help");
            assertEquals(0, help.exitCode(), help.toString());
            assertTrue(help.stdout().contains("Usage: parley " + command), help.stdout());
            assertTrue(help.stdout().contains("--home"), help.stdout());
            assertEquals("", help.stderr(), help.toString());
        }
    }

    /** The other mistakes of this kind are the node's own tests' (ParleyCliTest). */
    @Test
    void aBenchmarkWithNothingToMeasureIsAUsageMistake() throws Exception {
        Launcher.Result nothing = parley.run("bench", "dm", "--messages", "0");
        assertOneLineError(nothing, "must be positive");
        assertEquals(2, nothing.exitCode(), nothing.toString());
    }

    @Test
    void theTerminalClientRefusesBadArgumentsAndAMissingTerminalInOneLine() throws Exception {
        Launcher.Result badListen = parley.run("tui", "--home", home, "--listen", "nowhere");
        assertOneLineError(badListen, "--listen");
        assertEquals(2, badListen.exitCode());
        Launcher.Result badBootstrap = parley.run("tui", "--home", home, "--bootstrap", "p1nope@127.0.0.1:1");
        assertOneLineError(badBootstrap, "--bootstrap");
        assertEquals(2, badBootstrap.exitCode());
        assertOneLineError(parley.run("tui", "--home", home, "--links", "0"), "at least 1");
        assertOneLineError(parley.run("demo", "--frobnicate"), "--frobnicate");
        Launcher.Result noTerminal = parley.run("tui", "--home", home);
        assertOneLineError(noTerminal, "needs a terminal");
        assertEquals(1, noTerminal.exitCode());
        assertOneLineError(parley.run("demo"), "needs a terminal");
        Launcher.Result demoHelp = parley.run("demo", "--help");
        assertEquals(0, demoHelp.exitCode(), demoHelp.toString());
        assertTrue(demoHelp.stdout().contains("Usage: parley demo"), demoHelp.stdout());
    }

    @Test
    void aJavaOlderThan17IsOneClearLine() throws Exception {
        Path bin = Files.createDirectories(work.resolve("old-java"));
        Path java = bin.resolve("java");
        Files.writeString(java, "#!/bin/sh\necho 'openjdk version \"11.0.22\" 2024-01-16' >&2\n");
        java.toFile().setExecutable(true);
        Launcher oldJava = new Launcher(work).withEnv("PATH", bin + ":" + System.getenv("PATH"));
        assertOneLineError(oldJava.run("id", "--home", home), "Java 17 or newer is needed, but 'java' is version 11");
    }

    static void assertOneLineError(Launcher.Result result, String expected) {
        assertNotEquals(0, result.exitCode(), result.toString());
        String stderr = result.stderr();
        assertTrue(stderr.startsWith("parley: error: "), result.toString());
        assertEquals(1, stderr.lines().count(), "exactly one line: " + result);
        assertTrue(stderr.contains(expected), result.toString());
    }
}
