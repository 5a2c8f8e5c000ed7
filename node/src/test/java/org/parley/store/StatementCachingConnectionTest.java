package org.parley.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatementCachingConnectionTest {
    private static final String BY_GROUP = "SELECT n FROM numbers WHERE grp = ? ORDER BY n";

    @TempDir
    Path directory;

    private StatementCachingConnection connection;

    @BeforeEach
    void open() throws SQLException {
        Path file = directory.resolve("cache.db");
        connection = new StatementCachingConnection("jdbc:sqlite:" + file, file.toString(), new Properties());
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE numbers (n INTEGER, grp INTEGER)");
        }
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO numbers VALUES (?, ?)")) {
            for (int n = 0; n < 6; n++) {
                insert.setInt(1, n);
                insert.setInt(2, n % 2);
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    @AfterEach
    void close() throws SQLException {
        connection.close();
    }

    @Test
    void aClosedStatementIsHandedOutAgainWithItsParametersCleared() throws SQLException {
        PreparedStatement first = connection.prepareStatement(BY_GROUP);
        first.setInt(1, 0);
        assertEquals(List.of(0, 2, 4), read(first));
        first.close();
        PreparedStatement second = connection.prepareStatement(BY_GROUP);
        assertSame(first, second);
        assertEquals(List.of(), read(second), "the last use's parameter is gone: unbound is NULL, matching nothing");
        second.setInt(1, 1);
        assertEquals(List.of(1, 3, 5), read(second));
        second.close();
    }

    @Test
    void aStatementAskedForWhileInUseIsAFreshOne() throws SQLException {
        List<String> pairs = new ArrayList<>();
        try (PreparedStatement outer = connection.prepareStatement(BY_GROUP)) {
            outer.setInt(1, 0);
            try (ResultSet rows = outer.executeQuery()) {
                while (rows.next()) {
                    try (PreparedStatement inner = connection.prepareStatement(BY_GROUP)) {
                        assertNotSame(outer, inner);
                        inner.setInt(1, 1);
                        pairs.add(rows.getInt(1) + ":" + read(inner));
                    }
                }
            }
        }
        assertEquals(List.of("0:[1, 3, 5]", "2:[1, 3, 5]", "4:[1, 3, 5]"), pairs);
    }

    @Test
    void aResultLeftOpenDoesNotDisturbTheNextUse() throws SQLException {
        PreparedStatement query = connection.prepareStatement(BY_GROUP);
        query.setInt(1, 0);
        ResultSet abandoned = query.executeQuery();
        assertTrue(abandoned.next());
        query.close();
        try (PreparedStatement again = connection.prepareStatement(BY_GROUP)) {
            again.setInt(1, 0);
            assertEquals(List.of(0, 2, 4), read(again));
        }
    }

    @Test
    void theLeastRecentlyUsedStatementsAreClosedPastTheCapacity() throws SQLException {
        for (int i = 0; i < StatementCachingConnection.CAPACITY + 40; i++) {
            try (PreparedStatement query = connection.prepareStatement("SELECT count(*) + " + i + " FROM numbers")) {
                try (ResultSet rows = query.executeQuery()) {
                    assertTrue(rows.next());
                    assertEquals(6 + i, rows.getInt(1));
                }
            }
        }
        assertEquals(StatementCachingConnection.CAPACITY, connection.cachedStatements());
    }

    private static List<Integer> read(PreparedStatement query) throws SQLException {
        List<Integer> numbers = new ArrayList<>();
        try (ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                numbers.add(rows.getInt(1));
            }
        }
        return numbers;
    }
}
