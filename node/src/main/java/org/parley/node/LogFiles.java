package org.parley.node;

import java.io.IOException;
import java.util.logging.FileHandler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.parley.store.ProfileHome;

/**
 * Where a node's log goes: rotating files in the home's {@code logs/} directory, never the
 * terminal (the daemon runs headless, and the TUI owns the screen).
 */
public final class LogFiles {
    private static final int FILE_LIMIT_BYTES = 10 * 1024 * 1024;
    private static final int FILE_COUNT = 5;
    private static final String FORMAT = "%1$tF %1$tT.%1$tL %4$-7s %3$s: %5$s%6$s%n";

    private LogFiles() {
    }

    /**
     * Makes the JVM use {@link ShutdownAwareLogManager}; must run before anything touches
     * logging. It lives here, not in that class: a static method there would initialise
     * {@code LogManager}, its superclass, before the choice is made (a class literal does not).
     */
    public static void chooseShutdownAwareManager() {
        System.setProperty("java.util.logging.manager", ShutdownAwareLogManager.class.getName());
    }

    /** Sends every log record of this process to the home's log files, and nowhere else. */
    public static void install(ProfileHome home, Level level) throws IOException {
        home.create();
        System.setProperty("java.util.logging.SimpleFormatter.format", FORMAT);
        FileHandler handler = new FileHandler(home.logDirectory().resolve("parley.%g.log").toString(),
                FILE_LIMIT_BYTES, FILE_COUNT, true);
        handler.setFormatter(new SimpleFormatter());
        handler.setLevel(level);
        silence();
        Logger root = Logger.getLogger("");
        root.setLevel(level);
        root.addHandler(handler);
    }

    /** Drops every log record: the CLI's only output is what it prints on purpose. */
    public static void silence() {
        LogManager.getLogManager().reset();
        Logger.getLogger("").setLevel(Level.OFF);
    }
}
