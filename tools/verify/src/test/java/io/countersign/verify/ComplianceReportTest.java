package io.countersign.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.countersign.verify.report.ComplianceReport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A compliance report made from a range bundle that verifies, checked by making it again: any edited figure, row,
 * exception, sampled request or line of the page fails the check and is named.
 */
class ComplianceReportTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** req-0 before the period; req-a reviewed and approved, req-b allowed, req-c denied in it; req-d after it. */
    private Path period() throws IOException {
        EvidenceFixture fixture = new EvidenceFixture();
        fixture.append(fixture.allowedRequest("req-0"));
        fixture.checkpoint();
        long first = fixture.log.size();
        fixture.append(fixture.reviewedRequest("req-a"), fixture.allowedRequest("req-b"));
        fixture.append(fixture.deniedRequest("req-c"));
        long last = fixture.log.size() - 1;
        fixture.checkpoint();
        fixture.append(fixture.allowedRequest("req-d"));
        fixture.checkpoint();
        Instant from = fixture.log.entry(first).time();
        Instant to = fixture.log.entry(last).time().plusNanos(1);
        return fixture.rangeBundle(from, to).write(dir);
    }

    @Test
    void aReportOfAVerifiedPeriod_countsItsRequests_andChecksAsMade() throws Exception {
        Path report = ComplianceReport.write(period(), null, "soc2", 2, dir.resolve("report.zip"));

        JsonNode figures = JSON.readTree(member(report, "figures.json"));
        assertEquals(3, figures.path("requests").path("total").asLong(), figures.toPrettyString());
        assertEquals(1, figures.path("requests").path("byStatus").path("approved").asLong());
        assertEquals(1, figures.path("requests").path("byStatus").path("allowed").asLong());
        assertEquals(1, figures.path("requests").path("byStatus").path("denied").asLong());
        assertEquals(2, figures.path("perReviewer").path("bob").path("approve").asLong()
                + figures.path("perReviewer").path("bob").path("deny").asLong());
        assertEquals(2, figures.path("events").path("grants.issued").asLong(), "req-a's and req-b's");
        String population = new String(member(report, "population.csv"), StandardCharsets.UTF_8);
        assertEquals(4, population.split("\r\n").length, population);
        assertTrue(population.contains("req-a,") && population.contains("bob:approve") && !population.contains("req-d"),
                population);
        JsonNode sample = JSON.readTree(member(report, "sample.json"));
        assertEquals(2, sample.path("requests").size());
        String html = new String(member(report, "report.html"), StandardCharsets.UTF_8);
        assertTrue(html.contains("<td data-figure=\"requests.total\">3</td>"), html);
        assertTrue(html.contains("CC8.1"), "the SOC 2 control mapping");
        assertFalse(html.contains("<script"));

        byte[] pdf = member(report, "report.pdf");
        assertEquals("%PDF-", new String(pdf, 0, 5, StandardCharsets.US_ASCII));
        assertTrue(ComplianceReport.pdfPages(report, dir.resolve("pages")).size() >= 1);

        ComplianceReport.Check check = ComplianceReport.check(report, null);
        assertTrue(check.ok(), check.differences().toString());
        assertEquals(3, check.population());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(Main.VERIFIED, Main.run(new String[] {report.toString()}, new PrintStream(out),
                new PrintStream(new ByteArrayOutputStream())));
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("VERIFIED report"), out.toString());
    }

    @Test
    void theSameEvidence_givesTheSameReport() throws Exception {
        Path bundle = period();
        Path first = ComplianceReport.write(bundle, null, "iso27001", 25, dir.resolve("first.zip"));
        Path second = ComplianceReport.write(bundle, null, "iso27001", 25, dir.resolve("second.zip"));
        assertEquals(-1, Files.mismatch(first, second), "a report is a function of its evidence");
    }

    @Test
    void anEditedFigure_isNamed() throws Exception {
        Path report = ComplianceReport.write(period(), null, "nist-800-53", 25, dir.resolve("report.zip"));
        Path edited = edit(report, "figures.json", text -> text.replace("\"denied\" : 1", "\"denied\" : 0"));

        ComplianceReport.Check check = ComplianceReport.check(edited, null);

        assertFalse(check.ok());
        assertTrue(check.differences().contains("figures.json: the figure requests.byStatus.denied is not what the "
                + "evidence gives"), check.differences().toString());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(Main.FAILED, Main.run(new String[] {edited.toString()}, new PrintStream(out),
                new PrintStream(new ByteArrayOutputStream())));
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("FAILED report"), out.toString());
    }

    @Test
    void anEditedPage_populationRowOrSample_isFound() throws Exception {
        Path report = ComplianceReport.write(period(), null, "soc2", 25, dir.resolve("report.zip"));

        Path page = edit(report, "report.html", text -> text.replace("<td data-figure=\"requests.total\">3</td>",
                "<td data-figure=\"requests.total\">30</td>"));
        Path row = edit(report, "population.csv", text -> text.replace("bob:deny", "bob:approve"));
        Path sample = edit(report, "sample.json", text -> text.replace("req-a", "req-0"));

        assertTrue(ComplianceReport.check(page, null).differences().get(0).startsWith("report.html: line "));
        assertTrue(ComplianceReport.check(row, null).differences().get(0).startsWith("population.csv: line "));
        assertTrue(ComplianceReport.check(sample, null).differences().get(0).startsWith("sample.json: "));
    }

    @Test
    void aPdfWhoseFigureWasEdited_isFound() throws Exception {
        Path report = ComplianceReport.write(period(), null, "soc2", 25, dir.resolve("report.zip"));
        String page = new String(member(report, "report.html"), StandardCharsets.UTF_8);
        byte[] editedPdf = io.countersign.verify.report.ReportPdfAccess.render(
                page.replace("<td data-figure=\"requests.total\">3</td>", "<td data-figure=\"requests.total\">4</td>"));
        Path edited = replace(report, "report.pdf", editedPdf);

        ComplianceReport.Check check = ComplianceReport.check(edited, null);

        assertEquals(1, check.differences().size(), check.differences().toString());
        assertTrue(check.differences().get(0).startsWith("report.pdf: line "), check.differences().toString());
    }

    @Test
    void evidenceThatDoesNotVerify_makesNoReport() throws Exception {
        Path report = ComplianceReport.write(period(), null, "soc2", 25, dir.resolve("report.zip"));
        byte[] evidence = member(report, "evidence.zip");
        Path tampered = dir.resolve("tampered-evidence.zip");
        Files.write(tampered, evidence);
        Path rewritten = edit(tampered, "entries.jsonl", text -> text.replace("bob", "eve"));

        assertThrows(VerifiedEvidence.Rejected.class,
                () -> ComplianceReport.write(rewritten, null, "soc2", 25, dir.resolve("never.zip")));
        assertFalse(Files.exists(dir.resolve("never.zip")));
    }

    private static byte[] member(Path zip, String name) throws IOException {
        try (ZipFile file = new ZipFile(zip.toFile()); InputStream in = file.getInputStream(file.getEntry(name))) {
            return in.readAllBytes();
        }
    }

    private Path replace(Path zip, String name, byte[] bytes) throws IOException {
        return rewrite(zip, name, before -> bytes);
    }

    private Path edit(Path zip, String name, UnaryOperator<String> change) throws IOException {
        return rewrite(zip, name, before -> {
            String text = new String(before, StandardCharsets.UTF_8);
            String after = change.apply(text);
            assertFalse(text.equals(after), "the edit changed " + name);
            return after.getBytes(StandardCharsets.UTF_8);
        });
    }

    private Path rewrite(Path zip, String name, UnaryOperator<byte[]> change) throws IOException {
        Map<String, byte[]> members = new LinkedHashMap<>();
        try (ZipFile file = new ZipFile(zip.toFile())) {
            for (var entries = file.entries(); entries.hasMoreElements(); ) {
                ZipEntry entry = entries.nextElement();
                try (InputStream in = file.getInputStream(entry)) {
                    members.put(entry.getName(), in.readAllBytes());
                }
            }
        }
        members.put(name, change.apply(members.get(name)));
        Path edited = Files.createTempFile(dir, "edited-", ".zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(edited))) {
            for (Map.Entry<String, byte[]> each : members.entrySet()) {
                out.putNextEntry(new ZipEntry(each.getKey()));
                out.write(each.getValue());
                out.closeEntry();
            }
        }
        return edited;
    }
}
