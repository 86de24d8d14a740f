package io.countersign.intake.rest.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countersign.http.HttpRoute;
import java.util.Map;
import org.eclipse.jetty.http.HttpTester;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class OpenApiDocumentRouteTest {

    private static RouteHarness harness;

    @BeforeAll
    static void start() throws Exception {
        harness = new RouteHarness(Map.<String, HttpRoute>of(OpenApiDocument.PATH, new OpenApiDocument()));
    }

    @AfterAll
    static void stop() throws Exception {
        harness.close();
    }

    @Test
    void get_answersTheDocument_withAnETag_toRevalidate() throws Exception {
        HttpTester.Response answer = harness.send("GET", "/v1/openapi.json");
        assertEquals(200, answer.getStatus());
        assertEquals("application/json", answer.get("Content-Type"));
        assertEquals("no-cache", answer.get("Cache-Control"));
        assertNotNull(answer.get("ETag"));
        assertArrayEquals(OpenApiDocument.read(), answer.getContentBytes());
    }

    @Test
    void ifNoneMatch_withItsETag_isNotModified() throws Exception {
        String etag = harness.send("GET", "/v1/openapi.json").get("ETag");
        HttpTester.Response answer = harness.send("GET", "/v1/openapi.json", "If-None-Match: \"other\", " + etag);
        assertEquals(304, answer.getStatus());
        assertEquals(etag, answer.get("ETag"));
        assertEquals(0, answer.getContentBytes() == null ? 0 : answer.getContentBytes().length);
        assertEquals(304, harness.send("GET", "/v1/openapi.json", "If-None-Match: W/" + etag).getStatus());
        assertEquals(200, harness.send("GET", "/v1/openapi.json", "If-None-Match: \"other\"").getStatus());
    }

    @Test
    void otherMethods_areRefusedAsProblems() throws Exception {
        HttpTester.Response answer = harness.send("POST", "/v1/openapi.json");
        assertEquals(405, answer.getStatus());
        assertEquals("GET", answer.get("Allow"));
        assertEquals("application/problem+json", answer.get("Content-Type"));
        assertTrue(answer.getContent().contains("\"reason\":\"method-not-allowed\""));
    }

    @Test
    void pathsBelowIt_areNotServed() throws Exception {
        assertEquals("true", harness.send("GET", "/v1/openapi.json/x").get(RouteHarness.UNROUTED));
    }
}
