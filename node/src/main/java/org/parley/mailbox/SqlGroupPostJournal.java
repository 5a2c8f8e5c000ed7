package org.parley.mailbox;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.parley.groups.GroupId;
import org.parley.identity.InvalidPeerIdException;
import org.parley.identity.PeerId;
import org.parley.store.HeldGroupPostRows;
import org.parley.store.StorageQueue;

/** Held group posts in the profile's database, written through the node's storage queue. */
final class SqlGroupPostJournal implements GroupPostJournal {
    private static final Logger LOG = Logger.getLogger(SqlGroupPostJournal.class.getName());

    private final StorageQueue storage;

    SqlGroupPostJournal(StorageQueue storage) {
        this.storage = storage;
    }

    /** What was held before a restart and has not expired (blocking: call before the loop serves anything). */
    List<HeldItem<String, ByteString>> load(long nowMillis) {
        List<HeldGroupPostRows.HeldPostRow> rows = storage
                .submit(connection -> HeldGroupPostRows.unexpired(connection, nowMillis)).join();
        List<HeldItem<String, ByteString>> held = new ArrayList<>();
        for (HeldGroupPostRows.HeldPostRow row : rows) {
            try {
                if (!GroupId.isTopic(row.topic())) {
                    throw new IllegalArgumentException("not a topic");
                }
                ByteString post = ByteString.copyFrom(row.post());
                held.add(new HeldItem<>(row.cursor(), ByteString.copyFrom(row.id()), row.topic(),
                        PeerId.parse(row.depositor()), row.expiresMillis(), post, post.size()));
            } catch (InvalidPeerIdException | IllegalArgumentException e) {
                LOG.warning("ignoring an unusable held group post");
            }
        }
        return held;
    }

    @Override
    public CompletableFuture<Void> held(List<HeldItem<String, ByteString>> taken, List<HeldItem<String, ByteString>> pushedOut) {
        List<HeldGroupPostRows.HeldPostRow> rows = taken.stream()
                .map(held -> new HeldGroupPostRows.HeldPostRow(held.id().toByteArray(), held.order(), held.key(),
                        held.contributor().toString(), held.expiresAtMillis(), held.payload().toByteArray()))
                .toList();
        List<byte[]> gone = ids(pushedOut);
        return storage.submit(connection -> {
            HeldGroupPostRows.delete(connection, gone);
            for (HeldGroupPostRows.HeldPostRow row : rows) {
                HeldGroupPostRows.put(connection, row);
            }
            return (Void) null;
        }).whenComplete((ignored, error) -> logFailure("storing held group posts", error));
    }

    @Override
    public void dropped(List<HeldItem<String, ByteString>> gone) {
        List<byte[]> ids = ids(gone);
        storage.submit(connection -> {
            HeldGroupPostRows.delete(connection, ids);
            return null;
        }).whenComplete((ignored, error) -> logFailure("deleting held group posts", error));
    }

    private static List<byte[]> ids(List<HeldItem<String, ByteString>> posts) {
        return posts.stream().map(held -> held.id().toByteArray()).toList();
    }

    private static void logFailure(String what, Throwable error) {
        if (error != null) {
            LOG.log(Level.SEVERE, what + " failed", error);
        }
    }
}
