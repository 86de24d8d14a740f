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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
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

    /**
     * With {@code -Dcountersign.timings=true}, each phase's wall time and the process's CPU time in it go to stderr
     * (the benchmark reads them): on a machine shared with other work, CPU time says more than wall time.
     */
    private static final class Timings {
        private static final boolean ON = Boolean.getBoolean("countersign.timings");
        private final com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        private long wall = System.nanoTime();
        private long cpu = os.getProcessCpuTime();

        void phase(String name) {
            if (!ON) {
                return;
            }
            long nowWall = System.nanoTime();
            long nowCpu = os.getProcessCpuTime();
            System.err.printf(java.util.Locale.ROOT, "TIMING %s: %.1f s wall, %.1f s CPU%n", name,
                    (nowWall - wall) / 1e9, (nowCpu - cpu) / 1e9);
            wall = nowWall;
            cpu = nowCpu;
        }

        static void thread(String name, long cpuNanos, long wallNanos) {
            if (ON) {
                System.err.printf(java.util.Locale.ROOT, "TIMING %s: %.1f s wall, %.1f s CPU (its own thread)%n",
                        name, wallNanos / 1e9, cpuNanos / 1e9);
            }
        }
    }

    /**
     * Verifies {@code bundle} and writes the report zip for its period to {@code out}, in one read of the entries:
     * each entry the verifier reads is handed to the derivation, and the zip is moved into place only if the bundle
     * verified. The evidence member is deflated and hashed on another thread meanwhile.
     */
    public static Path write(Path bundle, Path keys, String framework, int sampleSize, Path out)
            throws VerifiedEvidence.Rejected, IOException {
        Framework chosen = Framework.parse(framework);
        Path partial = out.resolveSibling(out.getFileName() + ".partial");
        AtomicBoolean abandoned = new AtomicBoolean();
        ExecutorService copier = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "report-evidence");
            thread.setDaemon(true);
            return thread;
        });
        boolean written = false;
        try (OutputStream file = Files.newOutputStream(partial)) {
            ZipOutputStream zip = new ZipOutputStream(new java.io.BufferedOutputStream(file, 1 << 16));
            Future<String> evidenceDigest = copier.submit(() -> copyEvidence(bundle, zip, abandoned));
            Timings timings = new Timings();
            Derived derived;
            try {
                derived = derive(bundle, keys, chosen, sampleSize);
                timings.phase("verify and derive in one pass (the evidence copy running alongside)");
            } catch (VerifiedEvidence.Rejected | RuntimeException e) {
                abandoned.set(true);
                awaitQuietly(evidenceDigest);
                throw e;
            }
            try (derived) {
                byte[] pdf = ReportPdf.render(new String(derived.small().get(ReportFormat.HTML),
                        StandardCharsets.UTF_8));
                timings.phase("render the PDF");
                Map<String, String> digests = new LinkedHashMap<>();
                digests.put(ReportFormat.EVIDENCE, await(evidenceDigest));
                timings.phase("wait for the evidence copy");
                for (String name : derived.names()) {
                    digests.put(name, member(zip, name, member -> derived.writeTo(name, member)));
                }
                digests.put(ReportFormat.PDF, member(zip, ReportFormat.PDF, member -> member.write(pdf)));
                byte[] manifest = manifest(derived.evidence(), chosen, sampleSize, digests);
                member(zip, ReportFormat.MANIFEST, member -> member.write(manifest));
                zip.finish();
                zip.flush();
                timings.phase("write the derived members, the records, the PDF and the manifest");
            }
            written = true;
        } finally {
            copier.shutdownNow();
            if (!written) {
                Files.deleteIfExists(partial);
            }
        }
        Files.move(partial, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return out;
    }

    /** The evidence member, first in the zip: deflated at the fastest level (it is most of the zip); its SHA-256. */
    private static String copyEvidence(Path bundle, ZipOutputStream zip, AtomicBoolean abandoned) throws IOException {
        long startedCpu = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        long startedWall = System.nanoTime();
        MessageDigest digest = sha256();
        zip.setLevel(java.util.zip.Deflater.BEST_SPEED);
        zip.putNextEntry(entry(ReportFormat.EVIDENCE));
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(bundle)) {
            for (int n = in.read(buffer); n >= 0 && !abandoned.get(); n = in.read(buffer)) {
                digest.update(buffer, 0, n);
                zip.write(buffer, 0, n);
            }
        }
        if (abandoned.get()) {
            return null;
        }
        zip.closeEntry();
        zip.setLevel(java.util.zip.Deflater.DEFAULT_COMPRESSION);
        String hex = HexFormat.of().formatHex(digest.digest());
        Timings.thread("hash and deflate evidence.zip", java.lang.management.ManagementFactory.getThreadMXBean()
                .getCurrentThreadCpuTime() - startedCpu, System.nanoTime() - startedWall);
        return hex;
    }

    private static String await(Future<String> digest) throws IOException {
        try {
            return digest.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while the evidence was copied");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IllegalStateException("copying the evidence failed", e.getCause());
        }
    }

    private static void awaitQuietly(Future<String> digest) {
        try {
            digest.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            // the report is abandoned already; why its evidence copy failed too does not matter
        }
    }

    /** Writes what {@code body} writes as the member {@code name}; its SHA-256 hex. */
    private static String member(ZipOutputStream zip, String name, MemberBody body) throws IOException {
        MessageDigest digest = sha256();
        zip.putNextEntry(entry(name));
        body.write(new java.security.DigestOutputStream(new java.io.FilterOutputStream(zip) {
            @Override
            public void write(byte[] bytes, int offset, int length) throws IOException {
                out.write(bytes, offset, length);
            }

            @Override
            public void close() {
                // the zip stays open for the next member
            }
        }, digest));
        zip.closeEntry();
        return HexFormat.of().formatHex(digest.digest());
    }

    private interface MemberBody {
        void write(OutputStream out) throws IOException;
    }

    /** The manifest (last member): the period, the closing checkpoint, and the SHA-256 of every other member. */
    private static byte[] manifest(VerifiedEvidence evidence, Framework framework, int sampleSize,
                                   Map<String, String> digests) {
        ObjectNode manifest = JSON.createObjectNode();
        manifest.put("format", ReportFormat.FORMAT);
        manifest.put("framework", framework.id());
        manifest.put("from", evidence.from().toString());
        manifest.put("to", evidence.to().toString());
        manifest.put("sampleSize", sampleSize);
        manifest.put("origin", evidence.origin());
        manifest.put("checkpointSize", evidence.checkpointSize());
        manifest.put("checkpointRoot", evidence.checkpointRoot());
        ObjectNode members = manifest.putObject("members");
        digests.forEach(members::put);
        return json(manifest);
    }

    /**
     * Verifies the report's evidence and, in the same read of its entries, makes every derived member again; the
     * differences say what was changed. The manifest must be the one those members, the evidence and the PDF give.
     */
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
            Framework framework;
            try {
                framework = Framework.parse(manifest.path("framework").asText());
            } catch (IllegalArgumentException e) {
                throw new VerifiedEvidence.Rejected(ReportFormat.MANIFEST + ": " + e.getMessage());
            }
            if (!manifest.path("sampleSize").canConvertToInt() || manifest.path("sampleSize").asInt() < 0) {
                throw new VerifiedEvidence.Rejected(ReportFormat.MANIFEST + ": sampleSize is not a count");
            }
            Timings timings = new Timings();
            MessageDigest evidenceDigest = sha256();
            try (InputStream in = new java.security.DigestInputStream(
                    zip.getInputStream(zip.getEntry(ReportFormat.EVIDENCE)), evidenceDigest)) {
                Files.copy(in, evidenceCopy, StandardCopyOption.REPLACE_EXISTING);
            }
            timings.phase("inflate and hash evidence.zip to a temporary file");
            int sampleSize = manifest.path("sampleSize").asInt();
            try (Derived derived = derive(evidenceCopy, keys, framework, sampleSize)) {
                timings.phase("verify and derive in one pass");
                VerifiedEvidence evidence = derived.evidence();
                List<String> differences = new ArrayList<>();
                if (!manifest.path("from").asText().equals(evidence.from().toString())
                        || !manifest.path("to").asText().equals(evidence.to().toString())) {
                    differences.add(ReportFormat.MANIFEST + ": the period is not the evidence bundle's range");
                }
                Check check = check(zip, names, manifest, HexFormat.of().formatHex(evidenceDigest.digest()),
                        framework, sampleSize, derived, differences);
                timings.phase("compare the members, the records, the PDF's text and the manifest");
                return check;
            }
        } finally {
            Files.deleteIfExists(evidenceCopy);
        }
    }

    private static Check check(ZipFile zip, Set<String> names, JsonNode manifest, String evidenceDigest,
                               Framework framework, int sampleSize, Derived derived, List<String> differences)
            throws IOException {
        VerifiedEvidence evidence = derived.evidence();
        Map<String, byte[]> expected = derived.small();
        Map<String, String> digests = new LinkedHashMap<>();
        digests.put(ReportFormat.EVIDENCE, evidenceDigest);
        for (String name : derived.names()) {
            MessageDigest digest = sha256();
            derived.writeTo(name, new java.security.DigestOutputStream(OutputStream.nullOutputStream(), digest));
            digests.put(name, HexFormat.of().formatHex(digest.digest()));
        }
        if (names.contains(ReportFormat.PDF)) {
            digests.put(ReportFormat.PDF, sha256(read(zip, ReportFormat.PDF)));
        }

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
            byte[] wanted = derived.bytes(name);
            if (!java.util.Arrays.equals(actual, wanted)) {
                differences.add(name + ": " + firstDifference(name, wanted, actual));
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
        if (differences.isEmpty()) {
            // checked last: a member that differs makes its digest differ too, and the member says more
            byte[] expectedManifest = manifest(evidence, framework, sampleSize, digests);
            byte[] actualManifest = read(zip, ReportFormat.MANIFEST);
            if (!java.util.Arrays.equals(expectedManifest, actualManifest)) {
                differences.add(ReportFormat.MANIFEST + ": " + firstDifference(ReportFormat.MANIFEST,
                        expectedManifest, actualManifest));
            }
        }
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
     * The members computed from the verified evidence: population.csv on disk ({@link Rows}), the change records on
     * disk ({@link Records}) and rendered when written, the others in memory; {@link #names} in the order the zip
     * holds them (after evidence.zip, before report.pdf and the manifest).
     */
    record Derived(VerifiedEvidence evidence, Map<String, byte[]> small, Rows population, Records records,
                   Map<String, String> recordMembers) implements AutoCloseable {

        List<String> names() {
            List<String> names = new ArrayList<>(List.of(ReportFormat.HTML, ReportFormat.FIGURES,
                    ReportFormat.POPULATION, ReportFormat.EXCEPTIONS, ReportFormat.SAMPLE));
            names.addAll(recordMembers.keySet());
            return names;
        }

        /** The member's bytes; population.csv is the one member too large for this and is only streamed. */
        byte[] bytes(String name) {
            if (name.equals(ReportFormat.POPULATION)) {
                throw new IllegalArgumentException("population.csv is streamed");
            }
            byte[] member = small.get(name);
            if (member != null) {
                return member;
            }
            String request = recordMembers.get(name);
            if (request == null) {
                throw new IllegalArgumentException(name + " is not a derived member");
            }
            var record = records.record(request).orElseThrow();
            return (name.endsWith(".json") ? record.toJson() : record.toHtml()).getBytes(StandardCharsets.UTF_8);
        }

        void writeTo(String name, OutputStream out) throws IOException {
            if (name.equals(ReportFormat.POPULATION)) {
                population.writeTo(out, Csv.populationHeader());
            } else {
                out.write(bytes(name));
            }
        }

        @Override
        public void close() {
            try {
                population.close();
            } finally {
                records.close();
            }
        }
    }

    /** Verifies {@code bundle} and derives the members from its entries in the same read; nothing if it fails. */
    static Derived derive(Path bundle, Path keys, Framework framework, int sampleSize)
            throws VerifiedEvidence.Rejected {
        Rows rows = new Rows();
        Records[] records = new Records[1];
        try {
            Period[] period = new Period[1];
            VerifiedEvidence evidence;
            try {
                evidence = VerifiedEvidence.of(bundle, keys, stated -> {
                    records[0] = new Records(stated.entries());
                    period[0] = new Period(stated.from(), stated.to(), Sample.seed(stated), sampleSize, rows,
                            records[0]);
                    return period[0]::accept;
                });
            } catch (Records.Overflow e) {
                throw new VerifiedEvidence.Rejected("the evidence bundle is not what its manifest says: "
                        + e.getMessage());
            }
            period[0].finish();
            List<String> recorded = period[0].recordedRequests().stream()
                    .filter(request -> records[0].record(request).isPresent()).toList();
            ObjectNode figures = Figures.of(period[0], evidence, framework);
            ObjectNode sample = Sample.of(period[0], evidence);
            Map<String, byte[]> members = new LinkedHashMap<>();
            members.put(ReportFormat.HTML, ReportHtml.render(figures, framework, period[0].exceptions(), sample,
                    new java.util.HashSet<>(recorded)).getBytes(StandardCharsets.UTF_8));
            members.put(ReportFormat.FIGURES, json(figures));
            members.put(ReportFormat.EXCEPTIONS, Csv.exceptions(period[0].exceptions())
                    .getBytes(StandardCharsets.UTF_8));
            members.put(ReportFormat.SAMPLE, json(sample));
            Map<String, String> recordMembers = new LinkedHashMap<>();
            for (String request : recorded) {
                recordMembers.put(Records.member(request, "json"), request);
                recordMembers.put(Records.member(request, "html"), request);
            }
            return new Derived(evidence, members, rows, records[0], recordMembers);
        } catch (VerifiedEvidence.Rejected | RuntimeException e) {
            rows.close();
            if (records[0] != null) {
                records[0].close();
            }
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
