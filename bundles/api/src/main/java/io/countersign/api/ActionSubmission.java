package io.countersign.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Objects;

/** What an agent asks for, before Countersign has given it an id or a digest. */
public record ActionSubmission(String action, String resource, JsonNode parameters, String environment,
                               List<String> onBehalfOf, String justification) {
    public ActionSubmission {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(environment, "environment");
        Objects.requireNonNull(justification, "justification");
        onBehalfOf = List.copyOf(onBehalfOf);
    }
}
