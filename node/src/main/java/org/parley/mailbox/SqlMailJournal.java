package org.parley.mailbox;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.parley.identity.PeerId;
import org.parley.messaging.SealedEnvelope;
import org.parley.proto.wire.v1.WireEnvelope;
import org.parley.store.HeldMailRows;
import org.parley.store.StorageQueue;

/** Held mail in the profile's database, written through the node's storage queue. */
final class SqlMailJournal implements MailJournal {
    private static final Logger LOG = Logger.getLogger(SqlMailJournal.class.getName());

    private final StorageQueue storage;

    SqlMailJournal(StorageQueue storage) {
        this.storage = storage;
    }

    /** What was held before a restart and has not expired (blocking: call before the loop serves anything). */
    List<HeldItem<PeerId, WireEnvelope>> load(long nowMillis) {
        List<HeldMailRows.HeldRow> rows = storage.submit(connection -> HeldMailRows.unexpired(connection, nowMillis))
                .join();
        List<HeldItem<PeerId, WireEnvelope>> held = new ArrayList<>();
        for (HeldMailRows.HeldRow row : rows) {
            try {
                WireEnvelope envelope = WireEnvelope.parseFrom(row.envelope());
                held.add(new HeldItem<>(row.seq(), ByteString.copyFrom(row.id()),
                        SealedEnvelope.placeOf(envelope),
                        SealedEnvelope.contributorOf(envelope), row.expiresMillis(), envelope,
                        envelope.getSerializedSize()));
            } catch (InvalidProtocolBufferException | IllegalArgumentException e) {
                LOG.warning("ignoring an unusable held envelope");
            }
        }
        return held;
    }

    @Override
    public CompletableFuture<Void> held(List<HeldItem<PeerId, WireEnvelope>> taken) {
        List<HeldMailRows.HeldRow> rows = taken.stream()
                .map(held -> new HeldMailRows.HeldRow(held.id().toByteArray(), held.order(), held.key().toString(),
                        held.contributor().toString(), held.expiresAtMillis(), held.payload().toByteArray()))
                .toList();
        return storage.submit(connection -> {
            for (HeldMailRows.HeldRow row : rows) {
                HeldMailRows.put(connection, row);
            }
            return (Void) null;
        }).whenComplete((ignored, error) -> logFailure("storing held mail", error));
    }

    @Override
    public void dropped(List<HeldItem<PeerId, WireEnvelope>> gone) {
        List<byte[]> ids = gone.stream().map(held -> held.id().toByteArray()).toList();
        storage.submit(connection -> {
            HeldMailRows.delete(connection, ids);
            return null;
        }).whenComplete((ignored, error) -> logFailure("deleting held mail", error));
    }

    private static void logFailure(String what, Throwable error) {
        if (error != null) {
            LOG.log(Level.SEVERE, what + " failed", error);
        }
    }
}
