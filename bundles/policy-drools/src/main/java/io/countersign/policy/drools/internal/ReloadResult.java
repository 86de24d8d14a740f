package io.countersign.policy.drools.internal;

import java.util.List;
import java.util.Objects;

/**
 * What one reload did.
 *
 * @param version the version of the files that were read, or {@code null} if the directory could not be read
 * @param activeVersion the version that decides requests after the reload ({@code none} if there is none)
 * @param errors why the files were rejected; empty unless {@link Status#REJECTED}
 * @param ruleCount the number of rules in the active rule set
 */
public record ReloadResult(Status status, String version, String activeVersion, List<String> errors, int ruleCount,
                           long millis) {

    public enum Status {
        /** The files compiled and now decide every new request. */
        ACTIVATED,
        /** The files are byte for byte the active rule set: nothing was rebuilt. */
        UNCHANGED,
        /** The files did not compile (or could not be read); the previous rule set, if any, stays active. */
        REJECTED
    }

    public ReloadResult {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(activeVersion, "activeVersion");
        errors = List.copyOf(errors);
    }

    public boolean activated() {
        return status == Status.ACTIVATED;
    }
}
