package io.countersign.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.hyperledger.fabric.client.Contract;
import org.hyperledger.fabric.client.Gateway;
import org.hyperledger.fabric.client.GatewayException;
import org.hyperledger.fabric.client.Network;
import org.hyperledger.fabric.client.identity.Identities;
import org.hyperledger.fabric.client.identity.Signers;
import org.hyperledger.fabric.client.identity.X509Identity;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.peer.ProcessedTransaction;

/** A peer's Gateway, reached as the CONNECTION.json of §9.5 says. */
final class GatewayFabricLedger implements FabricLedger {

    private final String peer;
    private final String channelName;
    private final ManagedChannel channel;
    private final Gateway gateway;
    private final Contract anchors;
    private final Contract qscc;

    private GatewayFabricLedger(Path connectionFile, JsonNode connection) throws InputException {
        Path base = connectionFile.toAbsolutePath().getParent();
        peer = member(connection, "peer");
        channelName = member(connection, "channel");
        try (Reader certificate = Files.newBufferedReader(base.resolve(member(connection, "certificate")));
             Reader key = Files.newBufferedReader(base.resolve(member(connection, "privateKey")))) {
            NettyChannelBuilder builder = NettyChannelBuilder.forTarget(peer).sslContext(GrpcSslContexts.forClient()
                    .trustManager(base.resolve(member(connection, "tlsRootCert")).toFile()).build())
                    .maxInboundMessageSize(64 * 1024 * 1024);
            if (connection.hasNonNull("serverName")) {
                builder.overrideAuthority(connection.get("serverName").asText());
            }
            channel = builder.build();
            gateway = Gateway.newInstance()
                    .identity(new X509Identity(member(connection, "mspId"), Identities.readX509Certificate(certificate)))
                    .signer(Signers.newPrivateKeySigner(Identities.readPrivateKey(key)))
                    .connection(channel)
                    .evaluateOptions(options -> options.withDeadlineAfter(15, TimeUnit.SECONDS))
                    .connect();
        } catch (IOException | java.security.GeneralSecurityException e) {
            throw new InputException("cannot use " + connectionFile + ": " + e.getMessage(), e);
        }
        Network network = gateway.getNetwork(channelName);
        anchors = network.getContract(member(connection, "chaincode"));
        qscc = network.getContract("qscc");
    }

    static GatewayFabricLedger open(Path connectionFile) throws InputException {
        JsonNode connection;
        try {
            connection = new ObjectMapper().readTree(connectionFile.toFile());
        } catch (IOException e) {
            throw new InputException("cannot read " + connectionFile + ": " + e.getMessage(), e);
        }
        if (connection == null || !connection.isObject()) {
            throw new InputException(connectionFile + " is not a JSON object");
        }
        return new GatewayFabricLedger(connectionFile, connection);
    }

    private static String member(JsonNode connection, String name) throws InputException {
        JsonNode value = connection.get(name);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new InputException("the Fabric connection file needs \"" + name + "\"");
        }
        return value.asText();
    }

    @Override
    public String segmentOf(String origin, long seq) throws InputException {
        try {
            return new String(anchors.evaluateTransaction("SegmentOf", origin, Long.toString(seq)),
                    StandardCharsets.UTF_8);
        } catch (GatewayException e) {
            if (describe(e).contains("not-anchored:")) {
                return null;
            }
            throw unreachable("SegmentOf", e);
        }
    }

    @Override
    public int validationCode(String txId) throws InputException {
        try {
            return ProcessedTransaction.parseFrom(qscc.evaluateTransaction("GetTransactionByID", channelName, txId))
                    .getValidationCode();
        } catch (GatewayException e) {
            throw unreachable("GetTransactionByID", e);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new InputException("qscc answered GetTransactionByID with something not a transaction", e);
        }
    }

    @Override
    public long blockOf(String txId) throws InputException {
        try {
            return Block.parseFrom(qscc.evaluateTransaction("GetBlockByTxID", channelName, txId)).getHeader()
                    .getNumber();
        } catch (GatewayException e) {
            throw unreachable("GetBlockByTxID", e);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new InputException("qscc answered GetBlockByTxID with something not a block", e);
        }
    }

    private InputException unreachable(String call, GatewayException e) {
        return new InputException("cannot reach the Fabric peer at " + peer + " (" + call + "): " + describe(e), e);
    }

    private static String describe(GatewayException e) {
        StringBuilder text = new StringBuilder(String.valueOf(e.getMessage()));
        e.getDetails().forEach(detail -> text.append("; ").append(detail.getMessage()));
        return text.toString();
    }

    @Override
    public void close() {
        gateway.close();
        channel.shutdownNow();
    }
}
