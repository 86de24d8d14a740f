package io.countersign.verify;

/** The five members of an entry, read and typed. */
record EntryFields(long seq, String time, long timeNanos, String type, EntryData data, byte[] prev) {
}
