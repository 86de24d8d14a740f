package io.countersign.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerSuite;

/**
 * The OpenAPI document names every route the running server registers, and the server serves what it names: every
 * route prefix the server lists has documented paths; every documented operation is answered by a route (without
 * credentials, so nothing changes); every other method on a documented path is 405; and a path below a documented
 * one is nothing the server serves. Every exchange here is also checked against the document by {@link Api}.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerSuite.class)
public class OpenApiRoutesIT extends CountersignTestSupport {

    private static final List<String> METHODS = List.of("GET", "POST", "PUT", "PATCH", "DELETE");

    private final JsonNode paths = OpenApiContract.bundled().document().get("paths");

    private static boolean servedByNoRoute(Api.Answer answer) {
        return answer.status() == 404 && answer.text("detail").startsWith("nothing is served at");
    }

    private static String concrete(String template) {
        return template.replaceAll("\\{[^}]+}", "openapi-probe");
    }

    private List<String> templates() {
        List<String> templates = new ArrayList<>();
        paths.fieldNames().forEachRemaining(templates::add);
        return templates;
    }

    private Api.Answer probe(String method, String path, String token) throws Exception {
        boolean withBody = method.equals("POST") || method.equals("PUT") || method.equals("PATCH");
        return api.send(method, path, token, withBody ? "application/json" : null, withBody ? "{}" : null);
    }

    /** Whether the path is there only while a feature is installed or configured. */
    private boolean optional(String template) {
        return paths.get(template).findValue("x-countersign-optional") != null;
    }

    private boolean nonApi(String template) {
        return paths.get(template).findValue("x-countersign-non-api") != null;
    }

    @Test
    public void everyRoutePrefixTheServerRegisters_hasDocumentedPaths() throws Exception {
        Api.Answer server = api.get("/health", null);
        assertEquals(200, server.status());
        List<String> undocumented = new ArrayList<>();
        for (JsonNode route : server.body().path("routes")) {
            String prefix = route.asText();
            if (templates().stream().noneMatch(t -> t.equals(prefix) || t.startsWith(prefix + "/"))) {
                undocumented.add(prefix);
            }
        }
        assertEquals("route prefixes with no path in openapi.json", List.of(), undocumented);
        assertTrue(server.raw(), server.body().path("routes").toString().contains("\"/v1/openapi.json\""));
    }

    @Test
    public void everyDocumentedOperation_isServed() throws Exception {
        List<String> notServed = new ArrayList<>();
        for (String template : templates()) {
            for (String method : METHODS) {
                String key = method.toLowerCase(Locale.ROOT);
                if (!paths.get(template).has(key)) {
                    continue;
                }
                Api.Answer answer = probe(method, concrete(template), null);
                if ((servedByNoRoute(answer) && !optional(template)) || answer.status() == 405) {
                    notServed.add(method + " " + template + " -> " + answer.status() + " " + answer.raw());
                }
            }
        }
        assertEquals("documented but not served", List.of(), notServed);
    }

    @Test
    public void otherMethodsOnDocumentedPaths_areNotAllowed() throws Exception {
        String reviewer = credentials.reviewerToken("bob");
        List<String> served = new ArrayList<>();
        for (String template : templates()) {
            for (String method : METHODS) {
                String key = method.toLowerCase(Locale.ROOT);
                if (paths.get(template).has(key) || optional(template)) {
                    continue;
                }
                // as a reviewer: some routes authenticate before they look at the method
                Api.Answer answer = probe(method, concrete(template), reviewer);
                if (answer.status() != 405) {
                    served.add(method + " " + template + " -> " + answer.status() + " " + answer.raw());
                }
            }
        }
        assertEquals("served but not documented", List.of(), served);
    }

    @Test
    public void pathsBelowDocumentedOnes_andBesideThem_areNotServed() throws Exception {
        List<String> candidates = new ArrayList<>(List.of("/v1/openapi-probe", "/v1/ledger/openapi-probe",
                "/v1/policy/openapi-probe", "/v1/actions/openapi-probe/openapi-probe", "/v2/openapi-probe"));
        for (String template : templates()) {
            if (!nonApi(template)) {
                candidates.add(concrete(template) + "/openapi-probe");
            }
        }
        List<String> served = new ArrayList<>();
        for (String path : candidates) {
            if (OpenApiContract.bundled().template(path).isPresent()) {
                continue;
            }
            Api.Answer answer = api.get(path, credentials.reviewerToken("bob"));
            if (!servedByNoRoute(answer)) {
                served.add("GET " + path + " -> " + answer.status() + " " + answer.raw());
            }
        }
        assertEquals("served but not documented", List.of(), served);
    }

    @Test
    public void theServedDocument_isTheBundledOne_andRevalidatesWithItsETag() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        URI uri = URI.create("http://127.0.0.1:" + System.getProperty("countersign.it.port") + "/v1/openapi.json");
        HttpResponse<String> first = client.send(HttpRequest.newBuilder(uri).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, first.statusCode());
        assertEquals(OpenApiContract.readBundled(), first.body());
        String etag = first.headers().firstValue("ETag").orElse(null);
        assertNotNull(etag);
        HttpResponse<String> again = client.send(HttpRequest.newBuilder(uri).header("If-None-Match", etag).GET()
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(304, again.statusCode());
        assertTrue(again.body().isEmpty());
        Api.Answer viaApi = api.get("/v1/openapi.json", null);
        assertEquals("3.1.0", viaApi.text("openapi"));
        assertTrue(viaApi.body().path("paths").has("/v1/actions"));
    }
}
