package org.parley.node;

import java.util.logging.LogManager;

/**
 * The JDK's log manager closes every handler from a shutdown hook of its own, which races the
 * daemon's hook: the node's last words ("stopping", "stopped") were lost. This one ignores that
 * reset while the JVM shuts down; the daemon closes the handlers itself, last, with
 * {@link #closeHandlers()}. Chosen by {@link LogFiles#chooseShutdownAwareManager()}.
 */
public final class ShutdownAwareLogManager extends LogManager {
    /** Never registered: removing it only tells whether shutdown has begun. */
    private static final Thread PROBE = new Thread(() -> { });

    /** Flushes and closes the handlers now, whatever the manager; for the end of a shutdown hook. */
    public static void closeHandlers() {
        LogManager manager = LogManager.getLogManager();
        if (manager instanceof ShutdownAwareLogManager aware) {
            aware.resetNow();
        }
    }

    @Override
    public void reset() {
        if (!shuttingDown()) {
            super.reset();
        }
    }

    private void resetNow() {
        super.reset();
    }

    private static boolean shuttingDown() {
        try {
            Runtime.getRuntime().removeShutdownHook(PROBE);
            return false;
        } catch (IllegalStateException e) {
            return true;
        }
    }
}
