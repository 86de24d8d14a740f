package io.countersign.intake.rest.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.countersign.api.ApprovalService;
import io.countersign.api.Directory;
import io.countersign.api.Journal;
import io.countersign.api.PolicyChanges;
import io.countersign.api.PolicyEngine;
import io.countersign.api.Reviewer;
import io.countersign.api.testing.InMemoryDirectory;
import io.countersign.http.HttpRoute;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpTester;
import org.junit.jupiter.api.Test;

/**
 * Every operation the routes of this bundle serve is in the OpenAPI document, and every operation the document puts
 * on them is served. The routes dispatch on literal path segments, and each such literal is a string constant of the
 * route's class: the probe walks every path built from those constants (and a stand-in for an id) with every
 * method, as a reviewer (some routes authenticate before they look at the method), and an operation is served where
 * the route answers anything but 405 or leaves the request to the server.
 * <p>
 * The routes of other bundles and the server's own endpoints are checked on the running server by
 * {@code OpenApiRoutesIT}.
 */
class RoutesInDocumentTest {

    private static final List<String> SERVED_ELSEWHERE = List.of("/v1/ledger", "/v1/evidence", "/v1/health",
            "/health", "/hooks/", "/review/", "/mcp", "/v1/siem");
    private static final List<String> METHODS = List.of("GET", "POST", "PUT", "PATCH", "DELETE");
    private static final String ID = "x";
    private static final String REVIEWER_TOKEN = "probe-reviewer";
    private static final Pattern PATH_LIKE = Pattern.compile("/?[a-z0-9][a-z0-9._-]*(/[a-z0-9][a-z0-9._-]*)*/?");

    @Test
    void everyServedOperationIsDocumented_andEveryDocumentedOneIsServed() throws Exception {
        Map<String, HttpRoute> routes = routes();
        JsonNode paths = new ObjectMapper().readTree(OpenApiDocument.read()).get("paths");
        Set<String> served = new TreeSet<>();
        try (RouteHarness harness = new RouteHarness(routes)) {
            for (Map.Entry<String, HttpRoute> route : routes.entrySet()) {
                served.addAll(probe(harness, routes.keySet(), route.getKey(), route.getValue(), paths));
            }
        }
        List<String> undocumented = new ArrayList<>();
        for (String operation : served) {
            String method = operation.substring(0, operation.indexOf(' '));
            String path = operation.substring(operation.indexOf(' ') + 1);
            Optional<String> template = template(paths, path);
            if (template.isEmpty() || !paths.get(template.get()).has(method.toLowerCase(java.util.Locale.ROOT))) {
                undocumented.add(operation);
            }
        }
        assertEquals(List.of(), undocumented, "served but not in openapi.json");
        List<String> notServed = new ArrayList<>();
        paths.fieldNames().forEachRemaining(template -> {
            if (SERVED_ELSEWHERE.stream().noneMatch(template::startsWith)) {
                for (String method : METHODS) {
                    String operation = method + " " + template.replaceAll("\\{[^}]+}", ID);
                    if (paths.get(template).has(method.toLowerCase(java.util.Locale.ROOT))
                            && !served.contains(operation)) {
                        notServed.add(operation);
                    }
                }
            }
        });
        assertEquals(List.of(), notServed, "in openapi.json but not served");
        assertTrue(served.contains("POST /v1/actions") && served.contains("GET /v1/policy/active"), served::toString);
    }

    /** A route with an operation the document does not have. */
    static final class UndocumentedRoute implements HttpRoute {
        @Override
        public boolean handle(org.eclipse.jetty.server.Request request, org.eclipse.jetty.server.Response response,
                              org.eclipse.jetty.util.Callback callback) {
            if (!org.eclipse.jetty.server.Request.getPathInContext(request).equals("/v1/undocumented")) {
                return false;
            }
            response.setStatus(200);
            callback.succeeded();
            return true;
        }
    }

    @Test
    void theProbe_findsAnOperationTheDocumentLacks() throws Exception {
        HttpRoute extra = new UndocumentedRoute();
        JsonNode paths = new ObjectMapper().readTree(OpenApiDocument.read()).get("paths");
        try (RouteHarness harness = new RouteHarness(Map.of("/v1", extra))) {
            Set<String> served = probe(harness, Set.of("/v1"), "/v1", extra, paths);
            assertTrue(served.contains("GET /v1/undocumented"), served::toString);
            assertTrue(template(paths, "/v1/undocumented").isEmpty());
        }
    }

