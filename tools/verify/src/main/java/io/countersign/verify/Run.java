package io.countersign.verify;

/** Entries of consecutive seq; the hash chain commits the run to its last entry, whose hash this keeps. */
record Run(long firstSeq, long lastSeq, byte[] lastHash) {
    String describe() {
        return firstSeq == lastSeq ? "seq " + firstSeq : "seqs " + firstSeq + "–" + lastSeq;
    }
}
