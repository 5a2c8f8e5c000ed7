package org.parley.files;

import java.util.BitSet;
import org.parley.identity.PeerId;
import org.parley.messaging.MessageId;

/** A file this node knows of, sent or received, and how much of it it holds. Confined to the loop. */
final class HeldFile {
    final OfferedFile offer;
    final PeerId peer;
    final String direction;
    MessageId messageId;
    String state;
    BitSet held;
    String path;
    String reason;

    HeldFile(OfferedFile offer, MessageId messageId, PeerId peer, String direction, String state, BitSet held,
             String path, String reason) {
        this.offer = offer;
        this.messageId = messageId;
        this.peer = peer;
        this.direction = direction;
        this.state = state;
        this.held = held;
        this.path = path;
        this.reason = reason;
    }

    FileRecord record() {
        return new FileRecord(messageId, peer, direction, offer.name(), offer.size(), offer.sha256Hex(), state, path,
                held.cardinality(), offer.chunkCount(), reason);
    }

    /** The bitmap as stored and sent: chunk i is bit i%8 of byte i/8, as long as the chunk count needs. */
    byte[] heldBytes() {
        return bitmap(held, offer.chunkCount());
    }

    static byte[] bitmap(BitSet bits, int count) {
        byte[] bytes = new byte[(count + 7) / 8];
        byte[] set = bits.toByteArray();
        System.arraycopy(set, 0, bytes, 0, Math.min(set.length, bytes.length));
        return bytes;
    }
}
