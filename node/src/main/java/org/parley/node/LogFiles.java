package org.parley.node;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.FileHandler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.parley.store.PrivateFiles;
import org.parley.store.ProfileHome;

/**
 * Where a node's log goes: rotating files in the home's owner-only {@code logs/} directory, never
 * the terminal (the daemon runs headless, and the TUI owns the screen). Logs name peers and
 * times, so the files are owner-only too.
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
        Path pattern = home.logDirectory().resolve("parley.%g.log");
        for (int generation = 0; generation < FILE_COUNT; generation++) {
            Path file = home.logDirectory().resolve("parley." + generation + ".log");
            PrivateFiles.createIfMissing(file);
            PrivateFiles.restrictToOwner(file);
        }
        FileHandler handler = new FileHandler(pattern.toString(), FILE_LIMIT_BYTES, FILE_COUNT, true);
        // The handler's lock file, and the file it opens afresh when it rotates, get the process's
        // umask (the launcher sets 077); the owner-only directory keeps other users out of all.
        try (DirectoryStream<Path> files = Files.newDirectoryStream(home.logDirectory(), "parley.*")) {
            for (Path file : files) {
                PrivateFiles.restrictToOwner(file);
            }
        }
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
