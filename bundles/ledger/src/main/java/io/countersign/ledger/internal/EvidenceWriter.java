package io.countersign.ledger.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.Checkpoint;
import io.countersign.api.Checkpoints;
import io.countersign.api.Journal;
import io.countersign.api.MerkleLog;
import io.countersign.api.SigningKeys;
import io.countersign.api.json.KeyListing;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes evidence bundles (docs/evidence-format.md §7): the entries with the checkpoints, proofs and keys that let
 * anyone verify them offline. A bundle is planned first (a fresh checkpoint is signed, so every entry up to the export
 * is covered, and the request is checked), then streamed: nothing is staged on disk, whatever the range.
 */
final class EvidenceWriter {

    static final String FORMAT = "countersign-evidence/1";
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final Journal journal;
    private final MerkleLog log;
    private final Checkpoints checkpoints;
    private final SigningKeys keys;
    private final Clock clock;

    EvidenceWriter(Journal journal, MerkleLog log, Checkpoints checkpoints, SigningKeys keys, Clock clock) {
        this.journal = journal;
        this.log = log;
        this.checkpoints = checkpoints;
        this.keys = keys;
        this.clock = clock;
    }

    BundlePlan planRequest(String requestId, List<Long> seqs, Long trustedSize) throws InvalidExportException {
        Checkpoint newest = checkpoints.signNow();
        ObjectNode scope = JSON.objectNode().put("kind", "request").put("request", requestId);
        return plan(scope, runs(seqs), newest, trustedSize);
    }

    /**
     * Plans the bundles of several requests against one checkpoint signed now, so an export of many requests signs
     * one checkpoint, not one each. The seqs must have been read before this call: the checkpoint then covers them.
     */
    List<BundlePlan> planRequests(Map<String, List<Long>> seqsByRequest) {
        Checkpoint newest = checkpoints.signNow();
        List<BundlePlan> plans = new ArrayList<>();
        seqsByRequest.forEach((requestId, seqs) -> {
            ObjectNode scope = JSON.objectNode().put("kind", "request").put("request", requestId);
            try {
                plans.add(plan(scope, runs(seqs), newest, null));
            } catch (InvalidExportException e) {
                throw new IllegalStateException("a plan without a trusted size cannot be invalid", e);
            }
        });
        return plans;
    }

    BundlePlan planRange(Instant from, Instant to, Long trustedSize) throws InvalidExportException {
        if (to.isBefore(from)) {
            throw new InvalidExportException("'to' (" + to + ") is before 'from' (" + from + ")");
        }
        Checkpoint newest = checkpoints.signNow();
        ObjectNode scope = JSON.objectNode().put("kind", "range").put("from", from.toString()).put("to", to.toString());
        return plan(scope, rangeRun(from, to, newest.size()).map(List::of).orElse(List.of()), newest, trustedSize);
    }

    /** The entries from {@code from} to {@code to} and one boundary entry each side, if the log has any. */
    Optional<Run> rangeRun(Instant from, Instant to, long size) {
        long firstInside = firstSeqWithTime(size, time -> !time.isBefore(from));
        long firstAfter = firstSeqWithTime(size, time -> time.isAfter(to));
        Run run = new Run(Math.max(0, firstInside - 1), Math.min(size - 1, firstAfter));
        return run.length() > 0 ? Optional.of(run) : Optional.empty();
    }

    /** Binary search over entry times, which never decrease with seq. */
    private long firstSeqWithTime(long size, Predicate<Instant> test) {
        long low = 0;
        long high = size;
        while (low < high) {
            long middle = (low + high) >>> 1;
            if (test.test(journal.read(middle, 1).get(0).time())) {
                high = middle;
            } else {
                low = middle + 1;
            }
        }
        return low;
    }

    private static List<Run> runs(List<Long> seqs) {
        List<Run> runs = new ArrayList<>();
        for (long seq : seqs.stream().sorted().distinct().toList()) {
            Run last = runs.isEmpty() ? null : runs.get(runs.size() - 1);
            if (last != null && last.last() + 1 == seq) {
                runs.set(runs.size() - 1, new Run(last.first(), seq));
            } else {
                runs.add(new Run(seq, seq));
            }
        }
        return runs;
    }

