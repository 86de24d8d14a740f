package io.countersign.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link MonthReport} on four generated days: the history is written, the assembled distribution starts on it, the
 * period's evidence is exported over HTTP, the verifier makes the report and says VERIFIED, and FAILED of a copy with
 * one figure changed. The figures must show every kind of event the generator was asked for.
 */
class MonthReportTest {

    private static final Path ROOT = Path.of(System.getProperty("countersign.root", "..")).toAbsolutePath()
            .normalize();

    @Test
    @Timeout(180)
    void aReportOfGeneratedDaysVerifiesAndAnEditedFigureDoesNot() throws Exception {
        MonthReport.Options options = new MonthReport.Options(4, 300, 5, 7, "soc2",
                ROOT.resolve("bench/target/month-report-test"),
                ROOT.resolve("distribution/target/countersign.tar.gz"),
                ROOT.resolve("tools/verify/target/countersign-verify.jar"), ROOT.resolve("rules"), "1G");
        MonthReport.Result result = MonthReport.run(options);

        assertEquals(0, result.makeExit(), result.verifyOutput());
        assertFalse(result.pages().isEmpty(), "--pages wrote no PNG");
        assertTrue(Files.size(result.pages().get(0)) > 10_000, "page 1 is an empty image");
        assertTrue(result.verified(), result.verifyOutput());
        assertTrue(result.editRejected(), "the copy with requests.byStatus.denied changed was not refused as such: "
                + result.editedOutput());

        JsonNode figures = result.figures();
        assertEquals(result.from(), figures.path("period").path("from").asText());
        assertEquals(result.to(), figures.path("period").path("to").asText());
        for (String status : List.of("allowed", "approved", "denied", "expired", "open")) {
            assertTrue(figures.path("requests").path("byStatus").path(status).asLong() > 0, "no " + status
                    + " request: " + figures.path("requests"));
        }
        assertEquals(5, figures.path("requests").path("byStatus").path("open").asLong());
        JsonNode events = figures.path("events");
        for (String event : List.of("reviews.accepted.deny", "breakGlass.allowed", "standing.granted",
                "grants.refused.action-mismatch", "grants.refused.already-consumed", "executions.failure",
                "reviews.refused.self-approval", "policy.proposed")) {
            assertTrue(events.path(event).asLong() > 0, "no " + event + ": " + events);
        }
        JsonNode activations = figures.path("policy").path("activations");
        assertEquals(2, activations.size(), "the bootstrap and the change: " + activations);
        assertTrue(activations.get(0).path("bootstrap").asBoolean());
        assertEquals(List.of("grace", "heidi"), List.of(activations.get(1).path("approvers").get(0).asText(),
                activations.get(1).path("approvers").get(1).asText()));
        assertTrue(figures.path("exceptions").path("break-glass-unreviewed").asLong() > 0,
                "the post-incident review left unanswered is not an exception: " + figures.path("exceptions"));
        // the policy change made after the bootstrap decides from its activation on
        String changed = activations.get(1).path("version").asText();
        try (var zip = new java.util.zip.ZipFile(result.report().toFile())) {
            String population = new String(zip.getInputStream(zip.getEntry("population.csv")).readAllBytes(),
                    java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(population.contains(changed), "no request decided by the activated rule set " + changed);

            // every failed execution has a change record saying so, citing the entry it comes from
            String exceptions = new String(zip.getInputStream(zip.getEntry("exceptions.csv")).readAllBytes(),
                    java.nio.charset.StandardCharsets.UTF_8);
            String failed = exceptions.lines().filter(line -> line.startsWith("execution-failed,")).findFirst()
                    .orElseThrow().split(",")[2];
            var entry = zip.getEntry("records/" + failed + ".json");
            assertTrue(entry != null && zip.getEntry("records/" + failed + ".html") != null, "no record of " + failed);
            JsonNode record = new com.fasterxml.jackson.databind.ObjectMapper().readTree(zip.getInputStream(entry));
            assertEquals("failure", record.path("execution").path("outcome").asText(), record.toPrettyString());
            assertTrue(record.path("execution").path("source").path("hash").asText().startsWith("sha256:"));
            assertTrue(record.path("votes").size() + record.path("policy").path("rules").size() > 0,
                    record.toPrettyString());
        }
    }
}
