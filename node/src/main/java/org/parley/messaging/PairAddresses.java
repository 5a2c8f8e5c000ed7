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
 * <p>Safe from any thread; bounded (past epochs are rarely asked again).
 */
public final class PairAddresses {
    /** How long an address lasts: mail sealed in one epoch carries that epoch's address for good. */
    public static final long EPOCH_MILLIS = 24L * 3600 * 1000;
    private static final int REMEMBERED = 4096;
    private static final byte[] SALT = "parley-mailbox-address-v1".getBytes(StandardCharsets.US_ASCII);

    /** One direction of a pair in one epoch: the address and the key that signs under it. */
    public record PairKey(byte[] address, Ed25519.SigningKey signingKey) {
    }

    private record Key(PeerId sender, PeerId recipient, long epoch) {
    }

    private final Identity self;
    private final Map<Key, PairKey> derived = new ConcurrentHashMap<>();

    public PairAddresses(Identity self) {
        this.self = self;
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
        PairKey known = derived.get(key);
        if (known != null) {
            return known;
        }
        byte[] seed = seed(self.pairSecret(other), sender, recipient, epoch);
        PairKey made = new PairKey(Ed25519.publicKey(seed), new Ed25519.SigningKey(seed));
        if (derived.size() >= REMEMBERED) {
            derived.clear();
        }
        derived.put(key, made);
        return made;
    }

    /** The signing seed of one direction of a pair in one epoch, from the secret the two share. */
    static byte[] seed(byte[] pairSecret, PeerId sender, PeerId recipient, long epoch) {
        byte[] info = ByteBuffer.allocate(32 + 32 + 8)
                .put(sender.publicKey()).put(recipient.publicKey()).putLong(epoch).array();
        return Hkdf.derive(pairSecret, SALT, info, Ed25519.SEED_SIZE);
    }
}
