package org.parley.bench;

import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.parley.crypto.Aead;
import org.parley.crypto.Ed25519;
import org.parley.crypto.X25519;
import org.parley.crypto.ratchet.DoubleRatchet;
import org.parley.crypto.ratchet.RatchetException;
import org.parley.groups.GroupException;
import org.parley.groups.GroupPost;
import org.parley.groups.SenderKey;
import org.parley.identity.Identity;
import org.parley.messaging.EnvelopeCheck;
import org.parley.messaging.SealedEnvelope;
import org.parley.messaging.Sealing;
import org.parley.messaging.Stamp;
import org.parley.proto.wire.v1.WireEnvelope;
import org.parley.store.ContentCipher;

/**
 * The hot paths of a message, each beside the primitive that bounds it, so that a regression shows
 * as a number: sealing an envelope as the node does (version 2: AES-GCM over the sender and the
 * payload, one Ed25519 signature by the pair key; the pair key, one-time key and stamp are paid
 * once per recipient and day, in the set-up) and checking and opening it as the recipient does
 * (the pair key's signature, AES-GCM, the sender's address derived once), a Double Ratchet step
 * (AES-GCM, plus X25519 when the direction turns), sealing a value at rest, and a group post's
 * seal and intake (signature, chain step, AES-GCM). Run by {@link HotPathsTest}; how to run it in
 * full is in docs/PERFORMANCE.md.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class HotPaths {
    /** A typical chat line with its ratchet header, as an envelope carries it. */
    private static final int PAYLOAD_BYTES = 200;
    private static final long NOW = 1_800_000_000_000L;

    private final SecureRandom random = new SecureRandom();
    private byte[] payload;
    private Identity alice;
    private Identity bob;
    private Sealing aliceSealing;
    private Sealing bobSealing;
    private WireEnvelope sealedEnvelope;
    private Ed25519.SigningKey signingKey;
    private byte[] verifyingKey;
    private byte[] signature;
    private byte[] aeadKey;
    private byte[] aeadBox;
    private ContentCipher contentCipher;
    private byte[] sealedAtRest;
    private DoubleRatchet aliceRatchet;
    private DoubleRatchet bobRatchet;
    private SenderKey ownSenderKey;
    private SenderKey receivedSenderKey;
    private byte[] groupAssociatedData;

    @Setup(Level.Trial)
    public void setUp() {
        payload = new byte[PAYLOAD_BYTES];
        random.nextBytes(payload);
        alice = Identity.generate("alice", random);
        bob = Identity.generate("bob", random);
        aliceSealing = new Sealing(alice, Stamp.DEFAULT_BITS, random);
        bobSealing = new Sealing(bob, Stamp.DEFAULT_BITS, random);
        sealedEnvelope = envelopeSeal();
        if (bobSealing.check(sealedEnvelope, NOW).refused().isPresent()) {
            throw new IllegalStateException("an envelope alice sealed to bob opens");
        }
        byte[] signingSeed = Ed25519.generateSeed(random);
        signingKey = new Ed25519.SigningKey(signingSeed);
        verifyingKey = Ed25519.publicKey(signingSeed);
        signature = signingKey.sign(payload);
        aeadKey = new byte[Aead.KEY_SIZE];
        random.nextBytes(aeadKey);
        aeadBox = Aead.seal(aeadKey, payload, new byte[0], random);
        byte[] contentKey = new byte[32];
        random.nextBytes(contentKey);
        contentCipher = new ContentCipher(contentKey, random);
        sealedAtRest = contentCipher.seal(payload, "message:bench");
        byte[] sharedKey = new byte[32];
        random.nextBytes(sharedKey);
        byte[] bobPrekey = X25519.generatePrivateKey(random);
        byte[] associatedData = "bench".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        aliceRatchet = DoubleRatchet.initiator(sharedKey, X25519.publicKey(bobPrekey), associatedData, random);
        bobRatchet = DoubleRatchet.responder(sharedKey, bobPrekey, associatedData, random);
        ownSenderKey = SenderKey.generate(random);
        groupAssociatedData = new byte[32];
        random.nextBytes(groupAssociatedData);
        try {
            receivedSenderKey = SenderKey.received(ownSenderKey.keyId(), ownSenderKey.iteration(),
                    ownSenderKey.chainKey());
        } catch (GroupException e) {
            throw new IllegalStateException(e);
        }
    }

    // Bounds: the primitives alone (a signing key prepared once, as an identity keeps it).

    @Benchmark
    public byte[] ed25519Sign() {
        return signingKey.sign(payload);
    }

    @Benchmark
    public boolean ed25519Verify() {
        return Ed25519.verify(verifyingKey, payload, signature);
    }

    @Benchmark
    public byte[] aesGcmSeal() {
        return Aead.seal(aeadKey, payload, new byte[0], random);
    }

    @Benchmark
    public byte[] aesGcmOpen() throws Aead.AeadException {
        return Aead.open(aeadKey, aeadBox, new byte[0]);
    }

    // Parley's paths.

    /** A message sealed to a peer as the node sends it: envelope version 2. */
    @Benchmark
    public WireEnvelope envelopeSeal() {
        return aliceSealing.seal(bob.peerId(), NOW, NOW + 60_000, payload, SealedEnvelope.VERSION);
    }

    /** An envelope taken in as the recipient's verifier does: checked, opened, its sender bound to its address. */
    @Benchmark
    public EnvelopeCheck envelopeCheckAndOpen() {
        return bobSealing.check(sealedEnvelope, NOW);
    }

    @Benchmark
    public byte[] sealAtRest() {
        return contentCipher.seal(payload, "message:bench");
    }

    @Benchmark
    public byte[] openAtRest() {
        return contentCipher.open(sealedAtRest, "message:bench");
    }

    /** One message one way: a symmetric chain step on each side. */
    @Benchmark
    public byte[] ratchetSameDirection() throws RatchetException {
        DoubleRatchet.Sealed sealed = aliceRatchet.encrypt(payload);
        return bobRatchet.decrypt(sealed.header(), sealed.ciphertext());
    }

    /** A message and its answer: the direction turns twice, each turn an X25519 ratchet step. */
    @Benchmark
    public byte[] ratchetTurnaround() throws RatchetException {
        DoubleRatchet.Sealed there = aliceRatchet.encrypt(payload);
        bobRatchet.decrypt(there.header(), there.ciphertext());
        DoubleRatchet.Sealed back = bobRatchet.encrypt(payload);
        return aliceRatchet.decrypt(back.header(), back.ciphertext());
    }

    /** A post sealed by its author and taken in by one member: parse, signature, chain step, open. */
    @Benchmark
    public byte[] groupPostSealAndIntake() throws GroupException {
        GroupPost sent = ownSenderKey.seal(payload, groupAssociatedData, NOW, random);
        GroupPost received = GroupPost.parse(sent.toBytes());
        if (!received.signatureValid()) {
            throw new IllegalStateException("a post signed by its own key verifies");
        }
        return receivedSenderKey.open(received, groupAssociatedData);
    }
}
