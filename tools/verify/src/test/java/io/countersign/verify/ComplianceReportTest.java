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
        assertFalse(Files.exists(dir.resolve("never.zip.partial")), "nothing half written is left behind");
    }

    @Test
    void everySampledRequest_hasAChangeRecord_whoseFactsCiteTheirEntries() throws Exception {
        Path report = ComplianceReport.write(period(), null, "soc2", 25, dir.resolve("report.zip"));

        JsonNode record = JSON.readTree(member(report, "records/req-a.json"));
        assertEquals("countersign-change-record/1", record.path("format").asText());
        assertEquals("req-a", record.path("request").asText());
        assertEquals("nightly clean-up of the orders table", record.path("why").path("justification").asText());
        assertEquals("prod-needs-two", record.path("policy").path("rules").path(0).asText());
        assertEquals("2026-11-01.3", record.path("policy").path("version").asText());
        assertEquals(2, record.path("votes").size());
        assertEquals("bob", record.path("votes").path(0).path("reviewer").asText());
        assertEquals("dba", record.path("votes").path(0).path("groups").path(0).asText());
        assertEquals("looks right", record.path("votes").path(0).path("comment").asText());
        assertEquals("approved", record.path("closed").path("status").asText());
        assertEquals("grant-req-a", record.path("grant").path("grant").asText());
        assertTrue(record.path("grantUsed").has("source"));
        assertTrue(record.path("execution").has("outcome"));

        Map<Long, String> hashes = new java.util.HashMap<>();
        try (ZipFile evidence = new ZipFile(writeMember(report, "evidence.zip").toFile());
             var lines = new java.io.BufferedReader(new java.io.InputStreamReader(
                     evidence.getInputStream(evidence.getEntry("entries.jsonl")), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                hashes.put(JSON.readTree(line).path("seq").asLong(), "sha256:" + java.util.HexFormat.of().formatHex(
                        java.security.MessageDigest.getInstance("SHA-256").digest(line.getBytes(StandardCharsets.UTF_8))));
            }
        }
        for (String fact : java.util.List.of("asked", "why", "policy", "closed", "grant", "grantUsed", "execution")) {
            JsonNode source = record.path(fact).path("source");
            assertEquals(hashes.get(source.path("seq").asLong()), source.path("hash").asText(), fact);
        }
        assertEquals(hashes.get(record.path("votes").path(1).path("source").path("seq").asLong()),
                record.path("votes").path(1).path("source").path("hash").asText());

        String page = new String(member(report, "records/req-a.html"), StandardCharsets.UTF_8);
        assertTrue(page.contains("<h2>Who asked</h2>") && page.contains("<h2>What happened</h2>"), page);
        assertTrue(page.contains(record.path("votes").path(0).path("source").path("hash").asText()), page);
        assertFalse(page.contains("<script"));
        String html = new String(member(report, "report.html"), StandardCharsets.UTF_8);
        assertTrue(html.contains("<a href=\"records/req-a.html\"><code>req-a</code></a>"), html);
        assertTrue(JSON.readTree(member(report, "report-manifest.json")).path("members").has("records/req-c.html"));
    }

    @Test
    void anEditedChangeRecord_isNamed() throws Exception {
        Path report = ComplianceReport.write(period(), null, "soc2", 25, dir.resolve("report.zip"));
        Path edited = edit(report, "records/req-a.json", text -> text.replaceFirst("looks right", "looks fine"));

        ComplianceReport.Check check = ComplianceReport.check(edited, null);

        assertEquals(1, check.differences().size(), check.differences().toString());
        assertTrue(check.differences().get(0).startsWith("records/req-a.json: line "), check.differences().toString());
    }

    @Test
    void aRequestOutsideTheSampleAndTheExceptions_hasNoRecord() throws Exception {
        Path report = ComplianceReport.write(period(), null, "soc2", 1, dir.resolve("report.zip"));
        JsonNode sample = JSON.readTree(member(report, "sample.json"));
        java.util.Set<String> names = new java.util.HashSet<>();
        try (ZipFile file = new ZipFile(report.toFile())) {
            file.stream().forEach(entry -> names.add(entry.getName()));
        }
        assertEquals(java.util.Set.of("records/" + sample.path("requests").path(0).asText() + ".json",
                        "records/" + sample.path("requests").path(0).asText() + ".html"),
                names.stream().filter(name -> name.startsWith("records/")).collect(java.util.stream.Collectors.toSet()));
        assertTrue(ComplianceReport.check(report, null).ok());
    }

    @Test
    void theEvidenceComesFirst_andTheManifestLast_namingEveryOtherMember() throws Exception {
        Path report = ComplianceReport.write(period(), null, "soc2", 25, dir.resolve("report.zip"));
        java.util.List<String> names = new java.util.ArrayList<>();
        try (ZipFile file = new ZipFile(report.toFile())) {
            file.stream().forEach(entry -> names.add(entry.getName()));
        }
        assertEquals("evidence.zip", names.get(0));
        assertEquals("report-manifest.json", names.get(names.size() - 1));
        JsonNode manifest = JSON.readTree(member(report, "report-manifest.json"));
        java.util.List<String> listed = new java.util.ArrayList<>();
        manifest.path("members").fieldNames().forEachRemaining(listed::add);
        assertEquals(names.subList(0, names.size() - 1), listed);
        String evidenceDigest = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(member(report, "evidence.zip")));
        assertEquals(evidenceDigest, manifest.path("members").path("evidence.zip").asText());
    }

    @Test
    void aManifestWhoseDigestWasEdited_isFound() throws Exception {
        Path report = ComplianceReport.write(period(), null, "soc2", 25, dir.resolve("report.zip"));
        Path edited = edit(report, "report-manifest.json", text -> text.replaceFirst(
                "(\"evidence.zip\" : \")[0-9a-f]", "$1x"));

        ComplianceReport.Check check = ComplianceReport.check(edited, null);

        assertEquals(1, check.differences().size(), check.differences().toString());
        assertTrue(check.differences().get(0).startsWith("report-manifest.json: line "),
                check.differences().toString());
    }

    private Path writeMember(Path zip, String name) throws IOException {
        Path copy = Files.createTempFile(dir, "member-", "-" + name);
        Files.write(copy, member(zip, name));
        return copy;
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
