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
    /**
     * Whether we have sent on it: then the peer may hear from us, and place its mail for us at
     * our pair address (decision 0047), which we must therefore visit.
     */
    boolean wrote;

    Session(byte[] id, DoubleRatchet ratchet, boolean initiatedByUs, boolean confirmed, SessionStart start) {
        this.id = id;
        this.ratchet = ratchet;
        this.initiatedByUs = initiatedByUs;
        this.confirmed = confirmed;
        this.start = start;
        this.wrote = initiatedByUs;
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
                .setConfirmed(confirmed)
                .setWrote(wrote);
        if (start != null) {
            record.setStart(start.toByteString());
        }
        return record.build().toByteArray();
    }

    static Session fromBytes(byte[] bytes, SecureRandom random) throws InvalidProtocolBufferException {
        SessionRecord record = SessionRecord.parseFrom(bytes);
        SessionStart start = record.getStart().isEmpty() ? null : SessionStart.parseFrom(record.getStart());
        Session session = new Session(record.getSessionId().toByteArray(),
                DoubleRatchet.fromProto(record.getRatchet(), random), record.getInitiatedByUs(), record.getConfirmed(),
                start);
        session.wrote |= record.getWrote();
        return session;
    }
}
