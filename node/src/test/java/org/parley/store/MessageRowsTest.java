package org.parley.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MessageRowsTest {
    private static final byte[] ID = new byte[16];

    @TempDir
    Path directory;

    @Test
    void anIncomingMessageIsStoredOnceWhateverEnvelopesCarryItsId() {
        try (Database database = Database.open(directory.resolve("parley.db"))) {
            boolean first = database.inTransaction(connection -> MessageRows.insertIfAbsent(connection, message("first")));
            boolean again = database.inTransaction(connection -> MessageRows.insertIfAbsent(connection, message("again")));
            assertTrue(first);
            assertFalse(again);
            List<MessageRows.StoredMessage> stored = database.inTransaction(connection ->
                    MessageRows.history(connection, "peer", 10, Optional.empty()));
            assertEquals(1, stored.size());
            assertArrayEquals("first".getBytes(), stored.get(0).body(), "the first one stays as it was");
        }
    }

    @Test
    void aPlainInsertOfAKnownIdFails() {
        try (Database database = Database.open(directory.resolve("parley.db"))) {
            database.inTransaction(connection -> {
                MessageRows.insert(connection, message("first"));
                return null;
            });
            assertThrows(StoreException.class, () -> database.inTransaction(connection -> {
                MessageRows.insert(connection, message("again"));
                return null;
            }));
        }
    }

    private static MessageRows.StoredMessage message(String body) {
        return new MessageRows.StoredMessage(0, ID, "peer", "in", body.getBytes(), 1, 2L, "received", null, false);
    }
}
