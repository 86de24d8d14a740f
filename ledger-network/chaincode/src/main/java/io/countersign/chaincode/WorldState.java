package io.countersign.chaincode;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** What a transaction sees of Fabric: the world state of the chaincode and who is calling, and when. */
interface WorldState {

    /** The value of {@code key}, or {@code null} when there is none. */
    String get(String key);

    void put(String key, String value);

    /** The entries with {@code start <= key < end}, in key order, at most {@code limit} of them. */
    List<Map.Entry<String, String>> range(String start, String end, int limit);

    String txId();

    /** The transaction's timestamp, the same on every endorsing peer (never the peer's clock). */
    Instant txTime();

    String callerMspId();
}
