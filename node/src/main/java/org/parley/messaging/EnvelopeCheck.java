package org.parley.messaging;

import java.util.Optional;

/**
 * What checking one inbound envelope found: the verified envelope and its ID, or why it is
 * refused. Computed wherever the {@link EnvelopeVerifier} runs it (possibly off the loop), so it
 * holds only values, never protocol state.
 */
public record EnvelopeCheck(Envelope envelope, byte[] id, EnvelopeException refusal) {
    /** Verifies {@code proto} as at {@code nowMillis}: fields, signature and time window, then its ID. */
    public static EnvelopeCheck of(org.parley.proto.wire.v1.WireEnvelope proto, long nowMillis) {
        try {
            Envelope envelope = Envelope.verify(proto, nowMillis);
            return new EnvelopeCheck(envelope, envelope.id(), null);
        } catch (EnvelopeException e) {
            return new EnvelopeCheck(null, null, e);
        }
    }

    /** The reason it is refused; empty when it verified. */
    public Optional<EnvelopeException> refused() {
        return Optional.ofNullable(refusal);
    }
}
