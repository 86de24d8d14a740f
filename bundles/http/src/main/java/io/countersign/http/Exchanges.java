package io.countersign.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** Writing JSON and problem answers from a route. */
public final class Exchanges {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Exchanges() {
    }

    /** The token of an {@code Authorization: Bearer} header, if there is one. */
    public static Optional<String> bearer(Request request) {
        String header = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        if (header == null || header.length() < 8 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        String token = header.substring(7).trim();
        return token.isEmpty() ? Optional.empty() : Optional.of(token);
    }

    /** Answers 401 with the challenge that names Countersign's bearer realm. */
    public static void unauthorized(Response response, Callback callback, String detail) {
        problem(response, callback, Problem.unauthorized(detail),
                Map.of("WWW-Authenticate", "Bearer realm=\"countersign\""));
    }

    public static void methodNotAllowed(Response response, Callback callback, String allowed) {
        problem(response, callback, Problem.methodNotAllowed("use " + allowed + " here"), Map.of("Allow", allowed));
    }

    public static void json(Response response, Callback callback, int status, JsonNode body) {
        json(response, callback, status, body, Map.of());
    }

    public static void json(Response response, Callback callback, int status, JsonNode body,
                            Map<String, String> headers) {
        write(response, callback, status, "application/json", body, headers);
    }

    public static void problem(Response response, Callback callback, Problem problem) {
        problem(response, callback, problem, Map.of());
    }

    public static void problem(Response response, Callback callback, Problem problem, Map<String, String> headers) {
        write(response, callback, problem.status(), Problem.MEDIA_TYPE, problem.toJson(), headers);
    }

    /**
     * A problem with extension members (RFC 9457 §3.2), such as the state of each health check; the members of
     * {@code extensions} never replace the problem's own.
     */
    public static void problem(Response response, Callback callback, Problem problem, ObjectNode extensions,
                               Map<String, String> headers) {
        ObjectNode body = problem.toJson();
        if (extensions != null) {
            extensions.properties().forEach(member -> {
                if (!body.has(member.getKey())) {
                    body.set(member.getKey(), member.getValue());
                }
            });
        }
        write(response, callback, problem.status(), Problem.MEDIA_TYPE, body, headers);
    }

    /**
     * Call before committing an answer. A route that answers before reading the whole body (a 401, a 415) would
     * otherwise leave the rest of the body on a connection the client believes reusable: Jetty closes it after the
     * answer, and the client's next request on it fails with an EOF.
     */
    public static void closeUnlessBodyConsumed(Response response) {
        if (!response.getRequest().consumeAvailable()) {
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
        }
    }

    private static void write(Response response, Callback callback, int status, String mediaType, JsonNode body,
                              Map<String, String> headers) {
        byte[] bytes;
        try {
            bytes = MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            callback.failed(e);
            return;
        }
        response.setStatus(status);
        closeUnlessBodyConsumed(response);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, mediaType);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        headers.forEach(response.getHeaders()::put);
        response.write(true, ByteBuffer.wrap(bytes), callback);
    }

    /** A {@code Retry-After} value (RFC 9110 §10.2.3): whole seconds, rounded up, at least one; one for none. */
    public static String retryAfter(Duration delay) {
        if (delay == null) {
            return "1";
        }
        long seconds = delay.getSeconds() + (delay.getNano() > 0 ? 1 : 0);
        return Long.toString(Math.max(1, seconds));
    }

    /**
     * Whether a Content-Type header names {@code mediaType} (case-insensitively) in UTF-8: a charset parameter, if
     * any, must be UTF-8, because bodies are decoded as UTF-8 only.
     */
    public static boolean isUtf8(String contentType, String mediaType) {
        if (contentType == null) {
            return false;
        }
        String[] parts = contentType.split(";");
        if (!parts[0].trim().equalsIgnoreCase(mediaType)) {
            return false;
        }
        for (int i = 1; i < parts.length; i++) {
            String parameter = parts[i].trim().toLowerCase(java.util.Locale.ROOT);
            if (parameter.startsWith("charset=") && !parameter.equals("charset=utf-8")
                    && !parameter.equals("charset=\"utf-8\"")) {
                return false;
            }
        }
        return true;
    }
}
