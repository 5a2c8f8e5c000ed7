package org.parley.it;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Daemons a test starts through the launcher; whatever still runs is stopped after each test
 * (SIGTERM, so that a daemon writing the launcher's class-data archive as it stops finishes it;
 * SIGKILL after {@link #STOP}).
 */
final class Daemons implements AfterEachCallback {
    /** Writing the class-data archive as it stops takes a daemon tens of seconds on a busy machine. */
    static final Duration STOP = Duration.ofSeconds(60);

    private final List<Process> started = new ArrayList<>();

    /** Starts {@code parley args…}, its output going to {@code name.out} and {@code name.err}. */
    Process start(Launcher parley, String name, String... args) throws IOException {
        Process process = parley.start(name, args);
        started.add(process);
        return process;
    }

    /**
     * Starts {@code parley daemon --home HOME rest…} and waits until its control API answers (one
     * call at a time, no process started to ask).
     */
    Process startDaemon(Launcher parley, String name, Path home, String... rest) throws Exception {
        List<String> args = new ArrayList<>(List.of("daemon", "--home", home.toString()));
        args.addAll(List.of(rest));
        long start = System.nanoTime();
        Process daemon = start(parley, name, args.toArray(String[]::new));
        Profiles.await(() -> {
            if (!daemon.isAlive()) {
                throw new AssertionError("daemon " + name + " exited with " + daemon.exitValue());
            }
            return Profiles.answers(home);
        }, "daemon " + name + " answers", Profiles.DAEMON_START);
        Steps.took("daemon " + name + " answered", start);
        return daemon;
    }

    @Override
    public void afterEach(ExtensionContext context) throws InterruptedException {
        for (Process daemon : started) {
            daemon.destroy();
        }
        for (Process daemon : started) {
            if (!daemon.waitFor(STOP.toSeconds(), TimeUnit.SECONDS)) {
                daemon.destroyForcibly();
                daemon.waitFor(10, TimeUnit.SECONDS);
            }
        }
        started.clear();
    }
}
