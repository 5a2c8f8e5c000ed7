package org.parley.cli;

import java.io.Console;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Map;
import java.util.Optional;

/**
 * What a command may take from the world around it: environment variables, a terminal to prompt
 * on, standard input and its output streams. Tests pass their own.
 */
public record CliContext(Map<String, String> environment, SecretPrompt prompt, InputStream in, PrintWriter out,
                         PrintWriter err) {
    /** A context whose standard input is empty. */
    public CliContext(Map<String, String> environment, SecretPrompt prompt, PrintWriter out, PrintWriter err) {
        this(environment, prompt, InputStream.nullInputStream(), out, err);
    }

    /** Reads a secret without echoing it; empty when there is no terminal to ask on. */
    public interface SecretPrompt {
        Optional<char[]> read(String question);
    }

    public static CliContext system() {
        return new CliContext(System.getenv(), question -> {
            Console console = System.console();
            return console == null ? Optional.empty() : Optional.ofNullable(console.readPassword("%s", question));
        }, System.in, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
    }

    public Optional<String> env(String name) {
        return Optional.ofNullable(environment.get(name)).filter(value -> !value.isEmpty());
    }
}