    /** The operations {@code route} serves below {@code prefix}, found by walking paths of its constants. */
    private static Set<String> probe(RouteHarness harness, Set<String> prefixes, String prefix, HttpRoute route,
                                     JsonNode paths) throws Exception {
        Set<String> segments = new TreeSet<>(constantSegments(route.getClass()));
        segments.add(ID);
        int depth = 1;
        for (var names = paths.fieldNames(); names.hasNext(); ) {
            String template = names.next();
            if (owner(prefixes, template).equals(prefix)) {
                depth = Math.max(depth, template.substring(prefix.length()).split("/", -1).length - 1);
            }
        }
        List<String> candidates = new ArrayList<>(List.of(prefix));
        List<String> level = List.of(prefix);
        for (int i = 0; i < depth; i++) {
            List<String> next = new ArrayList<>();
            for (String path : level) {
                segments.forEach(segment -> next.add(path + "/" + segment));
            }
            candidates.addAll(next);
            level = next;
        }
        Set<String> served = new TreeSet<>();
        List<String> servedDeepest = new ArrayList<>();
        for (String path : candidates) {
            if (owner(prefixes, path).equals(prefix) && isServed(harness, path, served)
                    && path.split("/").length == level.get(0).split("/").length) {
                servedDeepest.add(path);
            }
        }
        // one level more below what is served at the deepest documented level
        for (String path : servedDeepest) {
            for (String segment : segments) {
                isServed(harness, path + "/" + segment, served);
            }
        }
        return served;
    }

    private static boolean isServed(RouteHarness harness, String path, Set<String> served) throws Exception {
        boolean any = false;
        for (String method : METHODS) {
            HttpTester.Response answer = harness.send(method, path, "Authorization: Bearer " + REVIEWER_TOKEN);
            if (answer.get(RouteHarness.UNROUTED) == null) {
                any = true;
                if (answer.getStatus() != 405) {
                    served.add(method + " " + path);
                }
            }
        }
        return any;
    }

    private static String owner(Set<String> prefixes, String path) {
        return prefixes.stream().filter(p -> path.equals(p) || path.startsWith(p + "/"))
                .max(Comparator.comparingInt(String::length)).orElse("");
    }

    /** The documented path that {@code path} is an instance of: literal segments win over parameters. */
    static Optional<String> template(JsonNode paths, String path) {
        String[] concrete = path.split("/", -1);
        String best = null;
        int bestLiterals = -1;
        for (var names = paths.fieldNames(); names.hasNext(); ) {
            String template = names.next();
            String[] parts = template.split("/", -1);
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
                best = template;
                bestLiterals = literals;
            }
        }
        return Optional.ofNullable(best);
    }

    private static Map<String, HttpRoute> routes() {
        Map<String, HttpRoute> routes = new LinkedHashMap<>();
        Directory directory = new InMemoryDirectory(new Reviewer("probe", Set.of()))
                .withReviewerToken(REVIEWER_TOKEN, "probe");
        routes.put("/v1", new RestApi(unusable(ApprovalService.class), directory, unusable(Journal.class),
                unusable(PolicyEngine.class), defaults(RestApi.Config.class)));
        routes.put("/v1/policy", new PolicyChangesApi(unusable(PolicyChanges.class), directory));
        routes.put(OpenApiDocument.PATH, new OpenApiDocument());
        return routes;
    }

    /** A service none of whose methods may be called: a route that reaches it has taken the request (500). */
    private static <T> T unusable(Class<T> type) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            if (method.getName().equals("toString")) {
                return "unusable " + type.getSimpleName();
            }
            throw new UnsupportedOperationException(type.getSimpleName() + "." + method.getName());
        }));
    }

    private static <A> A defaults(Class<A> config) {
        return config.cast(Proxy.newProxyInstance(config.getClassLoader(), new Class<?>[] {config},
                (proxy, method, args) -> method.getDefaultValue()));
    }

    /** The path segments among the string constants of a class file (JVMS §4.4). */
    static Set<String> constantSegments(Class<?> type) throws IOException {
        Set<String> segments = new TreeSet<>();
        for (String constant : stringConstants(type)) {
            if (PATH_LIKE.matcher(constant).matches()) {
                for (String segment : constant.split("/")) {
                    if (!segment.isEmpty()) {
                        segments.add(segment);
                    }
                }
            }
        }
        return segments;
    }

    private static List<String> stringConstants(Class<?> type) throws IOException {
        try (InputStream in = type.getResourceAsStream(type.getName().substring(type.getPackageName().length() + 1)
                + ".class")) {
            if (in == null) {
                return List.of();
            }
            DataInputStream data = new DataInputStream(in);
            data.skipBytes(8);
            int count = data.readUnsignedShort();
            String[] utf8 = new String[count];
            List<Integer> strings = new ArrayList<>();
            for (int i = 1; i < count; i++) {
                int tag = data.readUnsignedByte();
                switch (tag) {
                    case 1 -> utf8[i] = data.readUTF();
                    case 8 -> strings.add(data.readUnsignedShort());
                    case 7, 16, 19, 20 -> data.skipBytes(2);
                    case 15 -> data.skipBytes(3);
                    case 3, 4, 9, 10, 11, 12, 17, 18 -> data.skipBytes(4);
                    case 5, 6 -> {
                        data.skipBytes(8);
                        i++;
                    }
                    default -> throw new IOException("constant pool tag " + tag + " in " + type);
                }
            }
            return strings.stream().map(index -> utf8[index]).toList();
        }
    }
}
