package org.parley.messaging;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Stamps found already, by pair address (which names recipient, direction and epoch): the work
 * is done once per recipient and epoch, not per envelope. Safe from any thread (envelopes are
 * sealed in the storage work); bounded, since addresses of past epochs are never asked again.
 */
final class Stamps {
    private static final int REMEMBERED = 4096;

    private final Map<Key, Long> found = new ConcurrentHashMap<>();
    private volatile int bits;

    /** {@code named}: whether the recipient is in the work (version 2) or not (the placed form). */
    private record Key(java.nio.ByteBuffer address, int bits, boolean named) {
    }

    Stamps(int bits) {
        this.bits = Stamp.checkedBits(bits);
    }

    int bits() {
        return bits;
    }

    void payBits(int value) {
        bits = Stamp.checkedBits(value);
    }

    long stampFor(byte[] recipient, byte[] address, long epoch) {
        int required = bits;
        Key key = new Key(java.nio.ByteBuffer.wrap(address.clone()), required, recipient.length > 0);
        Long nonce = found.get(key);
        if (nonce != null) {
            return nonce;
        }
        long computed = Stamp.find(recipient, address, epoch, required);
        if (found.size() >= REMEMBERED) {
            found.clear();
        }
        found.put(key, computed);
        return computed;
    }
}
