package org.parley.crypto.ratchet;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.parley.crypto.Aead;
import org.parley.crypto.Hkdf;
import org.parley.crypto.X25519;
import org.parley.proto.store.v1.RatchetState;
import org.parley.proto.store.v1.SkippedKey;

/**
 * The Double Ratchet (Signal's specification): a symmetric-key ratchet per message for forward
 * secrecy, and a Diffie-Hellman ratchet per round trip for post-compromise security. Keys of
 * skipped messages are kept, within bounds, so late and reordered messages still open. A message
 * that fails to open leaves the state exactly as it was. Not thread-safe.
 */
public final class DoubleRatchet {
    private static final ThreadLocal<Mac> MACS = ThreadLocal.withInitial(DoubleRatchet::newMac);
    /** The most messages one incoming message may skip ahead in a chain. */
    public static final int MAX_SKIP = 1000;
    /** The most skipped-message keys kept in all; the oldest go first. */
    public static final int MAX_SKIPPED_KEYS = 2000;
    private static final byte[] ROOT_INFO = "parley-ratchet-root-v1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MESSAGE_KEY_SEED = {0x01};
    private static final byte[] CHAIN_KEY_SEED = {0x02};

    private final byte[] associatedData;
    private final SecureRandom random;
    private byte[] rootKey;
    private byte[] sendingChainKey;
    private byte[] receivingChainKey;
    private byte[] ownRatchetPrivate;
    /** Derived from {@link #ownRatchetPrivate}, kept because every header carries it. */
    private byte[] ownRatchetPublic;
    private byte[] remoteRatchetKey;
    private int sendingNumber;
    private int receivingNumber;
    private int previousSendingLength;
    private final LinkedHashMap<SkippedId, byte[]> skipped = new LinkedHashMap<>();

    private DoubleRatchet(byte[] associatedData, SecureRandom random) {
        this.associatedData = associatedData.clone();
        this.random = random;
    }

    /** The session's first sender, who knows the responder's ratchet (signed pre-) key. */
    public static DoubleRatchet initiator(byte[] sharedKey, byte[] responderRatchetKey, byte[] associatedData,
                                          SecureRandom random) {
        DoubleRatchet ratchet = new DoubleRatchet(associatedData, random);
        ratchet.setOwnRatchetKey(X25519.generatePrivateKey(random));
        ratchet.remoteRatchetKey = responderRatchetKey.clone();
        byte[][] keys = kdfRoot(sharedKey, X25519.agree(ratchet.ownRatchetPrivate, responderRatchetKey));
        ratchet.rootKey = keys[0];
        ratchet.sendingChainKey = keys[1];
        return ratchet;
    }

    /** The responder, whose first ratchet key pair is the signed prekey the initiator used. */
    public static DoubleRatchet responder(byte[] sharedKey, byte[] ownRatchetPrivate, byte[] associatedData,
                                          SecureRandom random) {
        DoubleRatchet ratchet = new DoubleRatchet(associatedData, random);
        ratchet.rootKey = sharedKey.clone();
        ratchet.setOwnRatchetKey(ownRatchetPrivate.clone());
        return ratchet;
    }

    /** Whether this side can send yet (a responder must hear from the initiator first). */
    public boolean canSend() {
        return sendingChainKey != null;
    }

    /** A sealed message: the header to send in the clear and the ciphertext. */
    public record Sealed(RatchetHeader header, byte[] ciphertext) {
    }

    public Sealed encrypt(byte[] plaintext) {
        if (!canSend()) {
            throw new IllegalStateException("the responder cannot send before the initiator's first message");
        }
        byte[][] step = kdfChain(sendingChainKey);
        sendingChainKey = step[0];
        RatchetHeader header = new RatchetHeader(ownRatchetPublic, previousSendingLength,
                sendingNumber++);
        return new Sealed(header, Aead.seal(step[1], plaintext, adWith(header), random));
    }

