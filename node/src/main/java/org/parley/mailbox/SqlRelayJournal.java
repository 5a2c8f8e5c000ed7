package org.parley.mailbox;

import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.parley.identity.PeerId;
import org.parley.store.RelayRows;
import org.parley.store.StorageQueue;

/** Relay arrangements in the profile's database, written through the node's storage queue. */
final class SqlRelayJournal implements RelayJournal {
    private static final Logger LOG = Logger.getLogger(SqlRelayJournal.class.getName());

    private final StorageQueue storage;

    SqlRelayJournal(StorageQueue storage) {
        this.storage = storage;
    }

    /** What was arranged before a restart (blocking: call before the loop serves anything). */
    List<RelayRows.RelayRow> load() {
        return storage.submit(RelayRows::all).join();
    }

    @Override
    public void put(PeerId peer, boolean forUs, boolean accepted) {
        RelayRows.RelayRow row = new RelayRows.RelayRow(peer.toString(), role(forUs), accepted);
        storage.submit(connection -> {
            RelayRows.put(connection, row);
            return null;
        }).whenComplete((ignored, error) -> logFailure(error));
    }

    @Override
    public void remove(PeerId peer, boolean forUs) {
        storage.submit(connection -> {
            RelayRows.delete(connection, peer.toString(), role(forUs));
            return null;
        }).whenComplete((ignored, error) -> logFailure(error));
    }

    private static String role(boolean forUs) {
        return forUs ? RelayRows.FOR_US : RelayRows.FOR_THEM;
    }

    private static void logFailure(Throwable error) {
        if (error != null) {
            LOG.log(Level.SEVERE, "writing a relay arrangement failed", error);
        }
    }
}
