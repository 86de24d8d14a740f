package io.countersign.chaincode;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.hyperledger.fabric.contract.Context;
import org.hyperledger.fabric.shim.ChaincodeStub;
import org.hyperledger.fabric.shim.ledger.KeyValue;
import org.hyperledger.fabric.shim.ledger.QueryResultsIterator;

/** The world state as the peer gives it to a transaction. */
final class FabricState implements WorldState {

    private final Context context;
    private final ChaincodeStub stub;

    FabricState(Context context) {
        this.context = context;
        this.stub = context.getStub();
    }

    @Override
    public String get(String key) {
        byte[] value = stub.getState(key);
        return value == null || value.length == 0 ? null : new String(value, StandardCharsets.UTF_8);
    }

    @Override
    public void put(String key, String value) {
        stub.putState(key, value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public List<Map.Entry<String, String>> range(String start, String end, int limit) {
        List<Map.Entry<String, String>> entries = new ArrayList<>();
        try (QueryResultsIterator<KeyValue> results = stub.getStateByRange(start, end)) {
            for (KeyValue result : results) {
                entries.add(new AbstractMap.SimpleImmutableEntry<>(result.getKey(), result.getStringValue()));
                if (entries.size() >= limit) {
                    break;
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("reading the range [" + start + ", " + end + ") failed", e);
        }
        return entries;
    }

    @Override
    public String txId() {
        return stub.getTxId();
    }

    @Override
    public Instant txTime() {
        return stub.getTxTimestamp();
    }

    @Override
    public String callerMspId() {
        return context.getClientIdentity().getMSPID();
    }
}
