package org.parley.crypto.ratchet;

import java.nio.ByteBuffer;

/**
 * The clear part of a ratchet message: the sender's current ratchet public key, how many
 * messages its previous sending chain had, and this message's number in the current chain.
 */
public record RatchetHeader(byte[] ratchetKey, int previousChainLength, int messageNumber) {
    /** The bytes bound into the message's AEAD, so no header field can be altered. */
    byte[] encode() {
        return ByteBuffer.allocate(ratchetKey.length + 8).put(ratchetKey).putInt(previousChainLength)
                .putInt(messageNumber).array();
    }
}
