package org.parley.link.tls;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
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
import org.bouncycastle.asn1.ASN1Integer;
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
 * {@code "parley-tls-binding-v2:" || notBefore || notAfter || SubjectPublicKeyInfo} (after the
 * construction of libp2p's TLS handshake, with a validity period added). The TLS handshake proves
 * possession of the certificate key; the extension proves the identity key vouches for it, for a
 * time; together they prove the peer ID. No certificate authority takes part.
 *
 * <p>The validity period is signed because the certificate's own dates are not: whoever learns a
 * certificate key could otherwise issue itself a fresh certificate for that key, copy the binding,
 * and pass as the peer for ever. The first version of the binding had no period and is refused
 * (links to nodes that still send it fail; see decision record 0023).
 */
public final class CertificateBinding {
    /** Where the binding lives in the certificate. */
    static final ASN1ObjectIdentifier EXTENSION = new ASN1ObjectIdentifier(
            "2.25.176207269862395919061032635608693901607");
    private static final byte[] DOMAIN = "parley-tls-binding-v2:".getBytes(StandardCharsets.US_ASCII);
    /** Generous validity, so that a peer's badly set clock never stands in the way of a link. */
    private static final Duration BACKDATE = Duration.ofDays(1);
    private static final Duration VALIDITY = Duration.ofDays(365);
    /** The longest period a binding may claim; a longer one is as good as none. */
    static final Duration MAX_BINDING_PERIOD = BACKDATE.plus(VALIDITY);

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
        Instant now = Instant.now();
        return issue(identity, keyPair, signedKeyInfo, now.minus(BACKDATE), now.plus(VALIDITY));
    }

    /**
     * As {@link #issue(Identity, KeyPair, byte[])} with the binding valid from {@code notBefore} to
     * {@code notAfter}; the certificate's own dates are always current, as a forger's would be.
     */
    static Credentials issue(Identity identity, KeyPair keyPair, byte[] signedKeyInfo, Instant notBefore,
                             Instant notAfter) {
        long from = notBefore.getEpochSecond();
        long until = notAfter.getEpochSecond();
        byte[] signature = identity.sign(statement(signedKeyInfo, from, until));
        return certificate(keyPair, new DERSequence(new ASN1Encodable[] {
                new DEROctetString(identity.peerId().publicKey()), new DEROctetString(signature),
                new ASN1Integer(from), new ASN1Integer(until)}));
    }

    /** A self-signed certificate for {@code keyPair}, valid now, carrying {@code binding}. */
    static Credentials certificate(KeyPair keyPair, ASN1Encodable binding) {
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
        return verify(certificate, Instant.now());
    }

    /** As {@link #verify(X509Certificate)}, at {@code now}. */
    static PeerId verify(X509Certificate certificate, Instant now) throws CertificateException {
        try {
            certificate.checkValidity(Date.from(now));
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
        long notBefore;
        long notAfter;
        try {
            ASN1Primitive value = ASN1Primitive.fromByteArray(ASN1OctetString.getInstance(extension).getOctets());
            ASN1Sequence sequence = ASN1Sequence.getInstance(value);
            if (sequence.size() == 2) {
                throw new CertificateException("identity binding of the first version, without a validity period "
                        + "(the peer runs an older Parley)");
            }
            if (sequence.size() != 4) {
                throw new CertificateException("identity binding has " + sequence.size() + " fields, not 4");
            }
            identityKey = ASN1OctetString.getInstance(sequence.getObjectAt(0)).getOctets();
            signature = ASN1OctetString.getInstance(sequence.getObjectAt(1)).getOctets();
            notBefore = ASN1Integer.getInstance(sequence.getObjectAt(2)).longValueExact();
            notAfter = ASN1Integer.getInstance(sequence.getObjectAt(3)).longValueExact();
        } catch (IOException | RuntimeException e) {
            throw new CertificateException("identity binding is malformed", e);
        }
        if (identityKey.length != Ed25519.PUBLIC_KEY_SIZE || signature.length != Ed25519.SIGNATURE_SIZE) {
            throw new CertificateException("identity binding has a key or signature of the wrong size");
        }
        PeerId peer = PeerId.fromPublicKey(identityKey);
        if (!peer.verify(statement(certificate.getPublicKey().getEncoded(), notBefore, notAfter), signature)) {
            throw new CertificateException("identity binding signature is invalid");
        }
        if (notAfter < notBefore || notAfter - notBefore > MAX_BINDING_PERIOD.getSeconds()) {
            throw new CertificateException("identity binding claims a validity period longer than "
                    + MAX_BINDING_PERIOD.toDays() + " days");
        }
        long nowSeconds = now.getEpochSecond();
        if (nowSeconds < notBefore) {
            throw new CertificateException("identity binding is not valid yet (from " + Instant.ofEpochSecond(notBefore) + ")");
        }
        if (nowSeconds > notAfter) {
            throw new CertificateException("identity binding expired at " + Instant.ofEpochSecond(notAfter));
        }
        return peer;
    }

    /** What the identity key signs: the domain, the validity period in epoch seconds, the key info. */
    static byte[] statement(byte[] subjectPublicKeyInfo, long notBefore, long notAfter) {
        return ByteBuffer.allocate(DOMAIN.length + 2 * Long.BYTES + subjectPublicKeyInfo.length)
                .put(DOMAIN)
                .putLong(notBefore)
                .putLong(notAfter)
                .put(subjectPublicKeyInfo)
                .array();
    }
}
