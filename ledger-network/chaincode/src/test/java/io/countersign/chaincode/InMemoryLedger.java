package io.countersign.chaincode;

import java.time.Instant;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The world state of one channel for unit tests: each transaction sees the committed state plus its own writes, and
 * its writes are committed only if it returns normally, as on a peer.
 */
final class InMemoryLedger {

    final TreeMap<String, String> committed = new TreeMap<>();
    private int transactions;

    <T> T transact(String mspId, Instant time, Function<Anchors, T> body) {
        Transaction transaction = new Transaction(mspId, time, "tx" + (++transactions));
        T result = body.apply(new Anchors(transaction));
        committed.putAll(transaction.writes);
        return result;
    }

    /** The writes a transaction would make, without committing them. */
    TreeMap<String, String> writesOf(String mspId, Instant time, String txId, Function<Anchors, ?> body) {
        Transaction transaction = new Transaction(mspId, time, txId);
        body.apply(new Anchors(transaction));
        return transaction.writes;
    }

    private final class Transaction implements WorldState {
        private final String mspId;
        private final Instant time;
        private final String txId;
        private final TreeMap<String, String> writes = new TreeMap<>();

        Transaction(String mspId, Instant time, String txId) {
            this.mspId = mspId;
            this.time = time;
            this.txId = txId;
        }

        @Override
        public String get(String key) {
            // Fabric reads see the committed state, not the transaction's own writes
            return committed.get(key);
        }

        @Override
        public void put(String key, String value) {
            writes.put(key, value);
        }

        @Override
        public List<Map.Entry<String, String>> range(String start, String end, int limit) {
            List<Map.Entry<String, String>> entries = new ArrayList<>();
            for (Map.Entry<String, String> entry : committed.subMap(start, end).entrySet()) {
                entries.add(new AbstractMap.SimpleImmutableEntry<>(entry));
                if (entries.size() >= limit) {
                    break;
                }
            }
            return entries;
        }

        @Override
        public String txId() {
            return txId;
        }

        @Override
        public Instant txTime() {
            return time;
        }

        @Override
        public String callerMspId() {
            return mspId;
        }
    }
}