    /**
     * Opens a message. On any failure the state is unchanged, so a forged or replayed message
     * cannot disturb the session.
     */
    public byte[] decrypt(RatchetHeader header, byte[] ciphertext) throws RatchetException {
        if (header.ratchetKey() == null || header.ratchetKey().length != X25519.KEY_SIZE
                || header.messageNumber() < 0 || header.previousChainLength() < 0) {
            throw new RatchetException("malformed ratchet header");
        }
        SkippedId id = new SkippedId(header.ratchetKey(), header.messageNumber());
        byte[] skippedKey = skipped.get(id);
        if (skippedKey != null) {
            byte[] plaintext = open(skippedKey, header, ciphertext);
            skipped.remove(id);
            return plaintext;
        }
        DoubleRatchet trial = copy();
        byte[] plaintext;
        try {
            plaintext = trial.decryptInOrder(header, ciphertext);
        } catch (IllegalArgumentException e) {
            throw new RatchetException("unusable ratchet key: " + e.getMessage());
        }
        adopt(trial);
        return plaintext;
    }

    private byte[] decryptInOrder(RatchetHeader header, byte[] ciphertext) throws RatchetException {
        if (!Arrays.equals(header.ratchetKey(), remoteRatchetKey)) {
            skipUntil(header.previousChainLength());
            stepDiffieHellman(header.ratchetKey());
        }
        skipUntil(header.messageNumber());
        if (receivingChainKey == null) {
            throw new RatchetException("no receiving chain for this message");
        }
        byte[][] step = kdfChain(receivingChainKey);
        receivingChainKey = step[0];
        receivingNumber++;
        return open(step[1], header, ciphertext);
    }

    private void skipUntil(int until) throws RatchetException {
        if (receivingChainKey == null) {
            return;
        }
        if (until < receivingNumber) {
            throw new RatchetException("message number " + until + " was already used (replay?)");
        }
        if (until - receivingNumber > MAX_SKIP) {
            throw new RatchetException("message skips " + (until - receivingNumber) + " keys, more than "
                    + MAX_SKIP);
        }
        while (receivingNumber < until) {
            byte[][] step = kdfChain(receivingChainKey);
            receivingChainKey = step[0];
            skipped.put(new SkippedId(remoteRatchetKey, receivingNumber), step[1]);
            receivingNumber++;
            while (skipped.size() > MAX_SKIPPED_KEYS) {
                skipped.remove(skipped.keySet().iterator().next());
            }
        }
    }

    private void stepDiffieHellman(byte[] newRemoteKey) {
        previousSendingLength = sendingNumber;
        sendingNumber = 0;
        receivingNumber = 0;
        remoteRatchetKey = newRemoteKey.clone();
        byte[][] receiving = kdfRoot(rootKey, X25519.agree(ownRatchetPrivate, remoteRatchetKey));
        rootKey = receiving[0];
        receivingChainKey = receiving[1];
        setOwnRatchetKey(X25519.generatePrivateKey(random));
        byte[][] sending = kdfRoot(rootKey, X25519.agree(ownRatchetPrivate, remoteRatchetKey));
        rootKey = sending[0];
        sendingChainKey = sending[1];
    }

    private byte[] open(byte[] messageKey, RatchetHeader header, byte[] ciphertext) throws RatchetException {
        try {
            return Aead.open(messageKey, ciphertext, adWith(header));
        } catch (Aead.AeadException e) {
            throw new RatchetException("message does not decrypt (forged or damaged)");
        }
    }

    private byte[] adWith(RatchetHeader header) {
        byte[] encoded = header.encode();
        byte[] ad = Arrays.copyOf(associatedData, associatedData.length + encoded.length);
        System.arraycopy(encoded, 0, ad, associatedData.length, encoded.length);
        return ad;
    }

    private static byte[][] kdfRoot(byte[] rootKey, byte[] dhOutput) {
        byte[] out = Hkdf.derive(dhOutput, rootKey, ROOT_INFO, 64);
        return new byte[][] {Arrays.copyOfRange(out, 0, 32), Arrays.copyOfRange(out, 32, 64)};
    }

    /**
     * One step of a symmetric-key chain: the next chain key and this step's message key. Group
     * sender keys ratchet with the same step.
     */
    public static byte[][] kdfChain(byte[] chainKey) {
        return new byte[][] {hmac(chainKey, CHAIN_KEY_SEED), hmac(chainKey, MESSAGE_KEY_SEED)};
    }

