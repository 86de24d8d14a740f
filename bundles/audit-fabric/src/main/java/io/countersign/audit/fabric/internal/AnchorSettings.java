package io.countersign.audit.fabric.internal;

import java.time.Duration;

/** What the anchoring rules need of the configuration; the connection settings stay with the ledger client. */
record AnchorSettings(String channel, String chaincode, String mspId, Duration window, int maxBatchEntries,
                      Duration retryInitial, Duration retryMax) {

    static AnchorSettings from(AnchorOptions options) {
        return new AnchorSettings(options.channel(), options.chaincode(), options.mspId(), options.window(),
                options.maxBatchEntries(), options.retryInitial(), options.retryMax());
    }
}
