package io.countersign.verify.report;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.verify.VerifiedEvidence;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * A compliance report for one period (docs/report-format.md): made only from a range evidence bundle that verifies,
 * and checked by making it again from the same bundle and comparing every derived member byte for byte.
 */
public final class ComplianceReport {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** "\n" line ends whatever the platform, so the bytes are the same wherever the report is made or checked. */
    private static final ObjectWriter PRETTY = JSON.writer(new DefaultPrettyPrinter()
            .withObjectIndenter(new DefaultIndenter("  ", "\n"))
            .withArrayIndenter(new DefaultIndenter("  ", "\n")));

    /** What a check found: empty {@code differences} means the report is what its evidence says. */
    public record Check(String period, String framework, long population, List<String> differences) {
        public boolean ok() {
            return differences.isEmpty();
        }
    }

    private ComplianceReport() {
    }

    /** Verifies {@code bundle} and writes the report zip for its period to {@code out}. */
    public static Path write(Path bundle, Path keys, String framework, int sampleSize, Path out)
            throws VerifiedEvidence.Rejected, IOException {
        Framework chosen = Framework.parse(framework);
        VerifiedEvidence evidence = VerifiedEvidence.of(bundle, keys);
        try (Derived derived = derive(evidence, chosen, sampleSize)) {
            return write(bundle, evidence, chosen, sampleSize, derived, out);
        }
    }

