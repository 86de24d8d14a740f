package io.countersign.ledger.internal;

/** Consecutive journal seqs, from {@code first} to {@code last} included. */
record Run(long first, long last) {

    long length() {
        return last - first + 1;
    }
}