    private static BundlePlan plan(ObjectNode scope, List<Run> runs, Checkpoint newest, Long trustedSize)
            throws InvalidExportException {
        if (trustedSize != null && (trustedSize < 0 || trustedSize > newest.size())) {
            throw new InvalidExportException("trustedSize " + trustedSize + " is beyond the newest checkpoint ("
                    + newest.size() + " entries)");
        }
        for (Run run : runs) {
            if (run.last() >= newest.size()) {
                throw new IllegalStateException("entry " + run.last() + " is not covered by the newest checkpoint");
            }
        }
        return new BundlePlan(scope, runs, newest, trustedSize);
    }

    /**
     * Writes the bundle to {@code out} and closes it once the bundle is complete. On failure {@code out} is left
     * open: closing it would end a streamed response normally, and a cut-off bundle must not look complete.
     */
    void write(BundlePlan plan, OutputStream out) throws IOException {
        CheckpointsAndProofs evidence = checkpointsAndProofs(plan);
        EntryLines entries = new EntryLines(journal, plan.runs());
        EntryLines.Summary summary = entries.summarize();
        ZipOutputStream zip = new ZipOutputStream(new BufferedOutputStream(out, 1 << 16));
        json(zip, "manifest.json", manifest(plan));
        zip.putNextEntry(stored("entries.jsonl", summary));
        entries.writeTo(zip);
        zip.closeEntry();
        json(zip, "checkpoints.json", JSON.objectNode().set("checkpoints", evidence.checkpoints()));
        json(zip, "proofs.json", evidence.proofs());
        json(zip, "keys.json", KeyListing.toJson(keys.origin(), keys.keys()));
        zip.close();
    }

    /** The {@code checkpoints.json} list and the {@code proofs.json} member. */
    private record CheckpointsAndProofs(ArrayNode checkpoints, ObjectNode proofs) {
    }

    /**
     * The newest checkpoint and, for each run, the oldest one covering its last entry, with an inclusion proof for
     * that entry and consistency proofs between the checkpoints (and from the trusted size).
     */
    private CheckpointsAndProofs checkpointsAndProofs(BundlePlan plan) {
        Checkpoint newest = plan.newest();
        TreeMap<Long, Checkpoint> chosen = new TreeMap<>();
        chosen.put(newest.size(), newest);
        ArrayNode inclusion = JSON.arrayNode();
        for (Run run : plan.runs()) {
            Checkpoint covering = checkpoints.covering(run.last()).orElse(newest);
            chosen.put(covering.size(), covering);
            inclusion.add(ProofJson.inclusion(log, run.last(), covering.size()));
        }
        ArrayNode consistency = JSON.arrayNode();
        Checkpoint previous = null;
        for (Checkpoint checkpoint : chosen.values()) {
            if (previous != null) {
                consistency.add(ProofJson.consistency(log, previous.size(), checkpoint.size()));
            }
            previous = checkpoint;
        }
        Long trustedSize = plan.trustedSize();
        if (trustedSize != null && !chosen.containsKey(trustedSize)) {
            consistency.add(ProofJson.consistency(log, trustedSize, newest.size()));
        }
        ArrayNode notes = JSON.arrayNode();
        chosen.values().forEach(checkpoint -> notes.add(checkpoint.note()));
        ObjectNode proofs = JSON.objectNode();
        proofs.set("inclusion", inclusion);
        proofs.set("consistency", consistency);
        return new CheckpointsAndProofs(notes, proofs);
    }

    private ObjectNode manifest(BundlePlan plan) {
        ObjectNode manifest = JSON.objectNode();
        manifest.put("format", FORMAT);
        manifest.put("origin", keys.origin());
        manifest.put("createdAt", clock.instant().toString());
        manifest.set("scope", plan.scope());
        manifest.put("entries", plan.entries());
        if (!plan.runs().isEmpty()) {
            manifest.put("firstSeq", plan.runs().get(0).first());
            manifest.put("lastSeq", plan.runs().get(plan.runs().size() - 1).last());
        }
        return manifest;
    }

    private static void json(ZipOutputStream zip, String name, ObjectNode content) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(content));
        zip.closeEntry();
    }

    /** Entries are stored uncompressed so a verifier reads them at disk speed. */
    private static ZipEntry stored(String name, EntryLines.Summary summary) {
        ZipEntry entry = new ZipEntry(name);
        entry.setMethod(ZipEntry.STORED);
        entry.setSize(summary.bytes());
        entry.setCompressedSize(summary.bytes());
        entry.setCrc(summary.crc());
        return entry;
    }
}
