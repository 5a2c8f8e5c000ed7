package org.parley.mailbox;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.parley.crypto.Ed25519;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.link.Misbehaviour;
import org.parley.proto.wire.v1.SignedMailRequest;

/**
 * A recipient's signed word to its replicas: "give me my mail" (fetch) or "I have these, delete
 * them" (delete). The signature covers a fixed-layout statement with a domain prefix per kind, so
 * a fetch can never pass for a delete; the issue time must be near the replica's clock and rise
 * strictly per recipient (checked by the replica), so a recorded request cannot be replayed.
 */
enum MailRequest {
    FETCH("parley-mailbox-fetch-v1:"),
    DELETE("parley-mailbox-delete-v1:");

    /** Envelope IDs one delete may name. */
    static final int MAX_IDS = 256;
    /** How far a request's time may be from the replica's clock. */
    static final long MAX_SKEW_MILLIS = 10 * 60 * 1000L;
    private static final int ID_SIZE = 32;

    private final byte[] domain;

    MailRequest(String domain) {
        this.domain = domain.getBytes(StandardCharsets.US_ASCII);
    }

    SignedMailRequest sign(Identity recipient, long issuedAtMillis, List<ByteString> envelopeIds) {
        return SignedMailRequest.newBuilder()
                .setRecipient(ByteString.copyFrom(recipient.peerId().publicKey()))
                .setIssuedAtMs(issuedAtMillis)
                .addAllEnvelopeIds(envelopeIds)
                .setSignature(ByteString.copyFrom(recipient.sign(statement(recipient.peerId().publicKey(),
                        issuedAtMillis, envelopeIds))))
                .build();
    }

    /**
     * Checks shape, signature and time; returns the recipient who signed.
     *
     * @throws MailboxException saying why the request is refused
     */
    PeerId verify(SignedMailRequest request, long nowMillis) throws MailboxException {
        if (request.getRecipient().size() != Ed25519.PUBLIC_KEY_SIZE
                || request.getSignature().size() != Ed25519.SIGNATURE_SIZE) {
            throw new MailboxException(Misbehaviour.MALFORMED, "request field of the wrong size");
        }
        if (this == FETCH ? request.getEnvelopeIdsCount() != 0 : request.getEnvelopeIdsCount() > MAX_IDS) {
            throw new MailboxException(Misbehaviour.MALFORMED,
                    request.getEnvelopeIdsCount() + " envelope IDs in a " + name().toLowerCase());
        }
        for (ByteString id : request.getEnvelopeIdsList()) {
            if (id.size() != ID_SIZE) {
                throw new MailboxException(Misbehaviour.MALFORMED, "envelope ID of " + id.size() + " bytes");
            }
        }
        byte[] key = request.getRecipient().toByteArray();
        PeerId recipient = PeerId.fromPublicKey(key);
        if (!recipient.verify(statement(key, request.getIssuedAtMs(), request.getEnvelopeIdsList()),
                request.getSignature().toByteArray())) {
            throw new MailboxException(Misbehaviour.FORGED, "request signature does not verify");
        }
        if (Math.abs(request.getIssuedAtMs() - nowMillis) > MAX_SKEW_MILLIS) {
            throw new MailboxException(Misbehaviour.EXPIRED, "request issued too far from now");
        }
        return recipient;
    }

    private byte[] statement(byte[] recipientKey, long issuedAtMillis, List<ByteString> envelopeIds) {
        ByteBuffer buffer = ByteBuffer.allocate(domain.length + recipientKey.length + 8 + 4
                + envelopeIds.size() * ID_SIZE);
        buffer.put(domain).put(recipientKey).putLong(issuedAtMillis).putInt(envelopeIds.size());
        envelopeIds.forEach(id -> buffer.put(id.toByteArray()));
        return buffer.array();
    }
}
