package io.countersign.verify;

import java.util.List;

/** §7 item 7: a request bundle holds only its request; a range bundle is one run with a boundary entry at each end. */
final class ScopeChecks {
    private final Manifest.Scope scope;
    private final Findings findings;
    private Entry first;
    private Entry second;
    private Entry penultimate;
    private Entry last;

    ScopeChecks(Manifest.Scope scope, Findings findings) {
        this.scope = scope;
        this.findings = findings;
    }

    void accept(Entry entry) {
        if (!entry.wellFormed()) {
            return;
        }
        if (scope instanceof Manifest.RequestScope requestScope) {
            // a step-up vote's passkey registration travels with it (§6.6) and names no request
            if (!requestScope.request().equals(entry.request()) && !"passkey.registered".equals(entry.type())) {
                findings.add(Failure.atSeq("scope", entry.seq(), "the entry belongs to "
                        + (entry.request() == null ? "no request" : "request " + entry.request())
                        + ", but the bundle is for request " + requestScope.request()));
            }
        } else if (first == null) {
            first = entry;
        } else if (second == null) {
            second = entry;
        }
        penultimate = last;
        last = entry;
    }

    /** {@code newestSize} is the size of the newest checkpoint in the bundle, or -1 when there is none. */
    void finish(List<Run> runs, long newestSize, RequestChains chains) {
        if (scope instanceof Manifest.RequestScope requestScope) {
            if (!chains.hasReceived(requestScope.request())) {
                findings.add(Failure.of("scope", "the bundle lacks the request.received of request " + requestScope.request()));
            }
        } else if (scope instanceof Manifest.RangeScope range) {
            finishRange(range, runs, newestSize);
        }
    }

    private void finishRange(Manifest.RangeScope range, List<Run> runs, long newestSize) {
        for (int i = 1; i < runs.size(); i++) {
            long missingFrom = runs.get(i - 1).lastSeq() + 1;
            long missingTo = runs.get(i).firstSeq() - 1;
            if (missingFrom <= missingTo) {
                findings.add(Failure.atSeq("scope", runs.get(i).firstSeq(), "the range has a gap: "
                        + (missingFrom == missingTo ? "seq " + missingFrom + " is" : "seqs " + missingFrom + "–" + missingTo + " are")
                        + " missing"));
            }
        }
        if (last == null) {
            if (newestSize > 0) {
                findings.add(Failure.of("scope", "the range bundle has no entries, but the log has " + newestSize));
            }
            return;
        }
        checkStart(range);
        checkEnd(range, newestSize);
    }

    private void checkStart(Manifest.RangeScope range) {
        if (first.seq() != 0 && first.timeNanos() >= range.fromNanos()) {
            findings.add(Failure.atSeq("scope", first.seq(), "the range starts at seq " + first.seq() + " (time "
                    + first.time() + "), which is not before from " + range.from() + ": its head may be cut off"));
        }
        if (second != null && second.timeNanos() < range.fromNanos()) {
            findings.add(Failure.atSeq("scope", second.seq(), "seq " + second.seq() + " (time " + second.time()
                    + ") is also before from " + range.from() + ": the range must start with the last entry before it"));
        }
    }

    private void checkEnd(Manifest.RangeScope range, long newestSize) {
        if (last.seq() != newestSize - 1 && last.timeNanos() <= range.toNanos()) {
            findings.add(Failure.atSeq("scope", last.seq(), "the range bundle is truncated: it ends at seq " + last.seq()
                    + " (time " + last.time() + ", not after to " + range.to() + ") but the newest checkpoint has size "
                    + newestSize));
        }
        if (penultimate != null && penultimate.timeNanos() > range.toNanos()) {
            findings.add(Failure.atSeq("scope", penultimate.seq(), "seq " + penultimate.seq() + " (time "
                    + penultimate.time() + ") is also after to " + range.to()
                    + ": the range must end with the first entry after it"));
        }
    }
}
