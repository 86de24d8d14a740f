package io.countersign.itests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks an HTTP exchange against the OpenAPI document of the API (bundles/intake-rest, {@code /v1/openapi.json}):
 * the path and method name an operation (or the server's own answers, {@code x-countersign-any-operation}), the
 * status is declared, the answer's media type is declared and its JSON body is valid against the declared schema,
 * and a request body that succeeded is valid against the operation's request schema.
 */
final class OpenApiContract {

    /** One request and its answer, as the tests' client saw them. */
    record Exchange(String method, String target, String requestContentType, String requestBody, int status,
                    String contentType, String body) {

        @Override
        public String toString() {
            return method + " " + target + " -> " + status + " " + contentType + " " + excerpt(body);
        }
    }

    static final String RESOURCE = "openapi/openapi.json";
    private static final String DOCUMENT_IRI = "https://countersign.invalid/v1/openapi.json";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static volatile OpenApiContract bundled;

    private final JsonNode document;
    private final JsonSchemaFactory factory;
    private final SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true)
            .build();
    private final Map<String, JsonSchema> schemas = new ConcurrentHashMap<>();

    OpenApiContract(String documentText) {
        try {
            this.document = JSON.readTree(documentText);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012, builder -> builder
                .schemaLoaders(loaders -> loaders.schemas(Map.of(DOCUMENT_IRI, documentText))));
    }

    /** The document as the intake-rest bundle ships it (unpacked into the test classes by the build). */
    static OpenApiContract bundled() {
        if (bundled == null) {
            synchronized (OpenApiContract.class) {
                if (bundled == null) {
                    bundled = new OpenApiContract(readBundled());
                }
            }
        }
        return bundled;
    }

    static String readBundled() {
        try (InputStream in = OpenApiContract.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not on the test classpath: the itests build unpacks"
                        + " it from countersign-intake-rest");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    JsonNode document() {
        return document;
    }

    /** Fails with every way {@code exchange} departs from the document. */
    void verify(Exchange exchange) {
        List<String> violations = check(exchange);
        if (!violations.isEmpty()) {
            throw new AssertionError("the exchange departs from openapi.json: " + exchange + "\n  - "
                    + String.join("\n  - ", violations));
        }
    }

    /** The ways {@code exchange} departs from the document; none if it keeps to it. */
    List<String> check(Exchange exchange) {
        String path = exchange.target().split("\\?", 2)[0];
        Optional<String> template = path.startsWith("/") ? template(path) : Optional.empty();
        String method = exchange.method().toLowerCase(Locale.ROOT);
        String operationPointer = template.map(t -> "/paths/" + escape(t) + "/" + method).orElse(null);
        boolean hasOperation = operationPointer != null && !document.at(operationPointer).isMissingNode();
        List<String> candidates = new ArrayList<>();
        String status = Integer.toString(exchange.status());
        if (hasOperation) {
            responsePointer(operationPointer + "/responses", status).ifPresent(candidates::add);
        }
        responsePointer("/x-countersign-any-operation", status).ifPresent(candidates::add);
        if (candidates.isEmpty()) {
            return List.of("status " + status + " is not declared for " + (hasOperation
                    ? exchange.method() + " " + template.get() : template.isPresent()
                    ? "a method the path does not serve" : "a path the document does not have"));
        }
        List<String> violations = new ArrayList<>();
        for (String candidate : candidates) {
            List<String> found = checkResponse(candidate, exchange);
            if (found.isEmpty()) {
                violations.clear();
                break;
            }
            violations.addAll(found);
        }
        if (violations.isEmpty() && hasOperation && exchange.status() / 100 == 2) {
            violations.addAll(checkRequestBody(operationPointer, exchange));
        }
        return violations;
    }

    private List<String> checkResponse(String responsePointer, Exchange exchange) {
        JsonNode content = document.at(responsePointer + "/content");
        String mediaType = exchange.contentType() == null ? "" : exchange.contentType().split(";", 2)[0].trim()
                .toLowerCase(Locale.ROOT);
        String where = " (" + responsePointer + ")";
        if (content.isMissingNode()) {
            return exchange.body() == null || exchange.body().isEmpty() ? List.of()
                    : List.of("the answer has a body where none is declared" + where);
        }
        if (!content.has(mediaType)) {
            return List.of("media type '" + mediaType + "' is not declared; declared: " + names(content) + where);
        }
        if (!mediaType.equals("application/json") && !mediaType.endsWith("+json")) {
            return List.of();
        }
        return validate(responsePointer + "/content/" + escape(mediaType) + "/schema", exchange.body(),
                "the answer");
    }

    private List<String> checkRequestBody(String operationPointer, Exchange exchange) {
        JsonNode requestBody = resolve(operationPointer + "/requestBody");
        if (requestBody == null || exchange.requestBody() == null || exchange.requestContentType() == null) {
            return List.of();
        }
        String mediaType = exchange.requestContentType().split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        String bodyPointer = pointerOf(operationPointer + "/requestBody");
        if (!document.at(bodyPointer + "/content").has(mediaType)) {
            return List.of("the request's media type '" + mediaType + "' is not declared, yet it succeeded");
        }
        return mediaType.equals("application/json")
                ? validate(bodyPointer + "/content/" + escape(mediaType) + "/schema", exchange.requestBody(),
                "the request body, which succeeded,")
                : List.of();
    }

    private List<String> validate(String schemaPointer, String body, String what) {
        JsonNode instance;
        try {
            instance = body == null || body.isEmpty() ? null : JSON.readTree(body);
        } catch (IOException e) {
            return List.of(what + " is not JSON: " + e.getMessage());
        }
        if (instance == null) {
            return List.of(what + " is empty where JSON is declared");
        }
        JsonSchema schema = schemas.computeIfAbsent(schemaPointer, pointer -> withOwnClassLoader(() ->
                factory.getSchema(SchemaLocation.of(DOCUMENT_IRI + "#" + pointer), config)));
        Set<ValidationMessage> messages = withOwnClassLoader(() -> schema.validate(instance));
        return messages.stream().map(m -> what + ": " + m.getMessage() + " (schema " + schemaPointer + ")").toList();
    }

    /** The pointer of the response declared for {@code status}: exact, then its range (4XX), followed through $ref. */
    private Optional<String> responsePointer(String responsesPointer, String status) {
        JsonNode responses = document.at(responsesPointer);
        for (String key : List.of(status, status.charAt(0) + "XX")) {
            if (responses.has(key)) {
                return Optional.of(pointerOf(responsesPointer + "/" + key));
            }
        }
        return Optional.empty();
    }

    /** Follows {@code $ref}s (local ones: the document has no other) to the pointer of the node itself. */
    private String pointerOf(String pointer) {
        String current = pointer;
        for (int hops = 0; hops < 16; hops++) {
            JsonNode node = document.at(current);
            if (!node.has("$ref")) {
                return current;
            }
            current = node.get("$ref").asText().substring(1);
        }
        throw new IllegalStateException("a $ref loop at " + pointer);
    }

    private JsonNode resolve(String pointer) {
        JsonNode node = document.at(pointerOf(pointer));
        return node.isMissingNode() ? null : node;
    }

    /** The documented path that {@code path} is an instance of: literal segments win over parameters. */
    Optional<String> template(String path) {
        String[] concrete = path.split("/", -1);
        String best = null;
        int bestLiterals = -1;
        for (Iterator<String> names = document.get("paths").fieldNames(); names.hasNext(); ) {
            String candidate = names.next();
            String[] parts = candidate.split("/", -1);
            if (parts.length != concrete.length) {
                continue;
            }
            int literals = 0;
            boolean matches = true;
            for (int i = 0; i < parts.length && matches; i++) {
                if (parts[i].startsWith("{") && parts[i].endsWith("}")) {
                    matches = !concrete[i].isEmpty();
                } else {
                    matches = parts[i].equals(concrete[i]);
                    literals++;
                }
            }
            if (matches && literals > bestLiterals) {
                best = candidate;
                bestLiterals = literals;
            }
        }
        return Optional.ofNullable(best);
    }

    /** The library reads its meta-schemas through the context class loader, which inside Karaf is not ours. */
    private static <T> T withOwnClassLoader(java.util.function.Supplier<T> call) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(OpenApiContract.class.getClassLoader());
        try {
            return call.get();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }

    private static List<String> names(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static String excerpt(String body) {
        if (body == null) {
            return "";
        }
        return body.length() > 400 ? body.substring(0, 400) + "..." : body;
    }
}
