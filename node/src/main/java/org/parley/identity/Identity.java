package org.parley.identity;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.parley.crypto.Ed25519;
import org.parley.crypto.X25519;

/**
 * A person's private identity: the Ed25519 identity key, the X25519 agreement key it has signed,
 * and the display name. Lives in memory only; on disk it is inside the sealed {@link Keystore}.
 */
public final class Identity {
    /** Domain separator for the identity key's signature over the agreement key. */
    private static final byte[] AGREEMENT_KEY_DOMAIN =
            "parley/v1/agreement-key:".getBytes(StandardCharsets.US_ASCII);

    private final String name;
    private final byte[] identitySeed;
    private final Ed25519.SigningKey signingKey;
    private final byte[] agreementPrivateKey;
    private final byte[] agreementSignature;
    private final PeerId peerId;

    private Identity(String name, byte[] identitySeed, byte[] agreementPrivateKey, byte[] agreementSignature) {
        this.name = name;
        this.identitySeed = identitySeed.clone();
        this.signingKey = new Ed25519.SigningKey(this.identitySeed);
        this.agreementPrivateKey = agreementPrivateKey.clone();
        this.agreementSignature = agreementSignature.clone();
        this.peerId = PeerId.fromPublicKey(Ed25519.publicKey(identitySeed));
    }

    /** A brand-new identity. */
    public static Identity generate(String name, SecureRandom random) {
        return withSeed(name, Ed25519.generateSeed(random), random);
    }

    /**
     * A new identity whose identity key comes from {@code seed} (one chosen for its peer ID, as
     * the simulator's attackers grind theirs), with a fresh agreement key from {@code random}.
     */
    public static Identity withSeed(String name, byte[] seed, SecureRandom random) {
        byte[] agreementPrivate = X25519.generatePrivateKey(random);
        byte[] signature = Ed25519.sign(seed, agreementKeyStatement(X25519.publicKey(agreementPrivate)));
        return new Identity(name, seed, agreementPrivate, signature);
    }

    /**
     * Rebuilds an identity from its stored parts, checking that they belong together.
     *
     * @throws IllegalArgumentException when a part has the wrong size or the agreement key's
     *     signature does not verify under the identity key
     */
    public static Identity restore(String name, byte[] identitySeed, byte[] agreementPrivateKey,
                                   byte[] agreementSignature) {
        Identity identity = new Identity(name, identitySeed, agreementPrivateKey, agreementSignature);
        if (!verifyAgreementKey(identity.peerId, identity.agreementPublicKey(), agreementSignature)) {
            throw new IllegalArgumentException("agreement key is not signed by the identity key");
        }
        return identity;
    }

    /** Whether {@code signature} is {@code owner}'s endorsement of {@code agreementPublicKey}. */
    public static boolean verifyAgreementKey(PeerId owner, byte[] agreementPublicKey, byte[] signature) {
        return owner.verify(agreementKeyStatement(agreementPublicKey), signature);
    }

    private static byte[] agreementKeyStatement(byte[] agreementPublicKey) {
        byte[] statement = new byte[AGREEMENT_KEY_DOMAIN.length + agreementPublicKey.length];
        System.arraycopy(AGREEMENT_KEY_DOMAIN, 0, statement, 0, AGREEMENT_KEY_DOMAIN.length);
        System.arraycopy(agreementPublicKey, 0, statement, AGREEMENT_KEY_DOMAIN.length, agreementPublicKey.length);
        return statement;
    }

    public String name() {
        return name;
    }

    public PeerId peerId() {
        return peerId;
    }

    /** Signs with the identity key. Callers prefix {@code message} with their own domain string. */
    public byte[] sign(byte[] message) {
        return signingKey.sign(message);
    }

    public byte[] agreementPublicKey() {
        return X25519.publicKey(agreementPrivateKey);
    }

    public byte[] agreementSignature() {
        return agreementSignature.clone();
    }

    /** X25519 with this identity's agreement key. */
    public byte[] agree(byte[] peerAgreementPublicKey) {
        return X25519.agree(agreementPrivateKey, peerAgreementPublicKey);
    }

    /**
     * X25519 of the identity key's scalar with {@code peerPublicKey}: what a sealed envelope to this
     * identity is opened with (the sender agreed with our peer ID's Montgomery form). Joint use of
     * the identity scalar for signing and agreement, as XEdDSA and libsodium do, so that a peer ID
     * alone is enough to seal to its owner.
     */
    public byte[] agreeAsIdentity(byte[] peerPublicKey) {
        return X25519.agree(X25519.fromEd25519Seed(identitySeed), peerPublicKey);
    }

    /**
     * The static secret this identity shares with {@code other}: both compute it from their own
     * identity key and the other's peer ID, and nobody else can.
     */
    public byte[] pairSecret(PeerId other) {
        return agreeAsIdentity(X25519.fromEd25519PublicKey(other.publicKey()));
    }

    /** The identity seed, for sealing into the keystore only. */
    byte[] identitySeed() {
        return identitySeed.clone();
    }

    byte[] agreementPrivateKey() {
        return agreementPrivateKey.clone();
    }

    @Override
    public String toString() {
        return "Identity[" + name + ", " + peerId + "]";
    }
}
