package org.parley.groups;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.TreeMap;
import org.parley.crypto.Aead;
import org.parley.crypto.Ed25519;
import org.parley.crypto.ratchet.DoubleRatchet;
import org.parley.identity.PeerId;
import org.parley.link.Misbehaviour;
import org.parley.proto.store.v1.SenderKeyState;

/**
 * One member's sender key in one group: a symmetric chain that ratchets forward with every post
 * (so holding the chain at step n opens posts n and later, never earlier ones) and an Ed25519
 * key that signs the posts and names the key on the wire. Our own keys also hold the signing
 * seed. A failed decryption changes nothing: the chain moves only when a post opens.
 */
public final class SenderKey {
    /** Most message keys derived ahead of the chain for posts that have not arrived yet. */
    public static final int MAX_SKIP = 2000;
    /** How many of our own recent steps are kept to hand to a member we learned of late. */
    public static final int RECENT_STEPS = 256;
    /** How far back a member we learned of late may read: a bound on what a backdated add exposes. */
    public static final long RECALL_MILLIS = 10 * 60 * 1000;
    private static final byte[] OWNERSHIP_CONTEXT =
            "parley-sender-key-grant-v1:".getBytes(StandardCharsets.US_ASCII);

    /** A point of the chain: the step the next post takes and the chain key that derives it. */
    public record Step(int iteration, byte[] chainKey) {
    }

    /** A step of our own chain as it was before a post, and when that post was made. */
    private record PastStep(int iteration, byte[] chainKey, long atMillis) {
    }

    private final byte[] keyId;
    private final byte[] signingSeed;
    /** Our own key, ready to sign: its public half is derived once, not at every post. */
    private final Ed25519.SigningKey signingKey;
    private int iteration;
    private byte[] chainKey;
    private final TreeMap<Integer, byte[]> skipped;
    private Integer retiredAt;
    /**
     * Our own steps before each recent post, oldest first; in memory only, so after a restart a
     * member learned of late gets the current step.
     */
    private final ArrayDeque<PastStep> recentSteps = new ArrayDeque<>();

    private SenderKey(byte[] keyId, byte[] signingSeed, int iteration, byte[] chainKey, TreeMap<Integer, byte[]> skipped,
                      Integer retiredAt) {
        this.keyId = keyId;
        this.signingSeed = signingSeed;
        this.signingKey = signingSeed == null ? null : new Ed25519.SigningKey(signingSeed);
        this.iteration = iteration;
        this.chainKey = chainKey;
        this.skipped = skipped;
        this.retiredAt = retiredAt;
    }

    /** A fresh key of ours. */
    public static SenderKey generate(SecureRandom random) {
        byte[] seed = Ed25519.generateSeed(random);
        byte[] chain = new byte[32];
        random.nextBytes(chain);
        return new SenderKey(Ed25519.publicKey(seed), seed, 0, chain, new TreeMap<>(), null);
    }

    /** Another member's key as handed to us, at the step it was handed out. */
    public static SenderKey received(byte[] keyId, int iteration, byte[] chainKey) throws GroupException {
        if (keyId.length != Ed25519.PUBLIC_KEY_SIZE || chainKey.length != 32 || iteration < 0) {
            throw new GroupException(Misbehaviour.MALFORMED, "a sender key grant has a 32-byte key, 32-byte chain "
                    + "and a step of 0 or more");
        }
        return new SenderKey(keyId.clone(), null, iteration, chainKey.clone(), new TreeMap<>(), null);
    }

    /**
     * Proof that {@code owner} owns this key of ours in {@code group}: a signature by the key's
     * signing key, so a member cannot hand another's key out as its own.
     */
    public byte[] ownership(GroupId group, PeerId owner) {
        if (signingSeed == null) {
            throw new IllegalStateException("only our own keys prove ownership");
        }
        return signingKey.sign(ownershipStatement(group, owner, keyId));
    }

    /** Whether {@code signature} proves that {@code owner} owns the key {@code keyId} in {@code group}. */
    public static boolean ownedBy(byte[] keyId, GroupId group, PeerId owner, byte[] signature) {
        return keyId.length == Ed25519.PUBLIC_KEY_SIZE && signature.length == Ed25519.SIGNATURE_SIZE
                && Ed25519.verify(keyId, ownershipStatement(group, owner, keyId), signature);
    }

