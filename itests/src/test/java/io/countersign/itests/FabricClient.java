package io.countersign.itests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.hyperledger.fabric.client.Contract;
import org.hyperledger.fabric.client.Gateway;
import org.hyperledger.fabric.client.GatewayException;
import org.hyperledger.fabric.client.Network;
import org.hyperledger.fabric.client.Status;
import org.hyperledger.fabric.client.SubmittedTransaction;
import org.hyperledger.fabric.client.identity.Identities;
import org.hyperledger.fabric.client.identity.Signers;
import org.hyperledger.fabric.client.identity.X509Identity;
import org.hyperledger.fabric.protos.common.Envelope;
import org.hyperledger.fabric.protos.common.Payload;
import org.hyperledger.fabric.protos.msp.SerializedIdentity;
import org.hyperledger.fabric.protos.peer.ChaincodeActionPayload;
import org.hyperledger.fabric.protos.peer.Endorsement;
import org.hyperledger.fabric.protos.peer.ProcessedTransaction;
import org.hyperledger.fabric.protos.peer.Transaction;

/** A Fabric client of the anchors chaincode, from a network's connection.json, for tests run outside Karaf. */
final class FabricClient implements AutoCloseable {

    record Committed(String txId, long block) {
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final ManagedChannel channel;
    private final Gateway gateway;
    private final Contract anchors;
    private final Contract qscc;
    private final String channelName;

    FabricClient(Path connectionJson) throws Exception {
        JsonNode connection = MAPPER.readTree(connectionJson.toFile());
        channelName = connection.get("channel").asText();
        channel = NettyChannelBuilder.forTarget(connection.get("peer").asText())
                .sslContext(GrpcSslContexts.forClient().trustManager(new java.io.File(
                        connection.get("tlsRootCert").asText())).build())
                .overrideAuthority(connection.get("serverName").asText()).build();
        try (Reader certificate = Files.newBufferedReader(Path.of(connection.get("certificate").asText()));
             Reader key = Files.newBufferedReader(Path.of(connection.get("privateKey").asText()))) {
            gateway = Gateway.newInstance()
                    .identity(new X509Identity(connection.get("mspId").asText(),
                            Identities.readX509Certificate(certificate)))
                    .signer(Signers.newPrivateKeySigner(Identities.readPrivateKey(key)))
                    .connection(channel)
                    .evaluateOptions(options -> options.withDeadlineAfter(10, TimeUnit.SECONDS))
                    .endorseOptions(options -> options.withDeadlineAfter(30, TimeUnit.SECONDS))
                    .submitOptions(options -> options.withDeadlineAfter(30, TimeUnit.SECONDS))
                    .commitStatusOptions(options -> options.withDeadlineAfter(60, TimeUnit.SECONDS))
                    .connect();
        }
        Network network = gateway.getNetwork(channelName);
        anchors = network.getContract(connection.get("chaincode").asText());
        qscc = network.getContract("qscc");
    }

    Committed submit(String transaction, String argument) throws Exception {
        SubmittedTransaction submitted = anchors.newProposal(transaction).addArguments(argument).build().endorse()
                .submitAsync();
        Status status = submitted.getStatus();
        if (!status.isSuccessful()) {
            throw new IllegalStateException(transaction + " was committed as " + status.getCode());
        }
        return new Committed(status.getTransactionId(), status.getBlockNumber());
    }

    /** The chaincode's refusal of {@code transaction}: the text of its error, with the §9.3 code. */
    String refusal(String transaction, String argument) {
        try {
            anchors.newProposal(transaction).addArguments(argument).build().endorse();
        } catch (GatewayException e) {
            StringBuilder text = new StringBuilder(String.valueOf(e.getMessage()));
            e.getDetails().forEach(detail -> text.append('\n').append(detail.getMessage()));
            return text.toString();
        }
        throw new AssertionError(transaction + " was endorsed; a refusal was expected");
    }

    JsonNode evaluate(String transaction, String... arguments) throws Exception {
        return MAPPER.readTree(anchors.evaluateTransaction(transaction, arguments));
    }

    /** The MSP ids of the peers that endorsed a committed transaction, read from the block with qscc. */
    List<String> endorsers(String txId) throws Exception {
        ProcessedTransaction processed = ProcessedTransaction.parseFrom(
                qscc.evaluateTransaction("GetTransactionByID", channelName, txId));
        Envelope envelope = processed.getTransactionEnvelope();
        Transaction transaction = Transaction.parseFrom(Payload.parseFrom(envelope.getPayload()).getData());
        ChaincodeActionPayload action = ChaincodeActionPayload.parseFrom(transaction.getActions(0).getPayload());
        List<String> mspIds = new ArrayList<>();
        for (Endorsement endorsement : action.getAction().getEndorsementsList()) {
            mspIds.add(SerializedIdentity.parseFrom(endorsement.getEndorser()).getMspid());
        }
        return mspIds;
    }

    int validationCode(String txId) throws Exception {
        return ProcessedTransaction.parseFrom(qscc.evaluateTransaction("GetTransactionByID", channelName, txId))
                .getValidationCode();
    }

    @Override
    public void close() throws InterruptedException {
        gateway.close();
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
}
