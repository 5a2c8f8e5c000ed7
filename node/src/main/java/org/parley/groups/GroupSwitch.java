package org.parley.groups;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.parley.runtime.Scheduler;
import org.parley.store.StorageQueue;

/**
 * A setting the user turns on or off per group (read marks, typing indicators): off until turned
 * on, stored before it takes effect (so a crash never leaves one in force that the database does
 * not hold), and, when turned off, the owner's state for the group dropped at once. Confined to
 * the node's loop.
 */
final class GroupSwitch {
    /** Reads the groups the setting is on for. */
    interface Stored {
        List<byte[]> groupsOn(Connection connection) throws SQLException;
    }

    /** Writes the setting of one group. */
    interface Store {
        void write(Connection connection, byte[] groupId, boolean on) throws SQLException;
    }

    private final GroupDirectory directory;
    private final StorageQueue storage;
    private final Scheduler loop;
    private final Stored stored;
    private final Store store;
    private final Consumer<GroupId> turnedOff;
    private final Set<GroupId> on = new HashSet<>();

    /** {@code turnedOff} runs on the loop once a group's setting is stored off. */
    GroupSwitch(GroupDirectory directory, StorageQueue storage, Scheduler loop, Stored stored, Store store,
                Consumer<GroupId> turnedOff) {
        this.directory = directory;
        this.storage = storage;
        this.loop = loop;
        this.stored = stored;
        this.store = store;
        this.turnedOff = turnedOff;
    }

    void load(Connection connection) throws SQLException {
        for (byte[] group : stored.groupsOn(connection)) {
            try {
                on.add(GroupId.of(group));
            } catch (GroupException e) {
                throw new SQLException("a stored group ID is out of shape", e);
            }
        }
    }

    boolean isOn(GroupId group) {
        return on.contains(group);
    }

    /** Turns the setting of a group we belong to (or were invited to) on or off; committed before it shows. */
    CompletableFuture<Boolean> set(GroupId group, boolean value) {
        if (directory.get(group) == null) {
            return CompletableFuture.failedFuture(new GroupFailure(GroupFailure.Reason.NOT_FOUND, "no group " + group));
        }
        return storage.submit(connection -> {
            store.write(connection, group.bytes(), value);
            return value;
        }).thenApplyAsync(nowOn -> {
            if (nowOn) {
                on.add(group);
            } else {
                on.remove(group);
                turnedOff.accept(group);
            }
            return nowOn;
        }, loop);
    }
}
