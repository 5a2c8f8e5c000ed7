package org.parley.groups;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.parley.crypto.Aead;
import org.parley.crypto.Ed25519;
import org.parley.link.Misbehaviour;
import org.parley.proto.wire.v1.GroupPostProto;

/**
 * A group message as it travels on the gossip topic: which sender key and step, the ciphertext,
 * and the key's signature over a fixed-layout statement of the three. Relays see no peer ID.
 * The entry ID in the group log is the SHA-256 of statement and signature.
 */
public record GroupPost(byte[] keyId, int iteration, byte[] ciphertext, byte[] signature) {
    /** Largest encoded post: below gossip's 64 KiB payload limit. */
    public static final int MAX_SIZE = 48 * 1024;
    private static final byte[] PREFIX = "parley-group-post-v1:".getBytes(StandardCharsets.US_ASCII);

    static GroupPost sign(Ed25519.SigningKey signingKey, byte[] keyId, int iteration, byte[] ciphertext) {
        byte[] signature = signingKey.sign(statement(keyId, iteration, ciphertext));
        return new GroupPost(keyId.clone(), iteration, ciphertext, signature);
    }

    /** Parses a post and checks its shape (not yet its signature: the key must be known first). */
    public static GroupPost parse(byte[] bytes) throws GroupException {
        if (bytes.length > MAX_SIZE) {
            throw new GroupException(Misbehaviour.TOO_LARGE, "post over " + MAX_SIZE + " bytes");
        }
        GroupPostProto proto;
        try {
            proto = GroupPostProto.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new GroupException(Misbehaviour.MALFORMED, "post does not parse");
        }
        if (proto.getKeyId().size() != Ed25519.PUBLIC_KEY_SIZE || proto.getSignature().size() != Ed25519.SIGNATURE_SIZE
                || proto.getCiphertext().size() < Aead.OVERHEAD || proto.getIteration() < 0) {
            throw new GroupException(Misbehaviour.MALFORMED, "post without a valid key, step, ciphertext or signature");
        }
        return new GroupPost(proto.getKeyId().toByteArray(), proto.getIteration(), proto.getCiphertext().toByteArray(),
                proto.getSignature().toByteArray());
    }

    public boolean signatureValid() {
        return Ed25519.verify(keyId, statement(keyId, iteration, ciphertext), signature);
    }

    public byte[] entryId() {
        return GroupId.sha256(statement(keyId, iteration, ciphertext), signature);
    }

    public byte[] toBytes() {
        return GroupPostProto.newBuilder()
                .setKeyId(ByteString.copyFrom(keyId))
                .setIteration(iteration)
                .setCiphertext(ByteString.copyFrom(ciphertext))
                .setSignature(ByteString.copyFrom(signature))
                .build()
                .toByteArray();
    }

    private static byte[] statement(byte[] keyId, int iteration, byte[] ciphertext) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(PREFIX);
        out.writeBytes(keyId);
        out.writeBytes(ByteBuffer.allocate(4).putInt(iteration).array());
        out.writeBytes(ciphertext);
        return out.toByteArray();
    }
}
