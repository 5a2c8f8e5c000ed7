package org.parley.messaging;

import java.security.SecureRandom;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.proto.wire.v1.WireEnvelope;

/**
 * Sealed envelopes for tests, and the work tests ask for: little, so that many pairs and epochs
 * cost the suite nothing; the tests of the work itself ask for more.
 */
public final class TestSealing {
    /** The stamp tests' nodes pay and ask for. */
    public static final int BITS = 8;
    private static final SecureRandom RANDOM = new SecureRandom();

    private TestSealing() {
    }

    /** What {@code from} would send {@code to}, sealed with {@link #BITS} of work. */
    public static WireEnvelope seal(Identity from, PeerId to, long createdAtMillis, long expiresAtMillis,
                                    byte[] payload) {
        return new Sealing(from, BITS, RANDOM).seal(to, createdAtMillis, expiresAtMillis, payload, SealedEnvelope.VERSION);
    }

    /** The same in the placed form (version 3): no recipient in clear, held at the pair address. */
    public static WireEnvelope sealPlaced(Identity from, PeerId to, long createdAtMillis, long expiresAtMillis,
                                          byte[] payload) {
        return new Sealing(from, BITS, RANDOM).seal(to, createdAtMillis, expiresAtMillis, payload, SealedEnvelope.PLACED_VERSION);
    }

    /**
     * A forgery: sealed by {@code actual} under its own pair address to {@code to}, with
     * {@code claimed} named as the sender inside.
     */
    public static WireEnvelope forgedAs(Identity claimed, Identity actual, PeerId to, long createdAtMillis,
                                        long expiresAtMillis, byte[] payload) {
        return SealedEnvelope.seal(claimed, new PairAddresses(actual), new Stamps(BITS), new BoxKeys(), to,
                createdAtMillis, expiresAtMillis, payload, false, RANDOM);
    }

    /** Opens an envelope as {@code recipient} would (any work accepted). */
    public static EnvelopeCheck open(Identity recipient, WireEnvelope envelope, long nowMillis) {
        return new Sealing(recipient, 0, RANDOM).check(envelope, nowMillis);
    }
}
