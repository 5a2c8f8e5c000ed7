package org.parley.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The directory that holds one person's profile: identity, database, logs and the files through
 * which local clients find the running daemon. Only its owner may enter it.
 */
public record ProfileHome(Path root) {
    public ProfileHome {
        root = root.toAbsolutePath().normalize();
    }

    /** The encrypted identity (keys and the database content key). */
    public Path keystore() {
        return root.resolve("identity.keystore");
    }

    public Path database() {
        return root.resolve("parley.db");
    }

    public Path logDirectory() {
        return root.resolve("logs");
    }

    /** The newest log file (older ones are parley.1.log, parley.2.log, …). */
    public Path logFile() {
        return logDirectory().resolve("parley.0.log");
    }

    /** Where the running daemon's control API listens (written by the daemon, read by clients). */
    public Path controlEndpoint() {
        return root.resolve("control.json");
    }

    /**
     * The Unix domain socket the running daemon serves its control API on. It lives in the
     * owner-only home, so no other user can put a socket of their own in its place.
     */
    public Path controlSocket() {
        return root.resolve("control.sock");
    }

    /**
     * The command line's socket beside it: the same calls in a framing a short command can speak
     * without loading a gRPC transport (decision 0086). In the owner-only home as well.
     */
    public Path cliSocket() {
        return root.resolve("cli.sock");
    }

    /** The secret a local client presents to the control API; readable by the owner only. */
    public Path controlToken() {
        return root.resolve("control.token");
    }

    /** Seeds the node falls back on to join the network, one {@code [PEERID@]HOST:PORT} a line. */
    public Path seeds() {
        return root.resolve("seeds");
    }

    /** Held locked by the running daemon, so that two daemons never share a home. */
    public Path daemonLock() {
        return root.resolve("daemon.lock");
    }

    public boolean hasIdentity() {
        return Files.exists(keystore());
    }

    /** Creates the home (owner-only) if it does not exist yet. */
    public void create() throws IOException {
        PrivateFiles.createDirectories(root);
        PrivateFiles.createDirectories(logDirectory());
    }

    @Override
    public String toString() {
        return root.toString();
    }
}
