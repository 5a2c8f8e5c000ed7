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
 *
 * <p>Mail at a pair address (decision 0047) is asked for under the address: signed by the pair
 * key, over a statement that also names the peer asking, since the asker is not the key's owner
 * in the way a recipient is its identity's: a replica that saw the request cannot replay it to
 * another replica on its own link.
 */
enum MailRequest {
    FETCH("parley-mailbox-fetch-v1:", "parley-mailbox-place-fetch-v1:"),
    DELETE("parley-mailbox-delete-v1:", "parley-mailbox-place-delete-v1:");

    /** Envelope IDs one delete may name. */
    static final int MAX_IDS = 256;
    /** How far a request's time may be from the replica's clock. */
    static final long MAX_SKEW_MILLIS = 10 * 60 * 1000L;
    private static final int ID_SIZE = 32;

    private final byte[] domain;
    private final byte[] placeDomain;

    MailRequest(String domain, String placeDomain) {
        this.domain = domain.getBytes(StandardCharsets.US_ASCII);
        this.placeDomain = placeDomain.getBytes(StandardCharsets.US_ASCII);
    }

    /** A request for the mail at a pair address, signed by its pair key, asked by {@code asker}. */
    SignedMailRequest signForPlace(byte[] address, Ed25519.SigningKey pairKey, PeerId asker, long issuedAtMillis,
                                   List<ByteString> envelopeIds) {
        return SignedMailRequest.newBuilder()
                .setRecipient(ByteString.copyFrom(address))
                .setIssuedAtMs(issuedAtMillis)
                .addAllEnvelopeIds(envelopeIds)
                .setSignature(ByteString.copyFrom(pairKey.sign(placeStatement(address, asker, issuedAtMillis,
                        envelopeIds))))
                .build();
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
     * Checks shape, signature and time of a request that came on {@code asker}'s link; returns the
     * place whose mail it asks for: the asker itself (its identity signed), or a pair address (its
     * pair key signed, naming the asker).
     *
     * @throws MailboxException saying why the request is refused
     */
    PeerId verify(SignedMailRequest request, PeerId asker, long nowMillis) throws MailboxException {
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
        byte[] statement = recipient.equals(asker)
                ? statement(key, request.getIssuedAtMs(), request.getEnvelopeIdsList())
                : placeStatement(key, asker, request.getIssuedAtMs(), request.getEnvelopeIdsList());
        if (!recipient.verify(statement, request.getSignature().toByteArray())) {
            if (!recipient.equals(asker) && recipient.verify(statement(key, request.getIssuedAtMs(),
                    request.getEnvelopeIdsList()), request.getSignature().toByteArray())) {
                throw new MailboxException(Misbehaviour.NOT_YOURS, asker.shortForm() + " asked for the mail of "
                        + recipient.shortForm());
            }
            throw new MailboxException(Misbehaviour.FORGED, "request signature does not verify");
        }
        if (Math.abs(request.getIssuedAtMs() - nowMillis) > MAX_SKEW_MILLIS) {
            throw new MailboxException(Misbehaviour.EXPIRED, "request issued too far from now");
        }
        return recipient;
    }

    private byte[] placeStatement(byte[] address, PeerId asker, long issuedAtMillis, List<ByteString> envelopeIds) {
        byte[] askerKey = asker.publicKey();
        ByteBuffer buffer = ByteBuffer.allocate(placeDomain.length + address.length + askerKey.length + 8 + 4
                + envelopeIds.size() * ID_SIZE);
        buffer.put(placeDomain).put(address).put(askerKey).putLong(issuedAtMillis).putInt(envelopeIds.size());
        envelopeIds.forEach(id -> buffer.put(id.toByteArray()));
        return buffer.array();
    }

    private byte[] statement(byte[] recipientKey, long issuedAtMillis, List<ByteString> envelopeIds) {
        ByteBuffer buffer = ByteBuffer.allocate(domain.length + recipientKey.length + 8 + 4
                + envelopeIds.size() * ID_SIZE);
        buffer.put(domain).put(recipientKey).putLong(issuedAtMillis).putInt(envelopeIds.size());
        envelopeIds.forEach(id -> buffer.put(id.toByteArray()));
        return buffer.array();
    }
}
