package org.parley.overlay.dht;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Optional;
import org.parley.crypto.Aead;
import org.parley.crypto.Hkdf;
import org.parley.crypto.X25519;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;
import org.parley.proto.wire.v1.LookupAnswer;
import org.parley.proto.wire.v1.LookupQuestion;
import org.parley.proto.wire.v1.PeerRecord;

/**
 * The sealing of a proxied lookup (decision 0085): the asker's question sealed to hop 2, and hop
 * 2's answer sealed back to the asker, so that hop 1, which passes both on, reads neither. One
 * X25519 agreement of a one-time key with hop 2's peer ID (in Montgomery form, as sealed envelopes
 * use it) gives, through HKDF, a key for the question and another for the answer; AES-256-GCM
 * seals each. Questions have one size and answers a multiple of {@link #ANSWER_BLOCK}, so that
 * hop 1 cannot tell targets apart by length.
 */
final class LookupBox {
    /** A question's plaintext, padded: a target, a flag and a time fit with room to spare. */
    static final int QUESTION_SIZE = 96;
    /** A sealed question's size; anything else is malformed, which hop 1 can check without opening it. */
    static final int SEALED_QUESTION_SIZE = QUESTION_SIZE + Aead.OVERHEAD;
    /** Answers are padded to a multiple of this. */
    static final int ANSWER_BLOCK = 512;
    /** A sealed answer's size at most: the largest record, padded, sealed. */
    static final int MAX_SEALED_ANSWER_SIZE =
            ((org.parley.overlay.record.PeerRecord.MAX_ENCODED_BYTES + 16) / ANSWER_BLOCK + 1) * ANSWER_BLOCK
                    + Aead.OVERHEAD;
    private static final byte[] SALT = "parley-lookup-proxy-v1".getBytes(StandardCharsets.UTF_8);
    private static final byte[] QUESTION = "question".getBytes(StandardCharsets.UTF_8);
    private static final byte[] ANSWER = "answer".getBytes(StandardCharsets.UTF_8);

    /** A sealed question, and the key its answer will be sealed under (kept by the asker only). */
    record Sealed(byte[] ephemeral, byte[] box, byte[] answerKey) {
    }

    /** A question hop 2 opened, and the key to seal its answer under. */
    record Opened(PeerId target, boolean newest, long askedAtMillis, byte[] answerKey) {
    }

    /** A question that does not open, or opens to something no honest asker seals. */
    static final class Unopened extends Exception {
        Unopened(String message) {
            super(message);
        }
    }

    private LookupBox() {
    }

    /** Seals the question "{@code target}'s record" to {@code hop2}. */
    static Sealed seal(PeerId hop2, PeerId target, boolean newest, long nowMillis, SecureRandom random) {
        byte[] oneTime = X25519.generatePrivateKey(random);
        byte[] ephemeral = X25519.publicKey(oneTime);
        byte[] shared = X25519.agree(oneTime, X25519.fromEd25519PublicKey(hop2.publicKey()));
        LookupQuestion.Builder question = LookupQuestion.newBuilder().setTarget(ByteString.copyFrom(target.publicKey()))
                .setNewest(newest).setAskedAtMillis(nowMillis);
        byte[] plain = padded(question.build().getSerializedSize(), QUESTION_SIZE,
                padding -> question.setPadding(padding).build().toByteArray());
        byte[] associated = associatedData(ephemeral, hop2);
        byte[] box = Aead.seal(key(shared, QUESTION, associated), plain, associated, random);
        return new Sealed(ephemeral, box, key(shared, ANSWER, associated));
    }

    /** Opens a question sealed to {@code self}. */
    static Opened open(Identity self, byte[] ephemeral, byte[] box) throws Unopened {
        byte[] shared;
        try {
            shared = self.agreeAsIdentity(ephemeral);
        } catch (IllegalArgumentException e) {
            throw new Unopened("one-time key: " + e.getMessage());
        }
        byte[] associated = associatedData(ephemeral, self.peerId());
        LookupQuestion question;
        try {
            byte[] plain = Aead.open(key(shared, QUESTION, associated), box, associated);
            question = LookupQuestion.parseFrom(plain);
        } catch (Aead.AeadException | InvalidProtocolBufferException e) {
            throw new Unopened("question does not open: " + e.getMessage());
        }
        if (question.getTarget().size() != 32) {
            throw new Unopened("question names no peer");
        }
        return new Opened(PeerId.fromPublicKey(question.getTarget().toByteArray()), question.getNewest(),
                question.getAskedAtMillis(), key(shared, ANSWER, associated));
    }

    /** Seals hop 2's answer: the record found, if any. */
    static byte[] sealAnswer(byte[] answerKey, Optional<PeerRecord> record, SecureRandom random) {
        LookupAnswer.Builder answer = LookupAnswer.newBuilder();
        record.ifPresent(answer::setRecord);
        int size = answer.build().getSerializedSize();
        int target = ((size + 3) / ANSWER_BLOCK + 1) * ANSWER_BLOCK;
        byte[] plain = padded(size, target, padding -> answer.setPadding(padding).build().toByteArray());
        return Aead.seal(answerKey, plain, ANSWER, random);
    }

    /** Opens an answer sealed under {@code answerKey}: the record hop 2 found, if any. */
    static Optional<PeerRecord> openAnswer(byte[] answerKey, byte[] box) throws Unopened {
        try {
            LookupAnswer answer = LookupAnswer.parseFrom(Aead.open(answerKey, box, ANSWER));
            return answer.hasRecord() ? Optional.of(answer.getRecord()) : Optional.empty();
        } catch (Aead.AeadException | InvalidProtocolBufferException e) {
            throw new Unopened("answer does not open: " + e.getMessage());
        }
    }

    /**
     * The message built with a padding field that brings it to exactly {@code size} bytes: the
     * field costs its tag (one byte) and its length's varint besides its bytes.
     */
    private static byte[] padded(int unpadded, int size, java.util.function.Function<ByteString, byte[]> build) {
        for (int length = Math.max(0, size - unpadded - 6); length <= size - unpadded; length++) {
            if (unpadded + 1 + CodedOutputStream.computeUInt32SizeNoTag(length) + length == size) {
                return build.apply(ByteString.copyFrom(new byte[length]));
            }
        }
        throw new IllegalStateException("no padding brings " + unpadded + " bytes to " + size);
    }

    private static byte[] associatedData(byte[] ephemeral, PeerId hop2) {
        byte[] data = new byte[ephemeral.length + 32];
        System.arraycopy(ephemeral, 0, data, 0, ephemeral.length);
        System.arraycopy(hop2.publicKey(), 0, data, ephemeral.length, 32);
        return data;
    }

    private static byte[] key(byte[] shared, byte[] purpose, byte[] associated) {
        byte[] info = new byte[purpose.length + associated.length];
        System.arraycopy(purpose, 0, info, 0, purpose.length);
        System.arraycopy(associated, 0, info, purpose.length, associated.length);
        return Hkdf.derive(shared, SALT, info, Aead.KEY_SIZE);
    }
}
