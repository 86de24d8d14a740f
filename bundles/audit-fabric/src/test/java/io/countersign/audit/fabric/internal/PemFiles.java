package io.countersign.audit.fabric.internal;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.hyperledger.fabric.client.identity.Identities;

/** A cryptogen-style MSP in a directory: an EC P-256 key in {@code keystore/priv_sk} and its self-signed cert. */
final class PemFiles {

    final Path tlsRootCert;
    final Path certificate;
    final Path privateKey;
    final X509Certificate issued;

    private PemFiles(Path tlsRootCert, Path certificate, Path privateKey, X509Certificate issued) {
        this.tlsRootCert = tlsRootCert;
        this.certificate = certificate;
        this.privateKey = privateKey;
        this.issued = issued;
    }

    static PemFiles write(Path dir, String commonName) throws IOException, GeneralSecurityException {
        KeyPair pair = ecKeyPair();
        X509Certificate certificate = selfSigned(pair, commonName);
        Path msp = dir.resolve("msp");
        Files.createDirectories(msp.resolve("signcerts"));
        Files.createDirectories(msp.resolve("keystore"));
        Files.createDirectories(dir.resolve("tls"));
        Path cert = Files.writeString(msp.resolve("signcerts").resolve(commonName + "-cert.pem"),
                Identities.toPemString(certificate));
        Path key = Files.writeString(msp.resolve("keystore").resolve("priv_sk"), Identities.toPemString(pair
                .getPrivate()));
        Path ca = Files.writeString(dir.resolve("tls").resolve("ca.crt"), Identities.toPemString(certificate));
        return new PemFiles(ca, cert, key, certificate);
    }

    static KeyPair ecKeyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static X509Certificate selfSigned(KeyPair pair, String commonName) throws GeneralSecurityException {
        X500Name name = new X500Name("CN=" + commonName + ",O=operator.example.com");
        Instant now = Instant.now();
        try {
            return new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(name,
                    BigInteger.valueOf(now.toEpochMilli()), Date.from(now.minus(Duration.ofMinutes(1))),
                    Date.from(now.plus(Duration.ofDays(1))), name, pair.getPublic())
                    .build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
        } catch (org.bouncycastle.operator.OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }
}
