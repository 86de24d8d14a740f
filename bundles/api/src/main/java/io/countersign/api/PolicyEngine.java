package io.countersign.api;

import org.osgi.annotation.versioning.ProviderType;

/** Decides what happens to an action. Implementations never throw: any failure is a {@code DENY}. */
@ProviderType
public interface PolicyEngine {

    Decision decide(ActionRequest request, Agent agent);

    /** The hash of the active rule set. */
    String version();
}
