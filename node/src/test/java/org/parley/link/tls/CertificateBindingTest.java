package org.parley.link.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.parley.identity.Identity;

/** Certificates that must prove an identity, and the many ways a hostile one proves none. */
class CertificateBindingTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final Identity identity = Identity.generate("alice", RANDOM);

    @Test
    void aFreshCertificateProvesItsIdentity() throws Exception {
        assertEquals(identity.peerId(), CertificateBinding.verify(CertificateBinding.create(identity).certificate()));
    }

    @Test
    void aBindingOverAnotherKeyIsRefused() {
        KeyPair key = CertificateBinding.newCertificateKey();
        byte[] other = CertificateBinding.newCertificateKey().getPublic().getEncoded();
        X509Certificate forged = CertificateBinding.issue(identity, key, other).certificate();
        CertificateException refused = assertThrows(CertificateException.class, () -> CertificateBinding.verify(forged));
        assertTrue(refused.getMessage().contains("signature is invalid"), refused.getMessage());
    }

    @Test
    void missingMalformedOrMisSizedBindingsAreRefusedWithoutCrashing() throws Exception {
        byte[] key = identity.peerId().publicKey();
        byte[] signature = new byte[64];
        ASN1Encodable[] hostile = {
                null,
                new DEROctetString(new byte[] {1, 2, 3}),
                new DERSequence(new ASN1Encodable[] {new DEROctetString(key)}),
                new DERSequence(new ASN1Encodable[] {new DEROctetString(new byte[31]), new DEROctetString(signature)}),
                new DERSequence(new ASN1Encodable[] {new DEROctetString(key), new DEROctetString(new byte[63])}),
                new DERSequence(new ASN1Encodable[] {new DEROctetString(key), new DEROctetString(signature),
                        new DEROctetString(signature)}),
                new DERSequence(new ASN1Encodable[] {new DERSequence(), new DEROctetString(signature)}),
                new DERSequence(new ASN1Encodable[] {new DEROctetString(key), new DEROctetString(signature)}),
        };
        for (ASN1Encodable extension : hostile) {
            X509Certificate certificate = certificateWith(extension);
            assertThrows(CertificateException.class, () -> CertificateBinding.verify(certificate),
                    String.valueOf(extension));
        }
    }

    @Test
    void aCertificateNotSignedByItsOwnKeyIsRefused() throws Exception {
        X509Certificate genuine = CertificateBinding.create(identity).certificate();
        byte[] encoded = genuine.getEncoded();
        encoded[encoded.length - 5] ^= 1; // inside the certificate's signature
        X509Certificate tampered;
        try {
            tampered = (X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
                    .generateCertificate(new java.io.ByteArrayInputStream(encoded));
        } catch (CertificateException unparseable) {
            return; // refused even earlier, which is as good
        }
        X509Certificate certificate = tampered;
        assertThrows(CertificateException.class, () -> CertificateBinding.verify(certificate));
    }

    private static X509Certificate certificateWith(ASN1Encodable extension) throws Exception {
        KeyPair key = CertificateBinding.newCertificateKey();
        X500Name subject = new X500Name("CN=hostile");
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, BigInteger.ONE,
                Date.from(now.minusSeconds(60)), Date.from(now.plusSeconds(3600)), subject, key.getPublic());
        if (extension != null) {
            builder.addExtension(CertificateBinding.EXTENSION, false, extension);
        }
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())));
    }
}
