package org.parley.files;

import java.util.BitSet;
import java.util.HexFormat;
import org.parley.groups.GroupId;
import org.parley.identity.PeerId;
import org.parley.messaging.MessageId;
import org.parley.messaging.MessageRecord;

/** A file this node knows of, sent or received, and how much of it it holds. Confined to the loop. */
final class HeldFile {
    final OfferedFile offer;
    final PeerId peer;
    final String direction;
    /** The group it was offered to; null in a direct message. */
    final GroupId group;
    /** The direct message that offered it (null in a group, or until our offer is stored). */
    MessageId messageId;
    /** The group post that offered it, its 32-byte entry ID (null in a direct message, or until posted). */
    byte[] entryId;
    String state;
    BitSet held;
    String path;
    String reason;
    /** When a download last made progress, its expiry counted from there; 0 until it starts. */
    long progressMillis;

    HeldFile(OfferedFile offer, MessageId messageId, PeerId peer, String direction, String state, BitSet held,
             String path, String reason) {
        this(offer, null, messageId, null, peer, direction, state, held, path, reason);
    }

    HeldFile(OfferedFile offer, GroupId group, MessageId messageId, byte[] entryId, PeerId peer, String direction,
             String state, BitSet held, String path, String reason) {
        this.offer = offer;
        this.group = group;
        this.entryId = entryId;
        this.messageId = messageId;
        this.peer = peer;
        this.direction = direction;
        this.state = state;
        this.held = held;
        this.path = path;
        this.reason = reason;
    }

    FileRecord record() {
        return new FileRecord(messageId, group, entryId == null ? null : HexFormat.of().formatHex(entryId), peer,
                direction, offer.name(), offer.size(), offer.sha256Hex(), state, path,
                held.cardinality(), offer.chunkCount(), reason);
    }

    /** Whether this node has the whole file as plaintext (sent, or downloaded and linked under its name), to serve from. */
    boolean whole() {
        return path != null && (FileRecord.COMPLETE.equals(state) || MessageRecord.OUT.equals(direction));
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
