package io.countersign.audit.fabric.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.hyperledger.fabric.client.CommitStatusException;
import org.hyperledger.fabric.client.Contract;
import org.hyperledger.fabric.client.EndorseException;
import org.hyperledger.fabric.client.Gateway;
import org.hyperledger.fabric.client.GatewayException;
import org.hyperledger.fabric.client.GatewayRuntimeException;
import org.hyperledger.fabric.client.Hash;
import org.hyperledger.fabric.client.Network;
import org.hyperledger.fabric.client.Status;
import org.hyperledger.fabric.client.SubmitException;
import org.hyperledger.fabric.client.SubmittedTransaction;
import org.hyperledger.fabric.protos.common.Block;

/** The {@code anchors} chaincode through a Fabric gateway peer (fabric-gateway 1.x). */
final class FabricGatewayLedger implements AnchorLedger {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final long SHUTDOWN_SECONDS = 5;

    private final ManagedChannel channel;
    private final Gateway gateway;
    private final Contract contract;
    private final Contract qscc;
    private final String channelName;

    private FabricGatewayLedger(ManagedChannel channel, Gateway gateway, String channelName, String chaincode) {
        this.channel = channel;
        this.gateway = gateway;
        this.channelName = channelName;
        Network network = gateway.getNetwork(channelName);
        this.contract = network.getContract(chaincode);
        this.qscc = network.getContract("qscc");
    }

    /** Reads the identity files and prepares the channel; nothing is dialled until the first call. */
    static FabricGatewayLedger connect(AnchorOptions options) throws IOException, GeneralSecurityException {
        var identity = GatewayConnection.identity(options);
        var signer = GatewayConnection.signer(options);
        ManagedChannel channel = GatewayConnection.channel(options);
        try {
            Gateway gateway = Gateway.newInstance()
                    .identity(identity)
                    .signer(signer)
                    .hash(Hash.SHA256)
                    .connection(channel)
                    .evaluateOptions(deadline(options.evaluateTimeout()))
                    .endorseOptions(deadline(options.endorseTimeout()))
                    .submitOptions(deadline(options.submitTimeout()))
                    .commitStatusOptions(deadline(options.commitStatusTimeout()))
                    .connect();
            return new FabricGatewayLedger(channel, gateway, options.channel(), options.chaincode());
        } catch (RuntimeException e) {
            channel.shutdownNow();
            throw e;
        }
    }

    private static UnaryOperator<CallOptions> deadline(Duration timeout) {
        return options -> options.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public AnchorHead head(String origin) throws FabricException {
        JsonNode head = json("Head", evaluate(contract, "Head", origin));
        long size = head.path("size").asLong(-1);
        if (size < 0) {
            throw FabricException.failed("Head answered without a size: " + head, null);
        }
        if (size == 0) {
            return AnchorHead.empty();
        }
        return new AnchorHead(size, base64("Head", head, "root"), head.path("txId").asText(null));
    }

    @Override
    public AnchoredSegment segmentOf(String origin, long seq) throws FabricException {
        JsonNode segment = json("SegmentOf", evaluate(contract, "SegmentOf", origin, Long.toString(seq)));
        if (!segment.path("from").canConvertToLong() || !segment.path("to").canConvertToLong()
                || !segment.path("txId").isTextual()) {
            throw FabricException.failed("SegmentOf answered without from, to and txId: " + segment, null);
        }
        return new AnchoredSegment(segment.get("from").asLong(), segment.get("to").asLong(),
                base64("SegmentOf", segment, "entryHashes"), segment.path("checkpoint").asText(),
                base64("SegmentOf", segment, "root"), segment.get("txId").asText(), segment.path("mspId").asText());
    }

    @Override
    public String keys(String origin) throws FabricException {
        return new String(evaluate(contract, "Keys", origin), StandardCharsets.UTF_8);
    }

    @Override
    public void registerKeys(String listing) throws FabricException {
        submit("RegisterKeys", listing);
    }

    @Override
    public AnchorTransaction anchor(String batch) throws FabricException {
        return submit("Anchor", batch);
    }

    @Override
    public long blockOf(String txId) throws FabricException {
        byte[] block = evaluate(qscc, "GetBlockByTxID", channelName, txId);
        try {
            return Block.parseFrom(block).getHeader().getNumber();
        } catch (IOException e) {
            throw FabricException.failed("qscc GetBlockByTxID answered no block for " + txId, e);
        }
    }

    /** Endorses, submits and waits for the commit: one transaction, its id and block, or why not. */
    private AnchorTransaction submit(String name, String argument) throws FabricException {
        String txId = null;
        try {
            SubmittedTransaction submitted = contract.newProposal(name).addArguments(argument).build()
                    .endorse().submitAsync();
            txId = submitted.getTransactionId();
            Status status = submitted.getStatus();
            if (!status.isSuccessful()) {
                throw FabricException.failed(name + " transaction " + txId + " was not committed: "
                        + status.getCode() + " (block " + status.getBlockNumber() + ")", null);
            }
            return new AnchorTransaction(txId, status.getBlockNumber());
        } catch (EndorseException e) {
            throw FabricErrors.of(name + " (endorse)", e);
        } catch (SubmitException | CommitStatusException e) {
            FabricException error = FabricErrors.of(name + " transaction " + (txId == null ? "" : txId + " ")
                    + (e instanceof SubmitException ? "(submit)" : "(commit status)"), e);
            // sent, perhaps: whatever the gateway said, the outcome is unknown until the head is read again
            throw error.kind() == FabricException.Kind.REFUSED ? error
                    : FabricException.unreachable(error.getMessage(), e);
        } catch (GatewayRuntimeException e) {
            throw FabricException.unreachable(name + ": " + e.getStatus(), e);
        }
    }

    private static byte[] evaluate(Contract contract, String name, String... arguments) throws FabricException {
        try {
            return contract.evaluateTransaction(name, arguments);
        } catch (GatewayException e) {
            throw FabricErrors.of(name, e);
        } catch (GatewayRuntimeException e) {
            throw FabricException.unreachable(name + ": " + e.getStatus(), e);
        }
    }

    private static JsonNode json(String call, byte[] answer) throws FabricException {
        try {
            JsonNode node = MAPPER.readTree(answer);
            if (node == null || !node.isObject()) {
                throw FabricException.failed(call + " answered no JSON object", null);
            }
            return node;
        } catch (IOException e) {
            throw FabricException.failed(call + " answered no JSON: " + e.getMessage(), e);
        }
    }

    private static byte[] base64(String call, JsonNode node, String member) throws FabricException {
        try {
            return Base64.getDecoder().decode(node.path(member).asText());
        } catch (IllegalArgumentException e) {
            throw FabricException.failed(call + " answered a '" + member + "' that is not base64", e);
        }
    }

    @Override
    public void close() {
        gateway.close();
        channel.shutdownNow();
        try {
            channel.awaitTermination(SHUTDOWN_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
