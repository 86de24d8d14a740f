package io.countersign.audit.fabric.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.Signature;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.hyperledger.fabric.client.identity.Identities;
import org.hyperledger.fabric.client.identity.Signer;
import org.hyperledger.fabric.client.identity.X509Identity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GatewayConnectionTest {

    @TempDir
    Path dir;

    private AnchorOptions options(PemFiles files, String endpoint) {
        return AnchorOptions.fromProperties(Map.of(
                "peerEndpoint", endpoint,
                "tlsRootCertPath", files.tlsRootCert.toString(),
                "serverNameOverride", "peer0.operator.example.com",
                "mspId", "OperatorMSP",
                "certificatePath", files.certificate.toString(),
                "privateKeyPath", files.privateKey.toString(),
                "evaluateTimeoutMillis", "2000"));
    }

    @Test
    void buildsTheChannelAndTheIdentityFromCryptogenStylePemFiles() throws Exception {
        PemFiles files = PemFiles.write(dir, "User1@operator.example.com");
        AnchorOptions options = options(files, "127.0.0.1:7051");

        ManagedChannel channel = GatewayConnection.channel(options);
        X509Identity identity = GatewayConnection.identity(options);
        Signer signer = GatewayConnection.signer(options);

        try {
            assertEquals("peer0.operator.example.com", channel.authority());
            assertEquals("OperatorMSP", identity.getMspId());
            assertEquals(files.issued, identity.getCertificate());
            byte[] digest = MessageDigest.getInstance("SHA-256").digest("proposal".getBytes(StandardCharsets.UTF_8));
            Signature verifier = Signature.getInstance("NONEwithECDSA");
            verifier.initVerify(files.issued.getPublicKey());
            verifier.update(digest);
            assertTrue(verifier.verify(signer.sign(digest)));
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void aPrivateKeyThatIsNotTheCertificatesIsRefused() throws Exception {
        PemFiles files = PemFiles.write(dir, "User1@operator.example.com");
        Files.writeString(files.privateKey, Identities.toPemString(PemFiles.ecKeyPair().getPrivate()));

        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> GatewayConnection.signer(options(files, "127.0.0.1:7051")));

        assertTrue(refused.getMessage().contains("does not hold the private key of certificatePath"),
                refused.getMessage());
    }

    @Test
    void aFileThatHoldsNoPemIsRefusedByName() throws Exception {
        PemFiles files = PemFiles.write(dir, "User1@operator.example.com");
        Files.writeString(files.certificate, "not a certificate");

        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> GatewayConnection.identity(options(files, "127.0.0.1:7051")));

        assertTrue(refused.getMessage().startsWith("certificatePath " + files.certificate), refused.getMessage());
    }

    @Test
    void aPeerThatDoesNotAnswerIsUnreachable() throws Exception {
        PemFiles files = PemFiles.write(dir, "User1@operator.example.com");
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }

        try (FabricGatewayLedger ledger = FabricGatewayLedger.connect(options(files, "127.0.0.1:" + port))) {
            FabricException error = assertThrows(FabricException.class, () -> ledger.head("test.example/anchors"));

            assertEquals(FabricException.Kind.UNREACHABLE, error.kind(), error.getMessage());
        }
    }

    @Test
    void theOptionsNameEveryMissingSettingAtOnce() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> AnchorOptions.fromProperties(Map.of("peerEndpoint", "peer0:notaport", "windowMillis", "0")));

        for (String key : new String[] {"peerEndpoint", "tlsRootCertPath", "certificatePath", "privateKeyPath",
                "mspId", "windowMillis"}) {
            assertTrue(refused.getMessage().contains(key), key + " in " + refused.getMessage());
        }
    }

    @Test
    void theOptionsHaveTheDocumentedDefaults() throws IOException, java.security.GeneralSecurityException {
        PemFiles files = PemFiles.write(dir, "User1@operator.example.com");

        AnchorOptions options = options(files, "localhost:7051");

        assertEquals("countersign", options.channel());
        assertEquals("anchors", options.chaincode());
        assertEquals(Duration.ofSeconds(1), options.window());
        assertEquals(100_000, options.maxBatchEntries());
        assertEquals(Duration.ofMillis(500), options.retryInitial());
        assertEquals(Duration.ofSeconds(30), options.retryMax());
        assertEquals("localhost", options.host());
        assertEquals(7051, options.port());
    }
}
