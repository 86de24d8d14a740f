package io.countersign.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Objects;

/**
 * What an agent asks for, before Countersign has given it an id or a digest.
 *
 * @param breakGlassReason why the caller invokes break-glass, or {@code null} for the normal path; not part of the
 *                         action digest
 */
public record ActionSubmission(String action, String resource, JsonNode parameters, String environment,
                               List<String> onBehalfOf, String justification, String breakGlassReason) {
    public ActionSubmission {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(environment, "environment");
        Objects.requireNonNull(justification, "justification");
        onBehalfOf = List.copyOf(onBehalfOf);
        if (breakGlassReason != null && breakGlassReason.isBlank()) {
            throw new IllegalArgumentException("break-glass needs a reason");
        }
    }

    public ActionSubmission(String action, String resource, JsonNode parameters, String environment,
                            List<String> onBehalfOf, String justification) {
        this(action, resource, parameters, environment, onBehalfOf, justification, null);
    }
}
