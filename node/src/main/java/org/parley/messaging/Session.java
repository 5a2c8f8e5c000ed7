package org.parley.messaging;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.security.SecureRandom;
import org.parley.crypto.ratchet.DoubleRatchet;
import org.parley.proto.store.v1.SessionRecord;
import org.parley.proto.wire.v1.SessionStart;

/**
 * One encrypted session with a peer: its Double Ratchet, and whether we started it and have
 * heard back on it. Until the responder answers, every message the initiator sends repeats the
 * {@link SessionStart}, so whichever arrives first can open the session.
 */
final class Session {
    final byte[] id;
    final DoubleRatchet ratchet;
    final boolean initiatedByUs;
    boolean confirmed;
    SessionStart start;

    Session(byte[] id, DoubleRatchet ratchet, boolean initiatedByUs, boolean confirmed, SessionStart start) {
        this.id = id;
        this.ratchet = ratchet;
        this.initiatedByUs = initiatedByUs;
        this.confirmed = confirmed;
        this.start = start;
    }

    /** Called when a message on this session opened: the other side has it too. */
    void heardFrom() {
        if (initiatedByUs) {
            confirmed = true;
            start = null;
        }
    }

    byte[] toBytes() {
        SessionRecord.Builder record = SessionRecord.newBuilder()
                .setSessionId(ByteString.copyFrom(id))
                .setRatchet(ratchet.toProto())
                .setInitiatedByUs(initiatedByUs)
                .setConfirmed(confirmed);
        if (start != null) {
            record.setStart(start.toByteString());
        }
        return record.build().toByteArray();
    }

    static Session fromBytes(byte[] bytes, SecureRandom random) throws InvalidProtocolBufferException {
        SessionRecord record = SessionRecord.parseFrom(bytes);
        SessionStart start = record.getStart().isEmpty() ? null : SessionStart.parseFrom(record.getStart());
        return new Session(record.getSessionId().toByteArray(), DoubleRatchet.fromProto(record.getRatchet(), random),
                record.getInitiatedByUs(), record.getConfirmed(), start);
    }
}
