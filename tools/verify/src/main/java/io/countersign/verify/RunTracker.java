package io.countersign.verify;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * §7 items 2 and 3 across entries: seqs strictly ascending, the split into runs, and each run's hash chain
 * and non-decreasing times (FORMAT.md). Also counts what the manifest must match.
 */
final class RunTracker {
    private static final byte[] GENESIS_PREV = new byte[32];

    private final Findings findings;
    private final List<Run> runs = new ArrayList<>();
    private Entry previous;
    private long runStart = -1;
    private long lines;
    private Long firstSeq;
    private Long lastSeq;

    RunTracker(Findings findings) {
        this.findings = findings;
    }

    void accept(long line, Entry entry) {
        lines++;
        if (!entry.wellFormed()) {
            closeRun();
            return;
        }
        if (firstSeq == null) {
            firstSeq = entry.seq();
        }
        lastSeq = entry.seq();
        if (entry.seq() == 0 && !Arrays.equals(entry.prev(), GENESIS_PREV)) {
            findings.add(Failure.atSeq("chain", 0, "prev of seq 0 is " + Digests.text(entry.prev())
                    + ", not sha256: and 64 zeros"));
        }
        if (previous != null && entry.seq() <= previous.seq()) {
            findings.add(Failure.atSeq("entry", entry.seq(), "seq " + entry.seq() + " follows seq " + previous.seq()
                    + " on line " + line + ": seqs must be strictly ascending"));
            return;
        }
        if (previous != null && entry.seq() == previous.seq() + 1) {
            checkLink(entry);
        } else {
            closeRun();
            runStart = entry.seq();
        }
        previous = entry;
    }

    private void checkLink(Entry entry) {
        if (!Arrays.equals(entry.prev(), previous.hash())) {
            findings.add(Failure.atSeq("chain", entry.seq(), "prev is " + Digests.text(entry.prev()) + " but entry "
                    + previous.seq() + " hashes to " + Digests.text(previous.hash())));
        }
        if (entry.timeNanos() < previous.timeNanos()) {
            findings.add(Failure.atSeq("entry", entry.seq(), "time " + entry.time() + " is before entry "
                    + previous.seq() + "'s time " + previous.time()));
        }
    }

    private void closeRun() {
        if (previous != null) {
            runs.add(new Run(runStart, previous.seq(), previous.hash()));
        }
        previous = null;
    }

    /** The runs, once every entry has been accepted. */
    List<Run> finish() {
        closeRun();
        return List.copyOf(runs);
    }

    long lines() {
        return lines;
    }

    Long firstSeq() {
        return firstSeq;
    }

    Long lastSeq() {
        return lastSeq;
    }
}
