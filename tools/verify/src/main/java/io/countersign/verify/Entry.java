package io.countersign.verify;

import java.util.List;

/**
 * One line of {@code entries.jsonl} after every check that needs only the line itself.
 *
 * @param seq        -1 when it could not be read
 * @param hash       the entry hash: SHA-256 of the exact line bytes
 * @param wellFormed false when the five members could not all be read; then only {@code hash} (and maybe
 *                   {@code seq}) is meaningful and the entry takes no further part in the checks
 * @param problems   what the line-local checks found
 */
record Entry(long seq, String time, long timeNanos, String type, EntryData data, byte[] prev, byte[] hash,
             boolean wellFormed, List<Problem> problems) {

    /** A finding about one entry, before it is placed in the report. */
    record Problem(String check, String reason) {
    }

    boolean isKeyEntry() {
        return type != null && type.startsWith("key.");
    }

    /** {@code data.request}, or null. */
    String request() {
        return data == null ? null : data.text(DataMember.REQUEST);
    }

    String text(DataMember member) {
        return data.text(member);
    }
}
