package org.parley.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import picocli.CommandLine;

/**
 * Any bytes as the home's parley.conf: refused in one line that names the file (and nothing
 * else escapes), or taken, and then the command line parses with it and the settings read back
 * the same when written out again. The file itself is never changed.
 */
class ConfigFileFuzzTest {
    private static final Path HOME;

    static {
        try {
            HOME = Files.createTempDirectory("parley-config-fuzz-");
            HOME.toFile().deleteOnExit();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest(maxDuration = "60s")
    void anyFileIsTakenOrRefusedInOneLine(byte[] input) throws IOException, CliException {
        Path config = HOME.resolve("parley.conf");
        Files.write(config, input);
        String[] args = {"daemon", "--home", HOME.toString()};
        CommandLine root = ParleyCli.commandLine(context(), args);
        try {
            ConfigDefaults.install(root, args, context());
        } catch (CliException refused) {
            String message = refused.getMessage();
            assertTrue(message.startsWith("config " + config), message);
            assertEquals(1, message.lines().count(), message);
            assertTrue(message.chars().noneMatch(Character::isISOControl), "printable: " + message);
            assertArrayEquals(input, Files.readAllBytes(config), "the file is left as it was");
            return;
        }
        root.parseArgs(args); // every value was checked: the command line takes them all
        assertArrayEquals(input, Files.readAllBytes(config), "the file is left as it was");

        Map<String, String> settings = values(ConfigFile.read(config));
        Files.writeString(config, settings.entrySet().stream().map(e -> e.getKey() + " = " + e.getValue() + "\n")
                .collect(Collectors.joining()));
        assertEquals(settings, values(ConfigFile.read(config)), "written out again, the settings read the same");
    }

    private static Map<String, String> values(ConfigFile file) {
        return file.settings().entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey,
                e -> e.getValue().value()));
    }

    private static CliContext context() {
        return new CliContext(Map.of(), question -> Optional.empty(), new PrintWriter(new StringWriter(), true),
                new PrintWriter(new StringWriter(), true));
    }
}
