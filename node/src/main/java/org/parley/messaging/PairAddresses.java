package org.parley.messaging;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.parley.crypto.Ed25519;
import org.parley.crypto.Hkdf;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;

/**
 * The mailbox addresses of our pairs: for mail from {@code sender} to {@code recipient} in an
 * epoch, an Ed25519 key pair whose seed is HKDF over the static secret the two identities share
 * (X25519 of one's identity scalar and the other's peer ID), the two peer IDs in that order and
 * the epoch number. The public key is the address: it changes every epoch, differs for the two
 * directions, and nobody but the two can derive it or sign under it, so a relay can check that an
 * envelope is whole and came from one of the pair without learning which pair. Either of the two
 * can make the signature, so it proves nothing to a third party about who wrote it.
 *
 * <p>Safe from any thread; bounded. Keys of pinned peers (our contacts) stay; others' are kept
 * least recently used first out, one at a time, so that envelopes naming fresh senders (anyone can
 * make identities) can neither flush our contacts' keys nor grow memory (issue 16, hardening).
 */
public final class PairAddresses {
    /** How long an address lasts: mail sealed in one epoch carries that epoch's address for good. */
    public static final long EPOCH_MILLIS = 24L * 3600 * 1000;
    /** Keys of peers that are not pinned, at most. */
    static final int REMEMBERED = 4096;
    /** Epochs of a pinned peer's keys kept: a little more than the longest hold time (30 days). */
    private static final long PINNED_EPOCHS = 32;
    private static final byte[] SALT = "parley-mailbox-address-v1".getBytes(StandardCharsets.US_ASCII);

    /** One direction of a pair in one epoch: the address and the key that signs under it. */
    public record PairKey(byte[] address, Ed25519.SigningKey signingKey) {
    }

    private record Key(PeerId sender, PeerId recipient, long epoch) {
    }

    private final Identity self;
    private final Map<Key, PairKey> pinnedKeys = new ConcurrentHashMap<>();
    private final Map<Key, PairKey> others = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(256, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<Key, PairKey> eldest) {
                    return size() > REMEMBERED;
                }
            });
    private volatile java.util.function.Predicate<PeerId> pinned = peer -> false;
    private final java.util.concurrent.atomic.AtomicLong derivations = new java.util.concurrent.atomic.AtomicLong();

    public PairAddresses(Identity self) {
        this.self = self;
    }

    /** Keeps the keys of peers {@code pinned} says (our contacts) out of reach of eviction. */
    public void pin(java.util.function.Predicate<PeerId> pinnedPeers) {
        this.pinned = pinnedPeers;
    }

    /** How many pair keys were derived (each an X25519, an HKDF and an Ed25519 key): for tests. */
    long derivations() {
        return derivations.get();
    }

    /** The epoch a time falls in. */
    public static long epochOf(long millis) {
        return Math.floorDiv(millis, EPOCH_MILLIS);
    }

    /** Mail from us to {@code recipient} in {@code epoch}. */
    public PairKey to(PeerId recipient, long epoch) {
        return pairKey(self.peerId(), recipient, recipient, epoch);
    }

    /** Mail from {@code sender} to us in {@code epoch}. */
    public PairKey from(PeerId sender, long epoch) {
        return pairKey(sender, self.peerId(), sender, epoch);
    }

    private PairKey pairKey(PeerId sender, PeerId recipient, PeerId other, long epoch) {
        Key key = new Key(sender, recipient, epoch);
        PairKey known = pinnedKeys.get(key);
        if (known == null) {
            known = others.get(key);
        }
        if (known != null) {
            return known;
        }
        byte[] seed = seed(self.pairSecret(other), sender, recipient, epoch);
        derivations.incrementAndGet();
        PairKey made = new PairKey(Ed25519.publicKey(seed), new Ed25519.SigningKey(seed));
        if (pinned.test(other)) {
            // Old epochs of pinned peers go: their mail has expired by now.
            pinnedKeys.keySet().removeIf(old -> old.epoch() < epoch - PINNED_EPOCHS);
            pinnedKeys.put(key, made);
        } else {
            others.put(key, made);
        }
        return made;
    }

    /** The signing seed of one direction of a pair in one epoch, from the secret the two share. */
    static byte[] seed(byte[] pairSecret, PeerId sender, PeerId recipient, long epoch) {
        byte[] info = ByteBuffer.allocate(32 + 32 + 8)
                .put(sender.publicKey()).put(recipient.publicKey()).putLong(epoch).array();
        return Hkdf.derive(pairSecret, SALT, info, Ed25519.SEED_SIZE);
    }
}