    private static Path write(Path bundle, VerifiedEvidence evidence, Framework chosen, int sampleSize,
                              Derived derived, Path out) throws IOException {
        ObjectNode manifest = JSON.createObjectNode();
        manifest.put("format", ReportFormat.FORMAT);
        manifest.put("framework", chosen.id());
        manifest.put("from", evidence.from().toString());
        manifest.put("to", evidence.to().toString());
        manifest.put("sampleSize", sampleSize);
        manifest.put("origin", evidence.origin());
        manifest.put("checkpointSize", evidence.checkpointSize());
        manifest.put("checkpointRoot", evidence.checkpointRoot());
        ObjectNode digests = manifest.putObject("members");
        for (String name : derived.names()) {
            MessageDigest digest = sha256();
            derived.writeTo(name, new java.security.DigestOutputStream(OutputStream.nullOutputStream(), digest));
            digests.put(name, HexFormat.of().formatHex(digest.digest()));
        }
        byte[] pdf = ReportPdf.render(new String(derived.small().get(ReportFormat.HTML), StandardCharsets.UTF_8));
        digests.put(ReportFormat.PDF, sha256(pdf));
        MessageDigest evidenceDigest = sha256();
        try (InputStream in = Files.newInputStream(bundle)) {
            in.transferTo(new java.security.DigestOutputStream(OutputStream.nullOutputStream(), evidenceDigest));
        }
        digests.put(ReportFormat.EVIDENCE, HexFormat.of().formatHex(evidenceDigest.digest()));
        Path partial = out.resolveSibling(out.getFileName() + ".partial");
        try (OutputStream file = Files.newOutputStream(partial);
             ZipOutputStream zip = new ZipOutputStream(new java.io.BufferedOutputStream(file, 1 << 16))) {
            member(zip, ReportFormat.MANIFEST, json(manifest));
            for (String name : derived.names()) {
                zip.putNextEntry(entry(name));
                derived.writeTo(name, zip);
                zip.closeEntry();
            }
            member(zip, ReportFormat.PDF, pdf);
            // the evidence is most of the zip (gigabytes for a busy month): the fastest deflate level takes a
            // fraction of the default's time for a little more size; members' bytes are the same either way
            zip.setLevel(java.util.zip.Deflater.BEST_SPEED);
            zip.putNextEntry(entry(ReportFormat.EVIDENCE));
            try (InputStream in = Files.newInputStream(bundle)) {
                in.transferTo(zip);
            }
            zip.closeEntry();
        }
        Files.move(partial, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return out;
    }

    /** Verifies the report's evidence and makes every derived member again; the differences say what was changed. */
    public static Check check(Path report, Path keys) throws VerifiedEvidence.Rejected, IOException {
        Path evidenceCopy = Files.createTempFile("countersign-report-evidence", ".zip");
        try (ZipFile zip = new ZipFile(report.toFile())) {
            Set<String> names = new HashSet<>();
            for (Enumeration<? extends ZipEntry> entries = zip.entries(); entries.hasMoreElements(); ) {
                String name = entries.nextElement().getName();
                if (!names.add(name)) {
                    throw new VerifiedEvidence.Rejected("the report has two members named " + name);
                }
            }
            for (String required : List.of(ReportFormat.MANIFEST, ReportFormat.EVIDENCE)) {
                if (!names.contains(required)) {
                    throw new VerifiedEvidence.Rejected("the report has no " + required + " member");
                }
            }
            JsonNode manifest = JSON.readTree(read(zip, ReportFormat.MANIFEST));
            if (!ReportFormat.FORMAT.equals(manifest.path("format").asText())) {
                throw new VerifiedEvidence.Rejected("not a " + ReportFormat.FORMAT + " report");
            }
            try (InputStream in = zip.getInputStream(zip.getEntry(ReportFormat.EVIDENCE))) {
                Files.copy(in, evidenceCopy, StandardCopyOption.REPLACE_EXISTING);
            }
            VerifiedEvidence evidence = VerifiedEvidence.of(evidenceCopy, keys);
            Framework framework = Framework.parse(manifest.path("framework").asText());
            List<String> differences = new ArrayList<>();
            if (!manifest.path("from").asText().equals(evidence.from().toString())
                    || !manifest.path("to").asText().equals(evidence.to().toString())) {
                differences.add(ReportFormat.MANIFEST + ": the period is not the evidence bundle's range");
            }
            try (Derived derived = derive(evidence, framework, manifest.path("sampleSize").asInt())) {
                return check(zip, names, evidence, framework, derived, differences);
            }
        } finally {
            Files.deleteIfExists(evidenceCopy);
        }
    }

    private static Check check(ZipFile zip, Set<String> names, VerifiedEvidence evidence, Framework framework,
                               Derived derived, List<String> differences) throws IOException {
        Map<String, byte[]> expected = derived.small();
        for (String name : derived.names()) {
            if (!names.contains(name)) {
                differences.add(name + ": missing");
                continue;
            }
            if (name.equals(ReportFormat.POPULATION)) {
                String difference = populationDifference(zip, derived);
                if (difference != null) {
                    differences.add(name + ": " + difference);
                }
                continue;
            }
            byte[] actual = read(zip, name);
            if (!java.util.Arrays.equals(actual, expected.get(name))) {
                differences.add(name + ": " + firstDifference(name, expected.get(name), actual));
            }
        }
        if (!names.contains(ReportFormat.PDF)) {
            differences.add(ReportFormat.PDF + ": missing");
        } else {
            String expectedText = ReportPdf.text(ReportPdf.render(new String(expected.get(ReportFormat.HTML),
                    StandardCharsets.UTF_8)));
            String actualText;
            try {
                actualText = ReportPdf.text(read(zip, ReportFormat.PDF));
            } catch (IOException e) {
                actualText = null;
            }
            if (actualText == null) {
                differences.add(ReportFormat.PDF + ": not a PDF");
            } else if (!expectedText.equals(actualText)) {
                differences.add(ReportFormat.PDF + ": " + firstDifference(ReportFormat.PDF,
                        expectedText.getBytes(StandardCharsets.UTF_8), actualText.getBytes(StandardCharsets.UTF_8)));
            }
        }
        Set<String> known = new HashSet<>(derived.names());
        known.add(ReportFormat.PDF);
        known.add(ReportFormat.MANIFEST);
        known.add(ReportFormat.EVIDENCE);
        names.stream().filter(name -> !known.contains(name)).sorted()
                .forEach(name -> differences.add(name + ": not a member of a report"));
        JsonNode figures = JSON.readTree(expected.get(ReportFormat.FIGURES));
        return new Check(evidence.from() + " to " + evidence.to(), framework.id(),
                figures.path("requests").path("total").asLong(), List.copyOf(differences));
    }

    /** Compares population.csv line by line as it streams from the report and from the rows made again. */
    private static String populationDifference(ZipFile zip, Derived derived) throws IOException {
        Path expected = Files.createTempFile("countersign-report-population", ".csv");
        try {
            try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(expected), 1 << 16)) {
                derived.writeTo(ReportFormat.POPULATION, out);
            }
            try (var want = new java.io.BufferedReader(new java.io.InputStreamReader(Files.newInputStream(expected),
                    StandardCharsets.UTF_8), 1 << 16);
                 var have = new java.io.BufferedReader(new java.io.InputStreamReader(zip.getInputStream(
                         zip.getEntry(ReportFormat.POPULATION)), StandardCharsets.UTF_8), 1 << 16);
                 InputStream wantBytes = Files.newInputStream(expected);
                 InputStream haveBytes = zip.getInputStream(zip.getEntry(ReportFormat.POPULATION))) {
                if (sameBytes(wantBytes, haveBytes)) {
                    return null;
                }
                for (int line = 1; ; line++) {
                    String w = want.readLine();
                    String h = have.readLine();
                    if (w == null && h == null) {
                        return "differs from what the evidence gives";
                    }
                    if (!(w == null ? "" : w).equals(h == null ? "" : h)) {
                        return "line " + line + " differs from the one the evidence gives: expected \""
                                + abbreviate(w == null ? "" : w) + "\", found \"" + abbreviate(h == null ? "" : h)
                                + "\"";
                    }
                }
            }
        } finally {
            Files.deleteIfExists(expected);
        }
    }

    private static boolean sameBytes(InputStream a, InputStream b) throws IOException {
        byte[] x = new byte[1 << 16];
        byte[] y = new byte[1 << 16];
        for (;;) {
            int n = a.readNBytes(x, 0, x.length);
            int m = b.readNBytes(y, 0, y.length);
            if (n != m || !java.util.Arrays.equals(x, 0, n, y, 0, m)) {
                return false;
            }
            if (n < x.length) {
                return true;
            }
        }
    }

    /** Renders each page of a report's PDF as a PNG into {@code directory}, for a preview. */
    public static List<Path> pdfPages(Path report, Path directory) throws IOException {
        try (ZipFile zip = new ZipFile(report.toFile())) {
            return ReportPdf.pages(read(zip, ReportFormat.PDF), directory, 72);
        }
    }

    /**
     * The members computed from the evidence: population.csv on disk ({@link Rows}), the others in memory, and
     * {@link #names} in the order the zip holds them.
     */
    record Derived(Map<String, byte[]> small, Rows population) implements AutoCloseable {

        List<String> names() {
            return List.of(ReportFormat.HTML, ReportFormat.FIGURES, ReportFormat.POPULATION, ReportFormat.EXCEPTIONS,
                    ReportFormat.SAMPLE);
        }

        void writeTo(String name, OutputStream out) throws IOException {
            if (name.equals(ReportFormat.POPULATION)) {
                population.writeTo(out, Csv.populationHeader());
            } else {
                out.write(small.get(name));
            }
        }

        @Override
        public void close() {
            population.close();
        }
    }

    static Derived derive(VerifiedEvidence evidence, Framework framework, int sampleSize) {
        Rows rows = new Rows();
        try {
            Period period = new Period(evidence.from(), evidence.to(), Sample.seed(evidence), sampleSize, rows);
            evidence.forEachEntry(period::accept);
            period.finish();
            ObjectNode figures = Figures.of(period, evidence, framework);
            ObjectNode sample = Sample.of(period, evidence);
            Map<String, byte[]> members = new LinkedHashMap<>();
            members.put(ReportFormat.HTML, ReportHtml.render(figures, framework, period.exceptions(), sample)
                    .getBytes(StandardCharsets.UTF_8));
            members.put(ReportFormat.FIGURES, json(figures));
            members.put(ReportFormat.EXCEPTIONS, Csv.exceptions(period.exceptions())
                    .getBytes(StandardCharsets.UTF_8));
            members.put(ReportFormat.SAMPLE, json(sample));
            return new Derived(members, rows);
        } catch (RuntimeException e) {
            rows.close();
            throw e;
        }
    }

    private static String firstDifference(String member, byte[] expected, byte[] actual) {
        if (member.equals(ReportFormat.FIGURES)) {
            try {
                String path = firstDifferentFigure("", JSON.readTree(expected), JSON.readTree(actual));
                if (path != null) {
                    return "the figure " + path + " is not what the evidence gives";
                }
            } catch (IOException e) {
                return "not JSON";
            }
        }
        String[] want = new String(expected, StandardCharsets.UTF_8).split("\n", -1);
        String[] have = new String(actual, StandardCharsets.UTF_8).split("\n", -1);
        for (int i = 0; i < Math.max(want.length, have.length); i++) {
            String w = i < want.length ? want[i] : "";
            String h = i < have.length ? have[i] : "";
            if (!w.equals(h)) {
                return "line " + (i + 1) + " differs from the one the evidence gives: expected \""
                        + abbreviate(w) + "\", found \"" + abbreviate(h) + "\"";
            }
        }
        return "differs from what the evidence gives";
    }

    private static String firstDifferentFigure(String path, JsonNode expected, JsonNode actual) {
        if (expected.isObject() && actual.isObject()) {
            for (var names = expected.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                String found = firstDifferentFigure(path.isEmpty() ? name : path + "." + name, expected.get(name),
                        actual.path(name));
                if (found != null) {
                    return found;
                }
            }
            return expected.size() == actual.size() ? null : path + " (members added)";
        }
        return expected.equals(actual) ? null : path;
    }

    private static String abbreviate(String line) {
        return line.length() <= 160 ? line : line.substring(0, 160) + "…";
    }

    private static byte[] read(ZipFile zip, String name) throws IOException {
        try (InputStream in = zip.getInputStream(zip.getEntry(name))) {
            return in.readAllBytes();
        }
    }

    private static ZipEntry entry(String name) {
        ZipEntry entry = new ZipEntry(name);
        entry.setTime(0);
        return entry;
    }

    private static void member(ZipOutputStream zip, String name, byte[] bytes) throws IOException {
        zip.putNextEntry(entry(name));
        zip.write(bytes);
        zip.closeEntry();
    }

    private static byte[] json(JsonNode node) {
        try {
            return (PRETTY.writeValueAsString(node) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(sha256().digest(bytes));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
