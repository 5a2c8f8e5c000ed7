package org.parley.messaging;

import java.util.function.Consumer;
import org.parley.identity.PeerId;

/**
 * Where inbound envelopes are checked (fields, signature, time window) before the messenger does
 * anything else with them. An implementation hands each outcome to {@code then} on the node's
 * loop, in the order the envelopes from one neighbour were given to it, so that one sender's
 * messages reach the ratchet in the order they arrived.
 *
 * <p>{@link #INLINE} checks at once on the caller's thread: some tests use it. The real node and
 * the simulator check through {@link OffLoopEnvelopeVerifier} (the node on a pool of workers), so
 * that the loop, which owns every ratchet and the dedupe memory, does other work while a
 * signature is verified.
 */
public interface EnvelopeVerifier {
    /**
     * Checks {@code proto}, which came from the neighbour {@code from} (over its link, or a
     * mailbox replica handing it over), as at {@code nowMillis} with {@code checker}; {@code then}
     * runs on the loop with the outcome, or with {@code null} when the verifier was too far behind to take it (the envelope
     * is dropped unread: its sender resends what gets no receipt, and a replica keeps what is not
     * committed).
     */
    void verify(PeerId from, org.parley.proto.wire.v1.WireEnvelope proto, long nowMillis, Checker checker,
                Consumer<EnvelopeCheck> then);

    /** Checks on the caller's thread, at once. */
    EnvelopeVerifier INLINE = (from, proto, nowMillis, checker, then) -> then.accept(checker.check(proto, nowMillis));

    /** What checking is: {@link Sealing#check}, which opens sealed envelopes with the node's key. */
    @FunctionalInterface
    interface Checker {
        EnvelopeCheck check(org.parley.proto.wire.v1.WireEnvelope proto, long nowMillis);
    }
}
