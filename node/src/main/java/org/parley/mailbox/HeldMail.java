package org.parley.mailbox;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.parley.identity.PeerId;
import org.parley.proto.wire.v1.WireEnvelope;
import org.parley.proto.wire.v1.StoreAnswer.Outcome;

/**
 * The envelopes a replica holds for others, with its limits: bytes per recipient, per sender and
 * in all, and a time limit. Remembers what recipients deleted until it would have expired, so
 * that a copy coming back from another replica is not held again. Plain data: no I/O, no clock.
 */
final class HeldMail {
    /** One held envelope, verified when it was taken. */
    record Held(long seq, ByteString id, PeerId sender, PeerId recipient, long expiresAtMillis, WireEnvelope envelope,
                int size) {
    }

    private final MailboxConfig config;
    private final LinkedHashMap<ByteString, Held> byId = new LinkedHashMap<>();
    private final Map<PeerId, Long> bytesByRecipient = new HashMap<>();
    private final Map<PeerId, Long> bytesBySender = new HashMap<>();
    private final Map<ByteString, Long> deleted = new HashMap<>();
    private long totalBytes;
    private long nextSeq = 1;

    HeldMail(MailboxConfig config) {
        this.config = config;
    }

    /** Takes back what was held before a restart, in its order. */
    void restore(Held held) {
        add(held);
        nextSeq = Math.max(nextSeq, held.seq() + 1);
    }

    /**
     * Holds a verified envelope unless a limit says no. An envelope held already, or deleted by
     * its recipient, counts as stored: the replica has done its part.
     */
    Outcome offer(ByteString id, PeerId sender, PeerId recipient, long envelopeExpiresAt, WireEnvelope envelope,
                  long nowMillis, List<Held> taken) {
        if (byId.containsKey(id) || deleted.containsKey(id)) {
            return Outcome.STORED;
        }
        long expiresAt = Math.min(envelopeExpiresAt, nowMillis + config.holdFor().toMillis());
        if (expiresAt <= nowMillis) {
            return Outcome.EXPIRED;
        }
        int size = envelope.getSerializedSize();
        if (bytesByRecipient.getOrDefault(recipient, 0L) + size > config.perRecipientBytes()
                || bytesBySender.getOrDefault(sender, 0L) + size > config.perSenderBytes()
                || totalBytes + size > config.totalBytes()) {
            return Outcome.QUOTA;
        }
        Held held = new Held(nextSeq++, id, sender, recipient, expiresAt, envelope, size);
        add(held);
        taken.add(held);
        return Outcome.STORED;
    }

    /** The recipient's mail, oldest first, up to {@code maxBytes} (at least one envelope). */
    List<Held> forRecipient(PeerId recipient, long maxBytes) {
        List<Held> batch = new ArrayList<>();
        long bytes = 0;
        for (Held held : byId.values()) {
            if (held.recipient().equals(recipient)) {
                if (!batch.isEmpty() && bytes + held.size() > maxBytes) {
                    break;
                }
                batch.add(held);
                bytes += held.size();
            }
        }
        return batch;
    }

    long bytesFor(PeerId recipient) {
        return bytesByRecipient.getOrDefault(recipient, 0L);
    }

    /** Deletes the recipient's envelopes among {@code ids} (others' are left alone) and remembers them. */
    List<Held> delete(PeerId recipient, Collection<ByteString> ids) {
        List<Held> removed = new ArrayList<>();
        for (ByteString id : ids) {
            Held held = byId.get(id);
            if (held != null && held.recipient().equals(recipient)) {
                remove(held);
                deleted.put(id, held.expiresAtMillis());
                removed.add(held);
            }
        }
        return removed;
    }

    /** Lets go of an envelope that could not be written down: not held, and welcome again. */
    void unhold(ByteString id) {
        Held held = byId.get(id);
        if (held != null) {
            remove(held);
        }
    }

    /** Drops what has expired, and forgets deletions that can no longer come back. */
    List<Held> expire(long nowMillis) {
        List<Held> expired = new ArrayList<>();
        for (Iterator<Held> it = byId.values().iterator(); it.hasNext(); ) {
            Held held = it.next();
            if (held.expiresAtMillis() <= nowMillis) {
                it.remove();
                account(held, -1);
                expired.add(held);
            }
        }
        deleted.values().removeIf(expiresAt -> expiresAt <= nowMillis);
        return expired;
    }

    Collection<Held> all() {
        return byId.values();
    }

    long totalBytes() {
        return totalBytes;
    }

    private void add(Held held) {
        byId.put(held.id(), held);
        account(held, 1);
    }

    private void remove(Held held) {
        byId.remove(held.id());
        account(held, -1);
    }

    private void account(Held held, int sign) {
        long delta = (long) sign * held.size();
        totalBytes += delta;
        bytesByRecipient.merge(held.recipient(), delta, (a, b) -> a + b == 0 ? null : a + b);
        bytesBySender.merge(held.sender(), delta, (a, b) -> a + b == 0 ? null : a + b);
    }
}
