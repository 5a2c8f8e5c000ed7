package org.parley.messaging;

import com.google.protobuf.ByteString;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.parley.identity.PeerId;
import org.parley.proto.wire.v1.Content;
import org.parley.proto.wire.v1.RatchetMessage;
import org.parley.proto.wire.v1.Receipts;
import org.parley.runtime.Clock;
import org.parley.runtime.Scheduler;

/**
 * Receipts for messages we committed, batched per peer: sent when a batch is full or after
 * {@link MessagingConfig#receiptDelay()}, through the ratchet or only signed.
 */
final class ReceiptQueue {
    private final Courier courier;
    private final Scheduler loop;
    private final Clock clock;
    private final SecureRandom random;
    private final MessagingConfig config;
    private final BooleanSupplier stopped;
    private final Map<PeerId, LinkedHashSet<MessageId>> pending = new HashMap<>();

    ReceiptQueue(Courier courier, Scheduler loop, Clock clock, SecureRandom random, MessagingConfig config,
                 BooleanSupplier stopped) {
        this.courier = courier;
        this.loop = loop;
        this.clock = clock;
        this.random = random;
        this.config = config;
        this.stopped = stopped;
    }

    /** Acknowledges message {@code id} of {@code sender} (again, if its receipt was lost). */
    void acknowledge(PeerId sender, MessageId id) {
        LinkedHashSet<MessageId> ids = pending.computeIfAbsent(sender, p -> new LinkedHashSet<>());
        boolean first = ids.isEmpty();
        ids.add(id);
        if (ids.size() >= config.receiptBatch()) {
            send(sender);
        } else if (first) {
            loop.schedule(config.receiptDelay(), () -> send(sender));
        }
    }

    /**
     * Sends the receipts waiting for {@code peer}: through the ratchet if nothing has been
     * encrypted to the peer for {@link MessagingConfig#ratchetReceiptAfter()}, so that a
     * conversation going one way still turns it; otherwise, or with no session to encrypt on,
     * only signed.
     */
    private void send(PeerId peer) {
        LinkedHashSet<MessageId> ids = pending.remove(peer);
        if (ids == null || ids.isEmpty() || stopped.getAsBoolean()) {
            return;
        }
        Receipts.Builder receipts = Receipts.newBuilder();
        ids.forEach(id -> receipts.addMessageIds(ByteString.copyFrom(id.bytes())));
        long now = clock.nowMillis();
        Long lastEncrypted = courier.lastEncryptedTo(peer);
        boolean turnTheRatchet = lastEncrypted == null
                || now - lastEncrypted >= config.ratchetReceiptAfter().toMillis();
        if (turnTheRatchet && courier.sendEncrypted(peer, Content.newBuilder()
                .setMessageId(ByteString.copyFrom(MessageId.random(random).bytes()))
                .setSentAtMs(now)
                .setReceipts(receipts)
                .build()
                .toByteArray())) {
            return;
        }
        courier.sendSealedOutsideRatchet(peer, RatchetMessage.newBuilder().setReceipts(receipts).build().toByteArray());
    }
}
