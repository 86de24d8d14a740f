package io.countersign.audit.fabric.internal;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import org.hyperledger.fabric.client.identity.Identities;
import org.hyperledger.fabric.client.identity.Signer;
import org.hyperledger.fabric.client.identity.Signers;
import org.hyperledger.fabric.client.identity.X509Identity;

/**
 * The client side of a Fabric gateway connection, from cryptogen-style PEM files: the TLS channel to the peer and the
 * identity that signs proposals.
 */
final class GatewayConnection {

    /** Endorsements carry the transaction's writes: a full batch of hashes is several MB. */
    static final int MAX_INBOUND_MESSAGE_BYTES = 128 * 1024 * 1024;

    private GatewayConnection() {
    }

    /**
     * A TLS channel to the peer, built with Netty directly: {@code Grpc.newChannelBuilder} finds its transport through
     * {@code ServiceLoader}, which does not see into an OSGi bundle. Nothing is dialled until the first call.
     */
    static ManagedChannel channel(AnchorOptions options) throws IOException {
        SslContext tls;
        try {
            tls = GrpcSslContexts.forClient().trustManager(options.tlsRootCert().toFile()).build();
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("tlsRootCertPath " + options.tlsRootCert()
                    + " holds no PEM certificate to trust: " + e.getMessage(), e);
        }
        NettyChannelBuilder builder = NettyChannelBuilder.forAddress(options.host(), options.port())
                .sslContext(tls)
                .maxInboundMessageSize(MAX_INBOUND_MESSAGE_BYTES);
        if (options.serverNameOverride() != null) {
            builder.overrideAuthority(options.serverNameOverride());
        }
        return builder.build();
    }

    static X509Identity identity(AnchorOptions options) throws IOException {
        return new X509Identity(options.mspId(), certificate(options.certificate()));
    }

    /** Signs with the private key, after checking that it is the key of the certificate. */
    static Signer signer(AnchorOptions options) throws IOException, GeneralSecurityException {
        PrivateKey key;
        try (Reader reader = Files.newBufferedReader(options.privateKey(), StandardCharsets.US_ASCII)) {
            key = Identities.readPrivateKey(reader);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException("privateKeyPath " + options.privateKey()
                    + " holds no PEM private key: " + e.getMessage(), e);
        }
        Signer signer = Signers.newPrivateKeySigner(key);
        checkPair(signer, certificate(options.certificate()).getPublicKey(), options);
        return signer;
    }

    private static X509Certificate certificate(Path file) throws IOException {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII)) {
            return Identities.readX509Certificate(reader);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException("certificatePath " + file + " holds no PEM X.509 certificate: "
                    + e.getMessage(), e);
        }
    }

    /** Fabric signs the SHA-256 digest of a proposal: sign one here and verify it with the certificate's key. */
    private static void checkPair(Signer signer, PublicKey certified, AnchorOptions options)
            throws GeneralSecurityException {
        if (!"EC".equals(certified.getAlgorithm())) {
            return;
        }
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(
                "countersign key check".getBytes(StandardCharsets.US_ASCII));
        Signature verifier = Signature.getInstance("NONEwithECDSA");
        verifier.initVerify(certified);
        verifier.update(digest);
        if (!verifier.verify(signer.sign(digest))) {
            throw new IllegalArgumentException("privateKeyPath " + options.privateKey()
                    + " does not hold the private key of certificatePath " + options.certificate());
        }
    }
}
