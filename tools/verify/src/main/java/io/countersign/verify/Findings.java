package io.countersign.verify;

import java.util.ArrayList;
import java.util.List;

/** Failures and warnings, in the order found. All failures are counted; the first {@value #KEPT} are kept. */
final class Findings {
    static final int KEPT = 1000;

    private final List<Failure> failures = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private long failureCount;

    void add(Failure failure) {
        failureCount++;
        if (failures.size() < KEPT) {
            failures.add(failure);
        }
    }

    void warn(String warning) {
        warnings.add(warning);
    }

    boolean ok() {
        return failureCount == 0;
    }

    long failureCount() {
        return failureCount;
    }

    List<Failure> failures() {
        return List.copyOf(failures);
    }

    List<String> warnings() {
        return List.copyOf(warnings);
    }
}
