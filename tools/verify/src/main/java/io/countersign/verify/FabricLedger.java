package io.countersign.verify;

/** What the verifier asks of Fabric (evidence-format §9.2, §9.5): evaluations only, never a submission. */
interface FabricLedger extends AutoCloseable {

    /** The §9.1 segment record holding {@code seq}, or null when the chaincode says {@code not-anchored}. */
    String segmentOf(String origin, long seq) throws InputException;

    /** The validation code of a committed transaction (0 is VALID). */
    int validationCode(String txId) throws InputException;

    /** The number of the block holding a committed transaction. */
    long blockOf(String txId) throws InputException;

    @Override
    void close();
}
