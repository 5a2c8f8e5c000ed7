package org.parley.cli;

import java.io.IOException;
import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * Where a command gets the passphrase that unlocks a profile: {@code $PARLEY_PASSPHRASE} when set,
 * else {@code --passphrase-file}, else a prompt that does not echo. Never a command-line argument,
 * which other users could read from the process list.
 */
public final class PassphraseOption {
    static final String ENVIRONMENT_VARIABLE = "PARLEY_PASSPHRASE";
    private static final long MAX_FILE_BYTES = 64 * 1024;

    @Option(names = "--passphrase-file", paramLabel = "FILE",
            description = "Read the passphrase from the first line of FILE (used when $PARLEY_PASSPHRASE is not set).")
    Path file;

    /** The passphrase of an existing profile. */
    char[] read(CliContext context) throws CliException {
        return obtain(context, false);
    }

    /**
     * A new passphrase; prompted twice when typed, so a typo does not lock the user out.
     *
     * @throws CliException when it is too weak (see {@link PassphraseStrength})
     */
    char[] readNew(CliContext context) throws CliException {
        char[] passphrase = obtain(context, true);
        Optional<String> weakness = PassphraseStrength.weakness(passphrase);
        if (weakness.isPresent()) {
            Arrays.fill(passphrase, '\0');
            throw new CliException(weakness.get());
        }
        return passphrase;
    }

    private char[] obtain(CliContext context, boolean confirm) throws CliException {
        Optional<String> fromEnvironment = context.env(ENVIRONMENT_VARIABLE);
        char[] passphrase;
        if (fromEnvironment.isPresent()) {
            passphrase = fromEnvironment.get().toCharArray();
        } else if (file != null) {
            passphrase = readFile(file);
        } else {
            passphrase = prompt(context, confirm);
        }
        if (passphrase.length == 0) {
            throw new CliException("the passphrase is empty");
        }
        return passphrase;
    }

    private static char[] prompt(CliContext context, boolean confirm) throws CliException {
        char[] first = context.prompt().read(confirm ? "New passphrase: " : "Passphrase: ")
                .orElseThrow(() -> new CliException("no passphrase: set " + ENVIRONMENT_VARIABLE
                        + ", pass --passphrase-file, or run in a terminal"));
        if (confirm) {
            char[] second = context.prompt().read("Repeat passphrase: ").orElse(new char[0]);
            boolean same = Arrays.equals(first, second);
            Arrays.fill(second, '\0');
            if (!same) {
                Arrays.fill(first, '\0');
                throw new CliException("the passphrases do not match");
            }
        }
        return first;
    }

    private static char[] readFile(Path path) throws CliException {
        try {
            if (Files.size(path) > MAX_FILE_BYTES) {
                throw new CliException("passphrase file " + path + " is too large");
            }
            try (BufferedReader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
                String line = reader.readLine();
                return line == null ? new char[0] : line.toCharArray();
            }
        } catch (NoSuchFileException e) {
            throw new CliException("passphrase file " + path + " does not exist");
        } catch (IOException e) {
            throw new CliException("cannot read passphrase file " + path + ": " + e.getMessage());
        }
    }
}
