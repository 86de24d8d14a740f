package io.countersign.api;

import org.osgi.annotation.versioning.ProviderType;

/** Decides what happens to an action. Implementations never throw: any failure is a {@code DENY}. */
@ProviderType
public interface PolicyEngine {

    /** Decides with what the approval core gathered about the request ({@link PolicyContext}). */
    Decision decide(ActionRequest request, Agent agent, PolicyContext context);

    /** Decides with no groups, no history and no break-glass. */
    default Decision decide(ActionRequest request, Agent agent) {
        return decide(request, agent, PolicyContext.none());
    }

    /** The hash of the active rule set. */
    String version();
}
