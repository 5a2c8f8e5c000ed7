package org.parley.link.tls;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.parley.crypto.Ed25519;
import org.parley.identity.Identity;
import org.parley.identity.PeerId;

/**
 * Ties a TLS certificate to a Parley identity. Each node start makes a throwaway P-256 key and a
 * self-signed certificate carrying a non-critical extension in which the identity key signs
 * {@code "parley-tls-binding-v1:" || SubjectPublicKeyInfo} (the construction of libp2p's TLS
 * handshake). The TLS handshake proves possession of the certificate key; the extension proves the
 * identity key vouches for it; together they prove the peer ID. No certificate authority takes part.
 */
public final class CertificateBinding {
    /** Where the binding lives in the certificate. */
    static final ASN1ObjectIdentifier EXTENSION = new ASN1ObjectIdentifier(
            "2.25.176207269862395919061032635608693901607");
    private static final byte[] DOMAIN = "parley-tls-binding-v1:".getBytes(StandardCharsets.US_ASCII);
    /** Generous validity, so that a peer's badly set clock never stands in the way of a link. */
    private static final Duration BACKDATE = Duration.ofDays(1);
    private static final Duration VALIDITY = Duration.ofDays(365);

    /** A certificate and its private key, ready for a TLS context. */
    record Credentials(PrivateKey privateKey, X509Certificate certificate) {
    }

    private CertificateBinding() {
    }

    /** Fresh credentials for this run of the node, bound to {@code identity}. */
    static Credentials create(Identity identity) {
        KeyPair keyPair = newCertificateKey();
        return issue(identity, keyPair, keyPair.getPublic().getEncoded());
    }

    /**
     * A certificate for {@code keyPair} whose binding signs {@code signedKeyInfo}. Anything but the
     * certificate's own key info makes an invalid binding, which tests use to play a forger.
     */
    static Credentials issue(Identity identity, KeyPair keyPair, byte[] signedKeyInfo) {
        byte[] signature = identity.sign(statement(signedKeyInfo));
        DERSequence binding = new DERSequence(new ASN1Encodable[] {
                new DEROctetString(identity.peerId().publicKey()), new DEROctetString(signature)});
        Instant now = Instant.now();
        X500Name subject = new X500Name("CN=parley");
        try {
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
                    new BigInteger(128, new SecureRandom()), Date.from(now.minus(BACKDATE)),
                    Date.from(now.plus(VALIDITY)), subject, keyPair.getPublic());
            builder.addExtension(EXTENSION, false, binding);
            X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keyPair.getPrivate())));
            return new Credentials(keyPair.getPrivate(), certificate);
        } catch (IOException | OperatorCreationException | CertificateException e) {
            throw new IllegalStateException("cannot issue the node's TLS certificate", e);
        }
    }

    static KeyPair newCertificateKey() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java has P-256", e);
        }
    }

    /**
     * The peer ID a certificate proves, after checking its self-signature, validity period and
     * binding.
     *
     * @throws CertificateException with the reason, for any certificate that proves nothing
     */
    public static PeerId verify(X509Certificate certificate) throws CertificateException {
        try {
            certificate.checkValidity();
            certificate.verify(certificate.getPublicKey());
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new CertificateException("certificate is not validly self-signed: " + e.getMessage(), e);
        }
        byte[] extension = certificate.getExtensionValue(EXTENSION.getId());
        if (extension == null) {
            throw new CertificateException("certificate carries no Parley identity binding");
        }
        byte[] identityKey;
        byte[] signature;
        try {
            ASN1Primitive value = ASN1Primitive.fromByteArray(ASN1OctetString.getInstance(extension).getOctets());
            ASN1Sequence sequence = ASN1Sequence.getInstance(value);
            if (sequence.size() != 2) {
                throw new CertificateException("identity binding has " + sequence.size() + " fields, not 2");
            }
            identityKey = ASN1OctetString.getInstance(sequence.getObjectAt(0)).getOctets();
            signature = ASN1OctetString.getInstance(sequence.getObjectAt(1)).getOctets();
        } catch (IOException | RuntimeException e) {
            throw new CertificateException("identity binding is malformed", e);
        }
        if (identityKey.length != Ed25519.PUBLIC_KEY_SIZE || signature.length != Ed25519.SIGNATURE_SIZE) {
            throw new CertificateException("identity binding has a key or signature of the wrong size");
        }
        PeerId peer = PeerId.fromPublicKey(identityKey);
        if (!peer.verify(statement(certificate.getPublicKey().getEncoded()), signature)) {
            throw new CertificateException("identity binding signature is invalid");
        }
        return peer;
    }

    private static byte[] statement(byte[] subjectPublicKeyInfo) {
        byte[] statement = new byte[DOMAIN.length + subjectPublicKeyInfo.length];
        System.arraycopy(DOMAIN, 0, statement, 0, DOMAIN.length);
        System.arraycopy(subjectPublicKeyInfo, 0, statement, DOMAIN.length, subjectPublicKeyInfo.length);
        return statement;
    }
}
