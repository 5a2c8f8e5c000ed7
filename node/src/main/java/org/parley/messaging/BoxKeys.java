package org.parley.messaging;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.parley.crypto.Aead;
import org.parley.crypto.Hkdf;
import org.parley.crypto.X25519;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;

/**
 * The keys sealed envelopes' boxes are encrypted under: HKDF of X25519 between a one-time key
 * and the recipient's identity key, bound to the one-time key, the recipient and the pair
 * address. A sender makes one one-time key per recipient and epoch (kept in memory only) and
 * reuses it for that epoch's envelopes, as it does the address they share, so that an envelope
 * costs no key agreement on either side after the first; AES-GCM's random nonces keep the boxes
 * apart. Reusing it links nothing the address did not link already. Safe from any thread; bounded.
 */
final class BoxKeys {
    private static final byte[] SALT = "parley-seal-v2".getBytes(StandardCharsets.US_ASCII);
    private static final int REMEMBERED = 4096;

    /** A one-time public key and the box key it gives for one recipient and address. */
    record BoxKey(byte[] ephemeral, byte[] key) {
    }

    private final Map<ByteBuffer, BoxKey> sending = new ConcurrentHashMap<>();
    private final Map<ByteBuffer, byte[]> opening = new ConcurrentHashMap<>();

    /** The key for our envelopes under {@code address} to {@code recipient}, made on first use. */
    BoxKey toSeal(PeerId recipient, byte[] address, SecureRandom random) {
        ByteBuffer name = ByteBuffer.wrap(address.clone());
        BoxKey known = sending.get(name);
        if (known != null) {
            return known;
        }
        BoxKey made = fresh(recipient, address, random);
        remember(sending, name, made);
        return made;
    }

    /** A box key of its own, for one envelope. */
    static BoxKey fresh(PeerId recipient, byte[] address, SecureRandom random) {
        byte[] ephemeralPrivate = X25519.generatePrivateKey(random);
        byte[] ephemeral = X25519.publicKey(ephemeralPrivate);
        byte[] shared = X25519.agree(ephemeralPrivate, X25519.fromEd25519PublicKey(recipient.publicKey()));
        return new BoxKey(ephemeral, derive(shared, ephemeral, recipient.publicKey(), address));
    }

    /**
     * The key to open a box sealed to {@code self} with {@code ephemeral} under {@code address}.
     *
     * @throws IllegalArgumentException when the one-time key is unusable (a low-order point)
     */
    byte[] toOpen(Identity self, byte[] ephemeral, byte[] address) {
        ByteBuffer name = ByteBuffer.wrap(associatedData(ephemeral, self.peerId().publicKey(), address));
        byte[] known = opening.get(name);
        if (known != null) {
            return known;
        }
        byte[] key = derive(self.agreeAsIdentity(ephemeral), ephemeral, self.peerId().publicKey(), address);
        remember(opening, name, key);
        return key;
    }

    /** What the box is bound to besides its key. */
    static byte[] associatedData(byte[] ephemeral, byte[] recipient, byte[] address) {
        return ByteBuffer.allocate(3 * 32).put(ephemeral).put(recipient).put(address).array();
    }

    private static byte[] derive(byte[] shared, byte[] ephemeral, byte[] recipient, byte[] address) {
        return Hkdf.derive(shared, SALT, associatedData(ephemeral, recipient, address), Aead.KEY_SIZE);
    }

    /** One entry out per entry in when full: a flood of fresh keys never empties the map at once. */
    private static <V> void remember(Map<ByteBuffer, V> map, ByteBuffer name, V value) {
        if (map.size() >= REMEMBERED) {
            java.util.Iterator<ByteBuffer> oldest = map.keySet().iterator();
            if (oldest.hasNext()) {
                oldest.next();
                oldest.remove();
            }
        }
        map.put(name, value);
    }
}
