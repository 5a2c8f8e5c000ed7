package org.parley.link.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Integer;
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
                new DERSequence(new ASN1Encodable[] {new DEROctetString(key), new DEROctetString(signature),
                        new ASN1Integer(0), new ASN1Integer(1)}),
                new DERSequence(new ASN1Encodable[] {new DEROctetString(key), new DEROctetString(signature),
                        new ASN1Integer(new BigInteger("1" + "0".repeat(30))), new ASN1Integer(1)}),
                new DERSequence(new ASN1Encodable[] {new DEROctetString(key), new DEROctetString(signature),
                        new DEROctetString(signature), new ASN1Integer(1)}),
                new DERSequence(new ASN1Encodable[] {new DEROctetString(key), new DEROctetString(signature),
                        new ASN1Integer(0), new ASN1Integer(1), new ASN1Integer(2)}),
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

    @Test
    void aBindingHoldsOnlyForTheValidityPeriodItsIdentitySigned() throws Exception {
        KeyPair key = CertificateBinding.newCertificateKey();
        byte[] keyInfo = key.getPublic().getEncoded();
        Instant now = Instant.now();
        // Someone who learned an old certificate key issues a fresh certificate for it around the
        // binding it once carried: the certificate's dates are fine, the binding's are over.
        X509Certificate expired = CertificateBinding.issue(identity, key, keyInfo,
                now.minus(Duration.ofDays(400)), now.minus(Duration.ofDays(35))).certificate();
        assertRefused(expired, now, "expired");
        X509Certificate futureDated = CertificateBinding.issue(identity, key, keyInfo,
                now.plus(Duration.ofDays(2)), now.plus(Duration.ofDays(300))).certificate();
        assertRefused(futureDated, now, "not valid yet");
        X509Certificate forEver = CertificateBinding.issue(identity, key, keyInfo,
                now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(3650))).certificate();
        assertRefused(forEver, now, "longer than");
        X509Certificate backwards = CertificateBinding.issue(identity, key, keyInfo,
                now.plus(Duration.ofDays(1)), now.minus(Duration.ofDays(1))).certificate();
        assertRefused(backwards, now, "longer than");

        X509Certificate current = CertificateBinding.issue(identity, key, keyInfo,
                now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(365))).certificate();
        assertEquals(identity.peerId(), CertificateBinding.verify(current, now));
        assertEquals(identity.peerId(), CertificateBinding.verify(current, now.plus(Duration.ofDays(364))));
        assertRefused(current, now.minus(Duration.ofDays(2)), "");
    }

    @Test
    void aPeriodExtendedAfterSigningIsAForgery() throws Exception {
        KeyPair key = CertificateBinding.newCertificateKey();
        byte[] keyInfo = key.getPublic().getEncoded();
        long from = Instant.now().minus(Duration.ofDays(400)).getEpochSecond();
        long until = Instant.now().minus(Duration.ofDays(35)).getEpochSecond();
        byte[] signature = identity.sign(CertificateBinding.statement(keyInfo, from, until));
        long extended = Instant.now().plus(Duration.ofDays(300)).getEpochSecond();
        for (long[] claimed : new long[][] {{from, extended}, {extended - 86_400 * 300, extended}, {from + 1, until}}) {
            X509Certificate forged = CertificateBinding.certificate(key, new DERSequence(new ASN1Encodable[] {
                    new DEROctetString(identity.peerId().publicKey()), new DEROctetString(signature),
                    new ASN1Integer(claimed[0]), new ASN1Integer(claimed[1])})).certificate();
            assertRefused(forged, Instant.now(), "signature is invalid");
        }
    }

    @Test
    void aFirstVersionBindingWithoutExpiryIsRefused() throws Exception {
        KeyPair key = CertificateBinding.newCertificateKey();
        byte[] keyInfo = key.getPublic().getEncoded();
        byte[] domain = "parley-tls-binding-v1:".getBytes(StandardCharsets.US_ASCII);
        byte[] statement = new byte[domain.length + keyInfo.length];
        System.arraycopy(domain, 0, statement, 0, domain.length);
        System.arraycopy(keyInfo, 0, statement, domain.length, keyInfo.length);
        X509Certificate old = CertificateBinding.certificate(key, new DERSequence(new ASN1Encodable[] {
                new DEROctetString(identity.peerId().publicKey()), new DEROctetString(identity.sign(statement))}))
                .certificate();
        assertRefused(old, Instant.now(), "first version");
    }

    private static void assertRefused(X509Certificate certificate, Instant at, String reason) {
        CertificateException refused = assertThrows(CertificateException.class,
                () -> CertificateBinding.verify(certificate, at));
        assertTrue(refused.getMessage().contains(reason), refused.getMessage());
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
