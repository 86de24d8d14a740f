package io.countersign.siem.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** The TLS context of a sink: the CAs it trusts (a PEM file, else the JVM's) and its client key, if any. */
final class Tls {

    private Tls() {
    }

    /**
     * @param trustPem PEM file of the CA certificates to trust; empty for the JVM's default trust
     * @param keyStore PKCS#12 file with the client's key and certificate (mutual TLS); empty for none
     * @param keyStorePassword its password (from the environment, never from a file in git)
     */
    static SSLContext context(String trustPem, String keyStore, char[] keyStorePassword)
            throws IOException, GeneralSecurityException {
        TrustManagerFactory trust = null;
        if (!trustPem.isBlank()) {
            KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
            anchors.load(null, null);
            try (InputStream in = Files.newInputStream(Path.of(trustPem))) {
                int i = 0;
                for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                    anchors.setCertificateEntry("ca-" + i++, certificate);
                }
                if (i == 0) {
                    throw new GeneralSecurityException("no certificate in " + trustPem);
                }
            }
            trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(anchors);
        }
        KeyManagerFactory keys = null;
        if (!keyStore.isBlank()) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(Path.of(keyStore))) {
                store.load(in, keyStorePassword);
            }
            keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, keyStorePassword);
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys == null ? null : keys.getKeyManagers(), trust == null ? null : trust.getTrustManagers(),
                null);
        return context;
    }
}
