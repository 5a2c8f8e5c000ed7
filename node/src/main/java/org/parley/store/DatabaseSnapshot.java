package org.parley.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import org.sqlite.SQLiteConfig;

/**
 * A consistent copy of a profile database, taken while a daemon may be writing to it (SQLite's
 * {@code VACUUM INTO} reads one snapshot of the file and its write-ahead log), made ready to be
 * carried to another machine.
 */
public final class DatabaseSnapshot {
    private static final int BUSY_TIMEOUT_MILLIS = 10_000;

    private DatabaseSnapshot() {
    }

    /**
     * Copies {@code database} into {@code target}, which must not exist, and retires every ratchet
     * session in the copy: once the original sends or receives again, the copy's ratchet state is
     * stale, and encrypting with it would reuse message keys. A retired session still opens what
     * arrives on it; the first message to a peer starts a fresh session, which the peer adopts.
     * The copy is marked as restored ({@link RestoreMark}), so that the node that opens it
     * replaces its own group sender keys, which the original may also use further.
     */
    public static void copyForBackup(Path database, Path target) throws IOException {
        if (Files.exists(target)) {
            throw new IOException(target + " already exists");
        }
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
        try (Connection source = config.createConnection("jdbc:sqlite:" + database);
             PreparedStatement vacuum = source.prepareStatement("VACUUM INTO ?")) {
            vacuum.setString(1, target.toString());
            vacuum.executeUpdate();
        } catch (SQLException e) {
            throw new IOException("cannot copy the database " + database + ": " + e.getMessage(), e);
        }
        PrivateFiles.restrictToOwner(target);
        try (Connection copy = config.createConnection("jdbc:sqlite:" + target)) {
            PeerRows.retireSessions(copy);
            RestoreMark.set(copy);
        } catch (SQLException e) {
            throw new IOException("cannot prepare the database copy: " + e.getMessage(), e);
        }
    }
}
