package io.countersign.verify;

import java.util.List;

/** The outcome of verifying one bundle: {@code ok} only when no check failed; {@code fabric} only with --fabric. */
record Report(boolean ok, long failureCount, List<Failure> failures, List<String> warnings, Summary summary,
              FabricChecks.Summary fabric) {
}
