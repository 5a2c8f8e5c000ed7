package org.parley.messaging;

import java.util.function.Consumer;

/**
 * Where inbound envelopes are checked (fields, signature, time window) before the messenger does
 * anything else with them. An implementation hands each outcome to {@code then} on the node's
 * loop, in the order the envelopes were given to it, so that one sender's messages reach the
 * ratchet in the order they arrived.
 *
 * <p>{@link #INLINE} checks at once on the caller's thread: the deterministic simulator and the
 * tests use it. The real node checks on a worker thread of its own, so that the loop, which owns
 * every ratchet and the dedupe memory, does other work while a signature is verified.
 */
public interface EnvelopeVerifier {
    /**
     * Checks {@code proto} as at {@code nowMillis} with {@code checker}; {@code then} runs on the loop with the
     * outcome, or with {@code null} when the verifier was too far behind to take it (the envelope
     * is dropped unread: its sender resends what gets no receipt, and a replica keeps what is not
     * committed).
     */
    void verify(org.parley.proto.wire.v1.WireEnvelope proto, long nowMillis, Checker checker,
                Consumer<EnvelopeCheck> then);

    /** Checks on the caller's thread, at once. */
    EnvelopeVerifier INLINE = (proto, nowMillis, checker, then) -> then.accept(checker.check(proto, nowMillis));

    /** What checking is: {@link Sealing#check}, which opens sealed envelopes with the node's key. */
    @FunctionalInterface
    interface Checker {
        EnvelopeCheck check(org.parley.proto.wire.v1.WireEnvelope proto, long nowMillis);
    }
}
