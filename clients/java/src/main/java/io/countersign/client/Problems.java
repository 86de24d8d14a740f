package io.countersign.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/** Turns a problem+json answer into the exception for its {@code reason}. */
final class Problems {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Problems() {
    }

    static CountersignException fromAnswer(int status, String contentType, String body) {
        JsonNode problem;
        try {
            problem = body == null || body.isEmpty() ? null : MAPPER.readTree(body);
        } catch (IOException e) {
            problem = null;
        }
        if (problem == null || !problem.path("reason").isTextual()
                || !contentType.toLowerCase(java.util.Locale.ROOT).startsWith("application/problem+json")) {
            return new UnexpectedAnswerException("unexpected-answer", status,
                    "not a problem+json answer: " + abbreviate(body), null);
        }
        String reason = problem.path("reason").asText();
        String detail = problem.path("detail").asText(problem.path("title").asText(""));
        return forReason(status, reason, detail);
    }

    static CountersignException forReason(int status, String reason, String detail) {
        return switch (reason) {
            case "action-mismatch" -> new ActionMismatchException(reason, status, detail, null);
            case "not-yours" -> new GrantNotYoursException(reason, status, detail, null);
            case "already-consumed" -> new GrantAlreadyConsumedException(reason, status, detail, null);
            case "expired" -> new GrantExpiredException(reason, status, detail, null);
            case "invalid-grant" -> new InvalidGrantException(reason, status, detail, null);
            case "unknown-grant" -> new UnknownGrantException(reason, status, detail, null);
            case "not-consumed" -> new NotConsumedException(reason, status, detail, null);
            case "already-reported" -> new AlreadyReportedException(reason, status, detail, null);
            case "unauthenticated" -> new UnauthenticatedException(reason, status, detail, null);
            case "not-found" -> new NotFoundException(reason, status, detail, null);
            case "idempotency-key-reused" -> new IdempotencyKeyReusedException(reason, status, detail, null);
            case "unavailable", "starting" -> new UnavailableException(reason, status, detail, null);
            default -> switch (status) {
                case 400 -> new InvalidRequestException(reason, status, detail, null);
                case 403 -> new ForbiddenException(reason, status, detail, null);
                default -> new CountersignException(reason, status, detail, null);
            };
        };
    }

    static String abbreviate(String body) {
        if (body == null) {
            return "(no body)";
        }
        return body.length() <= 200 ? body : body.substring(0, 200) + "...";
    }
}
