package org.parley.messaging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;

/**
 * Bytes off the wire as an envelope: refused with a reason, or verified and re-encoded unchanged;
 * as a sealed envelope, checked by a relay and opened by a recipient, refused with a reason or
 * taken, never anything else.
 */
class EnvelopeFuzzTest {
    /** The saved inputs were made around this time; later ones would merely be expired. */
    private static final long NOW = 1_700_000_000_000L;
    private static final Sealing RECIPIENT = new Sealing(
            org.parley.identity.Identity.generate("recipient", new java.security.SecureRandom()), 0,
            new java.security.SecureRandom());

    @FuzzTest(maxDuration = "60s")
    void anyBytesVerifyOrAreRefused(byte[] input) throws EnvelopeException {
        org.parley.proto.wire.v1.WireEnvelope proto;
        try {
            proto = org.parley.proto.wire.v1.WireEnvelope.parseFrom(input);
        } catch (InvalidProtocolBufferException expected) {
            return;
        }
        try {
            SealedEnvelope.check(proto, NOW, 0);
        } catch (EnvelopeException expected) {
            // refused with a reason, as it must be
        }
        RECIPIENT.check(proto, NOW);
        Envelope envelope;
        try {
            envelope = Envelope.verify(proto, NOW);
        } catch (EnvelopeException expected) {
            return;
        }
        assertArrayEquals(envelope.id(), Envelope.verify(envelope.toProto(), NOW).id(), "re-encoding changes nothing");
    }
}