    private static byte[] ownershipStatement(GroupId group, PeerId owner, byte[] keyId) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(OWNERSHIP_CONTEXT);
        out.writeBytes(group.bytes());
        out.writeBytes(owner.publicKey());
        out.writeBytes(keyId);
        return out.toByteArray();
    }

    public byte[] keyId() {
        return keyId.clone();
    }

    public boolean isOwn() {
        return signingSeed != null;
    }

    /** The next step: posts so far under this key (ours), or the next step we expect (theirs). */
    public int iteration() {
        return iteration;
    }

    public byte[] chainKey() {
        return chainKey.clone();
    }

    /**
     * The step to hand to a member added at {@code addedAtMillis} that we learned of only now: the
     * one our first post since then took, so it reads what we posted after it was added (within
     * the last {@link #RECENT_STEPS} posts and {@link #RECALL_MILLIS}); else the current step.
     */
    public Step stepSince(long addedAtMillis, long nowMillis) {
        long since = Math.max(addedAtMillis, nowMillis - RECALL_MILLIS);
        for (PastStep past : recentSteps) {
            if (past.atMillis() >= since) {
                return new Step(past.iteration(), past.chainKey().clone());
            }
        }
        return new Step(iteration, chainKey.clone());
    }

    /** Marks the key replaced: posts from {@code posts} on are stale. */
    public void retire(int posts) {
        retiredAt = retiredAt == null ? posts : Math.min(retiredAt, posts);
    }

    public boolean isStale(int postIteration) {
        return retiredAt != null && postIteration >= retiredAt;
    }

    /** Encrypts and signs our next post, made at {@code atMillis}; the chain moves one step. */
    public GroupPost seal(byte[] plaintext, byte[] associatedData, long atMillis, SecureRandom random) {
        if (signingSeed == null) {
            throw new IllegalStateException("only our own keys seal");
        }
        recentSteps.addLast(new PastStep(iteration, chainKey, atMillis));
        while (recentSteps.size() > RECENT_STEPS || recentSteps.getFirst().atMillis() < atMillis - RECALL_MILLIS) {
            recentSteps.removeFirst();
        }
        byte[][] step = DoubleRatchet.kdfChain(chainKey);
        int used = iteration;
        chainKey = step[0];
        iteration++;
        byte[] ciphertext = Aead.seal(step[1], plaintext, withStep(associatedData, used), random);
        return GroupPost.sign(signingKey, keyId, used, ciphertext);
    }

    /**
     * Opens a post under this key. Nothing changes when it fails.
     *
     * @throws GroupException when the step was used already, lies before the key reached us, is too
     *     far ahead, or the ciphertext does not open
     */
    public byte[] open(GroupPost post, byte[] associatedData) throws GroupException {
        int step = post.iteration();
        byte[] messageKey;
        byte[] nextChain = chainKey;
        int nextIteration = iteration;
        TreeMap<Integer, byte[]> newSkips = new TreeMap<>();
        if (step < iteration) {
            messageKey = skipped.get(step);
            if (messageKey == null) {
                throw new GroupException(Misbehaviour.BEFORE_KEY, "post step " + step
                        + " used already or before the key reached us");
            }
        } else {
            if (step - iteration > MAX_SKIP) {
                throw new GroupException(Misbehaviour.UNDECRYPTABLE, "post step too far ahead");
            }
            while (nextIteration < step) {
                byte[][] chainStep = DoubleRatchet.kdfChain(nextChain);
                newSkips.put(nextIteration, chainStep[1]);
                nextChain = chainStep[0];
                nextIteration++;
            }
            byte[][] chainStep = DoubleRatchet.kdfChain(nextChain);
            messageKey = chainStep[1];
            nextChain = chainStep[0];
            nextIteration++;
        }
        byte[] plaintext;
        try {
            plaintext = Aead.open(messageKey, post.ciphertext(), withStep(associatedData, step));
        } catch (Aead.AeadException e) {
            throw new GroupException(Misbehaviour.UNDECRYPTABLE, "post does not decrypt");
        }
        if (step < iteration) {
            skipped.remove(step);
        } else {
            skipped.putAll(newSkips);
            chainKey = nextChain;
            iteration = nextIteration;
            while (skipped.size() > MAX_SKIP) {
                skipped.pollFirstEntry();
            }
        }
        return plaintext;
    }

    private static byte[] withStep(byte[] associatedData, int step) {
        return ByteBuffer.allocate(associatedData.length + 4).put(associatedData).putInt(step).array();
    }

    public byte[] toBytes() {
        SenderKeyState.Builder state = SenderKeyState.newBuilder()
                .setKeyId(ByteString.copyFrom(keyId))
                .setIteration(iteration)
                .setChainKey(ByteString.copyFrom(chainKey));
        skipped.forEach((step, key) -> state.putSkipped(step, ByteString.copyFrom(key)));
        if (signingSeed != null) {
            state.setSigningSeed(ByteString.copyFrom(signingSeed));
        }
        if (retiredAt != null) {
            state.setRetiredAt(retiredAt);
        }
        return state.build().toByteArray();
    }

    public static SenderKey fromBytes(byte[] bytes) throws InvalidProtocolBufferException {
        SenderKeyState state = SenderKeyState.parseFrom(bytes);
        TreeMap<Integer, byte[]> skipped = new TreeMap<>();
        for (Map.Entry<Integer, ByteString> entry : state.getSkippedMap().entrySet()) {
            skipped.put(entry.getKey(), entry.getValue().toByteArray());
        }
        return new SenderKey(state.getKeyId().toByteArray(),
                state.getSigningSeed().isEmpty() ? null : state.getSigningSeed().toByteArray(), state.getIteration(),
                state.getChainKey().toByteArray(), skipped, state.hasRetiredAt() ? state.getRetiredAt() : null);
    }
}
