package org.parley.store;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.logging.Logger;
import org.sqlite.SQLiteConnection;
import org.sqlite.jdbc4.JDBC4Connection;
import org.sqlite.jdbc4.JDBC4PreparedStatement;

/**
 * A SQLite connection that keeps its prepared statements compiled: {@link #prepareStatement(String)}
 * hands back the statement it compiled for the same SQL before, and closing it only readies it for
 * the next use. Compiling a statement cost the storage thread about a fifth of what running it did,
 * on every row of a message's way. Callers keep the usual JDBC shape (prepare, use, close).
 *
 * <p>A statement asked for again while still in use (a query run inside the loop over its own
 * results) is a fresh, uncached one, so nested uses never share state. At most {@link #CAPACITY}
 * statements are kept, the least recently used closed first.
 */
final class StatementCachingConnection extends JDBC4Connection {
    private static final Logger LOG = Logger.getLogger(StatementCachingConnection.class.getName());
    static final int CAPACITY = 128;

    private final Map<String, ReusableStatement> cached = new LinkedHashMap<>(CAPACITY * 2, 0.75f, true);

    StatementCachingConnection(String url, String fileName, Properties properties) throws SQLException {
        super(url, fileName, properties);
    }

    @Override
    public synchronized PreparedStatement prepareStatement(String sql) throws SQLException {
        ReusableStatement statement = cached.get(sql);
        if (statement != null && statement.inUse) {
            return super.prepareStatement(sql);
        }
        if (statement == null) {
            statement = new ReusableStatement(this, sql);
            cached.put(sql, statement);
            evictBeyondCapacity();
        }
        statement.inUse = true;
        return statement;
    }

    private void evictBeyondCapacity() {
        Iterator<ReusableStatement> leastRecentFirst = cached.values().iterator();
        while (cached.size() > CAPACITY && leastRecentFirst.hasNext()) {
            ReusableStatement oldest = leastRecentFirst.next();
            if (!oldest.inUse) {
                leastRecentFirst.remove();
                oldest.discard();
            }
        }
    }

    /** Statements kept compiled; for tests. */
    synchronized int cachedStatements() {
        return cached.size();
    }

    @Override
    public synchronized void close() throws SQLException {
        cached.values().forEach(ReusableStatement::discard);
        cached.clear();
        super.close();
    }

    /** A prepared statement whose {@link #close()} clears it for reuse instead of finalizing it. */
    private static final class ReusableStatement extends JDBC4PreparedStatement {
        private boolean inUse;

        ReusableStatement(SQLiteConnection connection, String sql) throws SQLException {
            super(connection, sql);
        }

        @Override
        public void close() throws SQLException {
            synchronized (getConnection()) {
                if (!inUse) {
                    return;
                }
                inUse = false;
                rs.close(); // a result the caller left open would hold the statement mid-way
                clearParameters();
                clearBatch();
            }
        }

        void discard() {
            try {
                super.close();
            } catch (SQLException e) {
                LOG.fine(() -> "closing a cached statement: " + e.getMessage());
            }
        }
    }
}
