package org.parley.it;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Daemons a test starts through the launcher; whatever still runs is stopped after each test
 * (SIGTERM, so that a daemon writing the launcher's class-data archive as it stops finishes it;
 * SIGKILL after 15 s).
 */
final class Daemons implements AfterEachCallback {
    private final List<Process> started = new ArrayList<>();

    /** Starts {@code parley args…}, its output going to {@code name.out} and {@code name.err}. */
    Process start(Launcher parley, String name, String... args) throws IOException {
        Process process = parley.start(name, args);
        started.add(process);
        return process;
    }

    @Override
    public void afterEach(ExtensionContext context) throws InterruptedException {
        for (Process daemon : started) {
            daemon.destroy();
        }
        for (Process daemon : started) {
            if (!daemon.waitFor(15, TimeUnit.SECONDS)) {
                daemon.destroyForcibly();
                daemon.waitFor(10, TimeUnit.SECONDS);
            }
        }
        started.clear();
    }
}
