package io.countersign.verify;

import java.io.PrintStream;
import java.util.List;
import java.util.stream.Collectors;

/** The human summary: what was verified, then every warning and failure, then the verdict. */
final class TextReport {
    private static final int LISTED = 10;

    private TextReport() {
    }

    static void print(Report report, PrintStream out) {
        Summary s = report.summary();
        out.println("Countersign evidence bundle " + s.bundle());
        out.println("  origin:       " + s.origin());
        out.println("  scope:        " + s.scope());
        if (s.proves() != null) {
            out.println("  proves:       " + s.proves());
        }
        out.println("  entries:      " + s.entries() + (s.firstSeq() == null ? "" : " (seq " + s.firstSeq() + " to " + s.lastSeq() + ")"));
        out.println("  runs:         " + s.runs().size() + listed(s.runs().stream().map(Run::describe).toList()));
        out.println("  checkpoints:  " + s.checkpoints().size() + listed(s.checkpoints().stream()
                .map(c -> "size " + c.size() + " at " + c.time()).toList()));
        out.println("  proofs:       " + s.inclusionProofsVerified() + " inclusion and " + s.consistencyProofsVerified()
                + " consistency proofs verified");
        out.println("  keys:         " + s.keys());
        if (s.trustedSize() != null) {
            out.println("  trusted:      checkpoint of size " + s.trustedSize());
        }
        RequestChains.Summary requests = s.requests();
        out.println("  requests:     " + requests.requests() + " (" + (requests.requests() - requests.partial().size())
                + " with a complete chain, " + requests.partial().size() + " partial" + listed(requests.partial()) + ")");
        for (RequestChains.Chain chain : requests.chains()) {
            out.println("    " + chain.request() + ": " + String.join(" → ", chain.steps())
                    + (chain.complete() ? "" : " (partial)"));
        }
        out.println("  grants:       " + s.grantsChecked() + " checked");
        if (report.fabric() != null) {
            FabricChecks.Summary fabric = report.fabric();
            out.println("  fabric:       " + fabric.anchoredEntries() + " of " + fabric.entries()
                    + " entries anchored with the same hash, in " + fabric.transactions().size() + " transaction(s)");
            for (FabricChecks.Transaction transaction : fabric.transactions()) {
                out.println("    tx " + transaction.txId() + " block " + transaction.block() + ": entries "
                        + transaction.from() + " to " + (transaction.to() - 1));
            }
            fabric.transactionsByRequest().forEach((request, txIds) ->
                    out.println("    " + request + ": " + String.join(", ", txIds)));
        }
        out.println("  time:         " + s.elapsedMillis() + " ms");
        report.warnings().forEach(warning -> out.println("WARN " + warning));
        report.failures().forEach(failure -> out.println(failure.describe()));
        long unlisted = report.failureCount() - report.failures().size();
        if (unlisted > 0) {
            out.println("... and " + unlisted + " more failures");
        }
        out.println(report.ok() ? "VERIFIED" : "NOT VERIFIED: " + report.failureCount() + " failure(s)");
    }

    private static String listed(List<String> items) {
        if (items.isEmpty()) {
            return "";
        }
        String shown = items.stream().limit(LISTED).collect(Collectors.joining(", "));
        return ": " + shown + (items.size() > LISTED ? ", … (" + (items.size() - LISTED) + " more)" : "");
    }
}
