package io.countersign.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.function.Consumer;
import java.util.zip.ZipFile;

/**
 * A range evidence bundle that verified (§7), for what is computed from it: its scope, its newest checkpoint, and its
 * entries. Nothing is read from a bundle that did not verify.
 *
 * @param checkpointRoot b64 of the newest checkpoint's root hash, as checkpoints write it
 */
public record VerifiedEvidence(Path bundle, String origin, Instant from, Instant to, long checkpointSize,
                               String checkpointRoot, long entries) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The bundle's verification failed, or it is not a range bundle; the message says why. */
    public static final class Rejected extends Exception {
        public Rejected(String message) {
            super(message);
        }
    }

    /** Verifies {@code bundle} (with the keys in {@code keys} when given, else its own) as the command line does. */
    public static VerifiedEvidence of(Path bundle, Path keys) throws Rejected {
        Report report;
        try {
            report = new BundleVerifier(new Arguments(bundle, null, keys, null, false), 1).verify();
        } catch (InputException e) {
            throw new Rejected(e.getMessage());
        }
        if (!report.ok()) {
            StringBuilder why = new StringBuilder("the evidence bundle does not verify:");
            report.failures().stream().limit(5).forEach(failure -> why.append("\n  ").append(failure));
            throw new Rejected(why.toString());
        }
        Summary summary = report.summary();
        Manifest manifest;
        try (EvidenceBundle opened = EvidenceBundle.open(bundle)) {
            manifest = Manifest.parse(opened.json(EvidenceBundle.MANIFEST));
        } catch (InputException e) {
            throw new Rejected(e.getMessage());
        }
        if (!(manifest.scope() instanceof Manifest.RangeScope range)) {
            throw new Rejected("the evidence bundle is not a range bundle: a report covers a period");
        }
        Checkpoint newest = summary.checkpoints().stream().max(Comparator.comparingLong(Checkpoint::size))
                .orElseThrow(() -> new Rejected("the evidence bundle has no checkpoint"));
        return new VerifiedEvidence(bundle, summary.origin(), Instant.parse(range.from()), Instant.parse(range.to()),
                newest.size(), Base64.getEncoder().encodeToString(newest.root()), summary.entries());
    }

    /** Every entry, in seq order, as the JSON object of its line. */
    public void forEachEntry(Consumer<JsonNode> each) {
        try (ZipFile zip = new ZipFile(bundle.toFile());
             BufferedReader lines = new BufferedReader(new InputStreamReader(
                     zip.getInputStream(zip.getEntry(EvidenceBundle.ENTRIES)), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                each.accept(JSON.readTree(line));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
