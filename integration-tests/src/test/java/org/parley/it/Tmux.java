package org.parley.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A real terminal for process-level tests of the terminal client: a tmux server of its own (its
 * socket in the test's directory, gone with it), one window running a command, keys typed into
 * it and the screen read back.
 */
final class Tmux implements AutoCloseable {
    private static final Duration WAIT = Duration.ofSeconds(90);

    private final Path socket;

    /** Starts {@code command} (a shell command line) in a {@code columns}×{@code rows} window. */
    Tmux(Path directory, int columns, int rows, String command)
            throws IOException, InterruptedException {
        this.socket = directory.resolve("tmux-" + UUID.randomUUID() + ".sock");
        run("new-session", "-d", "-x", String.valueOf(columns), "-y", String.valueOf(rows), "-c",
                directory.toString(), command);
    }

    String screen() throws IOException, InterruptedException {
        return run("capture-pane", "-p");
    }

    void type(String text) throws IOException, InterruptedException {
        run("send-keys", "-l", text);
    }

    /**
     * Pastes {@code text} as a terminal would: wrapped in bracketed-paste markers when the
     * program in the window asked for them, line breaks sent as carriage returns.
     */
    void paste(String text) throws IOException, InterruptedException {
        run("set-buffer", "--", text);
        run("paste-buffer", "-p");
    }

    /** Keys by tmux's names: {@code Enter}, {@code C-c}, {@code M-a}, … */
    void keys(String... names) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("send-keys"));
        args.addAll(List.of(names));
        run(args.toArray(String[]::new));
    }

    String await(String what, Predicate<String> condition) throws Exception {
        Instant deadline = Instant.now().plus(WAIT);
        String shown = "";
        while (Instant.now().isBefore(deadline)) {
            shown = screen();
            if (condition.test(shown)) {
                return shown;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("timed out waiting for " + what + "; the terminal shows:\n" + shown);
    }

    String awaitText(String text) throws Exception {
        return await("'" + text + "'", shown -> shown.contains(text));
    }

    private String run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("tmux", "-u", "-S", socket.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove("TMUX");
        builder.environment().put("LC_ALL", "C.UTF-8");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(20, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException("tmux " + String.join(" ", args) + " failed: " + output);
        }
        return output;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        try {
            run("kill-server");
        } catch (IOException alreadyGone) {
            // the window's command ended and the server with it
        }
    }
}
