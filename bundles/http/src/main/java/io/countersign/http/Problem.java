package io.countersign.http;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An RFC 9457 problem detail. {@code reason} is a stable machine-readable code; it also names the problem type
 * ({@code urn:countersign:problem:<reason>}).
 */
public record Problem(int status, String reason, String title, String detail) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public ObjectNode toJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("type", "urn:countersign:problem:" + reason);
        json.put("title", title);
        json.put("status", status);
        json.put("detail", detail);
        json.put("reason", reason);
        return json;
    }

    public static Problem badRequest(String reason, String detail) {
        return new Problem(400, reason, "The request is not valid", detail);
    }

    public static Problem unauthorized(String detail) {
        return new Problem(401, "unauthenticated", "Credentials are missing or wrong", detail);
    }

    public static Problem forbidden(String reason, String detail) {
        return new Problem(403, reason, "Not permitted", detail);
    }

    public static Problem notFound(String detail) {
        return new Problem(404, "not-found", "No such resource", detail);
    }

    public static Problem methodNotAllowed(String detail) {
        return new Problem(405, "method-not-allowed", "Method not allowed", detail);
    }

    public static Problem unavailable(String detail) {
        return new Problem(503, "unavailable", "Temporarily unavailable", detail);
    }
}
