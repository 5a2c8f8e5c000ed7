package org.parley.messaging;

import java.util.Optional;

/**
 * What checking one inbound envelope found: the verified (and, when sealed, opened) envelope and
 * its ID, or why it is refused. Computed wherever the {@link EnvelopeVerifier} runs it (possibly
 * off the loop), so it holds only values, never protocol state.
 *
 * @param paid whether it carries the proof of work this node asks of a first contact
 */
public record EnvelopeCheck(Envelope envelope, byte[] id, EnvelopeException refusal, boolean paid) {
    /** The reason it is refused; empty when it verified. */
    public Optional<EnvelopeException> refused() {
        return Optional.ofNullable(refusal);
    }
}