    /**
     * HMAC-SHA256 on a MAC object of this thread's: looking one up in the providers (two per chain
     * step) cost more than the step's hashing, and every init replaces the previous key.
     */
    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = MACS.get();
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA256 unavailable", e);
        }
    }

    private static Mac newMac() {
        try {
            return Mac.getInstance("HmacSHA256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("HMAC-SHA256 unavailable", e);
        }
    }

    private DoubleRatchet copy() {
        DoubleRatchet copy = new DoubleRatchet(associatedData, random);
        copy.adopt(this);
        return copy;
    }

    private void adopt(DoubleRatchet other) {
        rootKey = other.rootKey;
        sendingChainKey = other.sendingChainKey;
        receivingChainKey = other.receivingChainKey;
        ownRatchetPrivate = other.ownRatchetPrivate;
        ownRatchetPublic = other.ownRatchetPublic;
        remoteRatchetKey = other.remoteRatchetKey;
        sendingNumber = other.sendingNumber;
        receivingNumber = other.receivingNumber;
        previousSendingLength = other.previousSendingLength;
        if (other != this) {
            skipped.clear();
            skipped.putAll(other.skipped);
        }
    }

    /** Number of skipped-message keys held now. */
    public int skippedKeys() {
        return skipped.size();
    }

    public RatchetState toProto() {
        RatchetState.Builder state = RatchetState.newBuilder()
                .setRootKey(ByteString.copyFrom(rootKey))
                .setOwnRatchetPrivate(ByteString.copyFrom(ownRatchetPrivate))
                .setSendingNumber(sendingNumber)
                .setReceivingNumber(receivingNumber)
                .setPreviousSendingLength(previousSendingLength)
                .setAssociatedData(ByteString.copyFrom(associatedData));
        if (sendingChainKey != null) {
            state.setSendingChainKey(ByteString.copyFrom(sendingChainKey));
        }
        if (receivingChainKey != null) {
            state.setReceivingChainKey(ByteString.copyFrom(receivingChainKey));
        }
        if (remoteRatchetKey != null) {
            state.setRemoteRatchetKey(ByteString.copyFrom(remoteRatchetKey));
        }
        for (Map.Entry<SkippedId, byte[]> entry : skipped.entrySet()) {
            state.addSkipped(SkippedKey.newBuilder()
                    .setRatchetKey(ByteString.copyFrom(entry.getKey().ratchetKey))
                    .setMessageNumber(entry.getKey().messageNumber)
                    .setMessageKey(ByteString.copyFrom(entry.getValue())));
        }
        return state.build();
    }

    private void setOwnRatchetKey(byte[] privateKey) {
        ownRatchetPrivate = privateKey;
        ownRatchetPublic = X25519.publicKey(privateKey);
    }

    public static DoubleRatchet fromProto(RatchetState state, SecureRandom random) {
        DoubleRatchet ratchet = new DoubleRatchet(state.getAssociatedData().toByteArray(), random);
        ratchet.rootKey = state.getRootKey().toByteArray();
        ratchet.setOwnRatchetKey(state.getOwnRatchetPrivate().toByteArray());
        ratchet.sendingChainKey = state.getSendingChainKey().isEmpty() ? null : state.getSendingChainKey().toByteArray();
        ratchet.receivingChainKey = state.getReceivingChainKey().isEmpty() ? null
                : state.getReceivingChainKey().toByteArray();
        ratchet.remoteRatchetKey = state.getRemoteRatchetKey().isEmpty() ? null
                : state.getRemoteRatchetKey().toByteArray();
        ratchet.sendingNumber = state.getSendingNumber();
        ratchet.receivingNumber = state.getReceivingNumber();
        ratchet.previousSendingLength = state.getPreviousSendingLength();
        for (SkippedKey key : state.getSkippedList()) {
            ratchet.skipped.put(new SkippedId(key.getRatchetKey().toByteArray(), key.getMessageNumber()),
                    key.getMessageKey().toByteArray());
        }
        return ratchet;
    }

    /** A skipped message's place: which chain (by its ratchet key) and which number in it. */
    private static final class SkippedId {
        final byte[] ratchetKey;
        final int messageNumber;

        SkippedId(byte[] ratchetKey, int messageNumber) {
            this.ratchetKey = ratchetKey;
            this.messageNumber = messageNumber;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof SkippedId id && id.messageNumber == messageNumber
                    && Arrays.equals(id.ratchetKey, ratchetKey);
        }

        @Override
        public int hashCode() {
            return Objects.hash(Arrays.hashCode(ratchetKey), messageNumber);
        }
    }
}
