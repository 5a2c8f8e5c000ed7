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
 *
 * <p>A recipient's share is divided fairly among its senders (max-min): when it is full, a sender
 * that would hold less than the largest holder after the new envelope takes the largest holder's
 * newest envelopes until it fits. So one sender, or a few, cannot fill a recipient's share and
 * keep everyone else out; a sender holding no more than anyone else keeps what it holds.
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
    /** Per recipient: bytes held from each sender. */
    private final Map<PeerId, Map<PeerId, Long>> bytesBySenderFor = new HashMap<>();
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
     * its recipient, counts as stored: the replica has done its part. When the recipient's share
     * is full, other senders' envelopes may make room (see the class comment): those are added
     * to {@code evicted}, and are no longer held.
     */
    Outcome offer(ByteString id, PeerId sender, PeerId recipient, long envelopeExpiresAt, WireEnvelope envelope,
                  long nowMillis, List<Held> taken, List<Held> evicted) {
        if (byId.containsKey(id) || deleted.containsKey(id)) {
            return Outcome.STORED;
        }
        long expiresAt = Math.min(envelopeExpiresAt, nowMillis + config.holdFor().toMillis());
        if (expiresAt <= nowMillis) {
            return Outcome.EXPIRED;
        }
        int size = envelope.getSerializedSize();
        if (bytesBySender.getOrDefault(sender, 0L) + size > config.perSenderBytes()
                || size > config.perRecipientBytes()) {
            return Outcome.QUOTA;
        }
        List<Held> makingRoom = roomFor(sender, recipient, size);
        if (makingRoom == null) {
            return Outcome.QUOTA;
        }
        long freed = makingRoom.stream().mapToLong(Held::size).sum();
        if (totalBytes - freed + size > config.totalBytes()) {
            return Outcome.QUOTA;
        }
        makingRoom.forEach(this::remove);
        evicted.addAll(makingRoom);
        Held held = new Held(nextSeq++, id, sender, recipient, expiresAt, envelope, size);
        add(held);
        taken.add(held);
        return Outcome.STORED;
    }

    /**
     * The envelopes that must go for {@code size} more bytes from {@code sender} to fit the
     * recipient's share: none when it fits, the largest other holders' newest while they would
     * still hold more than the sender, or null when that does not make room.
     */
    private List<Held> roomFor(PeerId sender, PeerId recipient, int size) {
        long over = bytesByRecipient.getOrDefault(recipient, 0L) + size - config.perRecipientBytes();
        if (over <= 0) {
            return List.of();
        }
        Map<PeerId, Long> shares = new HashMap<>(bytesBySenderFor.getOrDefault(recipient, Map.of()));
        long senderAfter = shares.getOrDefault(sender, 0L) + size;
        long largestOther = shares.entrySet().stream().filter(share -> !share.getKey().equals(sender))
                .mapToLong(Map.Entry::getValue).max().orElse(0);
        if (largestOther <= senderAfter) {
            // Fair already: refused without looking through the held mail, which a flood of
            // refused stores would otherwise make us do each time.
            return null;
        }
        Map<PeerId, List<Held>> newestLast = new HashMap<>();
        for (Held held : byId.values()) {
            if (held.recipient().equals(recipient) && !held.sender().equals(sender)) {
                newestLast.computeIfAbsent(held.sender(), key -> new ArrayList<>()).add(held);
            }
        }
        List<Held> going = new ArrayList<>();
        while (over > 0) {
            PeerId largest = null;
            for (Map.Entry<PeerId, Long> share : shares.entrySet()) {
                if (!share.getKey().equals(sender) && (largest == null || share.getValue() > shares.get(largest))) {
                    largest = share.getKey();
                }
            }
            List<Held> theirs = largest == null ? List.of() : newestLast.get(largest);
            if (theirs == null || theirs.isEmpty()) {
                return null;
            }
            Held newest = theirs.get(theirs.size() - 1);
            if (shares.get(largest) - newest.size() < senderAfter) {
                return null; // it would end up holding less than the sender: the share is fair already
            }
            theirs.remove(theirs.size() - 1);
            shares.merge(largest, -(long) newest.size(), Long::sum);
            going.add(newest);
            over -= newest.size();
        }
        return going;
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
        Map<PeerId, Long> senders = bytesBySenderFor.computeIfAbsent(held.recipient(), key -> new HashMap<>());
        senders.merge(held.sender(), delta, (a, b) -> a + b == 0 ? null : a + b);
        if (senders.isEmpty()) {
            bytesBySenderFor.remove(held.recipient());
        }
    }
}
