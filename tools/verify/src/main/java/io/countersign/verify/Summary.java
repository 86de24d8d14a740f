package io.countersign.verify;

import java.util.List;

/**
 * What was verified, for the report.
 *
 * @param proves      what the bundle's scope proves, or null when the scope is unknown
 * @param keys        where the trusted keys came from
 * @param trustedSize the size of the trusted checkpoint, or null without one
 */
record Summary(String bundle, String origin, String scope, String proves, long entries, Long firstSeq, Long lastSeq, List<Run> runs,
               List<Checkpoint> checkpoints, RequestChains.Summary requests, int grantsChecked,
               int inclusionProofsVerified, int consistencyProofsVerified, String keys, Long trustedSize,
               long elapsedMillis) {
}
