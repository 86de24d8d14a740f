package io.countersign.policy.drools.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.Action;
import io.countersign.api.ActionRequest;
import io.countersign.api.Agent;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/** Test requests and paths. */
final class Requests {
    static final Agent AGENT = new Agent("agent-7", List.of("alice"));
    private static final ObjectMapper JSON = new ObjectMapper();

    private Requests() {
    }

    static ActionRequest request(String action, String environment, String parametersJson) {
        return request(action, environment, parametersJson, "ticket OPS-1234: nightly reconciliation");
    }

    static ActionRequest request(String action, String environment, String parametersJson, String justification) {
        ObjectNode parameters;
        try {
            parameters = (ObjectNode) JSON.readTree(parametersJson);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        Action body = new Action(action, "db://orders", parameters, environment, "agent-7", List.of("alice"));
        return new ActionRequest("req-1", body, justification, "sha256:00", Instant.parse("2025-01-02T03:04:05Z"),
                null);
    }

    static ClassLoader loader() {
        return Requests.class.getClassLoader();
    }

    /** The project's rule pack: from the build (countersign.rules), else found above the working directory. */
    static Path rulePack() {
        String configured = System.getProperty("countersign.rules");
        if (configured != null && !configured.isBlank() && !configured.contains("${")) {
            return Path.of(configured);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (java.nio.file.Files.isDirectory(dir.resolve(".mvn"))
                    && java.nio.file.Files.isDirectory(dir.resolve("rules"))) {
                return dir.resolve("rules");
            }
        }
        throw new IllegalStateException("cannot find the rules/ directory; set -Dcountersign.rules");
    }
}
