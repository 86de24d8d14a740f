package io.countersign.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.osgi.annotation.versioning.ProviderType;

/** How anchoring the journal on an external ledger goes, registered only while anchoring is configured. */
@ProviderType
public interface LedgerAnchoring {

    /**
     * The status as {@code GET /v1/ledger/anchors} serves it: {@code state}, {@code anchoredSize}, {@code journalSize},
     * {@code checkpointSize}, {@code backlog}, {@code lastTxId}, {@code lastBlock}, {@code lastAnchoredAt},
     * {@code lastError}, {@code channel}, {@code chaincode}, {@code mspId} (unknown values {@code null}).
     */
    ObjectNode status();
}
