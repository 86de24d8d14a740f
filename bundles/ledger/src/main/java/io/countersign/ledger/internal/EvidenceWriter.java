package io.countersign.ledger.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.Checkpoint;
import io.countersign.api.Checkpoints;
import io.countersign.api.Journal;
import io.countersign.api.JournalEntry;
import io.countersign.api.MerkleLog;
import io.countersign.api.SigningKeys;
import io.countersign.api.json.Jcs;
import io.countersign.api.json.KeyListing;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;
import java.util.zip.CRC32;
import java.util.zip.CheckedOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes evidence bundles (docs/evidence-format.md §7): the entries with the checkpoints, proofs and keys that let
 * anyone verify them offline. A fresh checkpoint is signed first, so every entry up to the export is covered.
 */
final class EvidenceWriter {

    static final String FORMAT = "countersign-evidence/1";
    private static final int READ_CHUNK = 4096;
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

    /** The seqs a range bundle holds: the entries from {@code from} to {@code to} and one boundary entry each side. */
    record Range(long first, long last) {
        boolean isEmpty() {
            return last < first;
        }
    }

    void writeRequest(String requestId, List<Long> seqs, Long trustedSize, OutputStream out) throws IOException {
        Checkpoint newest = checkpoints.signNow();
        ObjectNode scope = JSON.objectNode().put("kind", "request").put("request", requestId);
        List<long[]> runs = runs(seqs);
        write(scope, runs, newest, trustedSize, out);
    }

    void writeRange(Instant from, Instant to, Long trustedSize, OutputStream out) throws IOException {
        if (to.isBefore(from)) {
            throw new IllegalArgumentException("'to' (" + to + ") is before 'from' (" + from + ")");
        }
        Checkpoint newest = checkpoints.signNow();
        Range range = range(from, to, newest.size());
        ObjectNode scope = JSON.objectNode().put("kind", "range").put("from", from.toString()).put("to", to.toString());
        write(scope, range.isEmpty() ? List.of() : List.<long[]>of(new long[] {range.first(), range.last()}), newest,
                trustedSize, out);
    }

    Range range(Instant from, Instant to, long size) {
        long firstInside = firstSeqWithTime(size, time -> !time.isBefore(from));
        long firstAfter = firstSeqWithTime(size, time -> time.isAfter(to));
        return new Range(Math.max(0, firstInside - 1), Math.min(size - 1, firstAfter));
    }

    /** Binary search over entry times, which never decrease with seq. */
    private long firstSeqWithTime(long size, java.util.function.Predicate<Instant> test) {
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

    private static List<long[]> runs(List<Long> seqs) {
        List<long[]> runs = new ArrayList<>();
        List<Long> sorted = seqs.stream().sorted().distinct().toList();
        for (long seq : sorted) {
            long[] last = runs.isEmpty() ? null : runs.get(runs.size() - 1);
            if (last != null && last[1] + 1 == seq) {
                last[1] = seq;
            } else {
                runs.add(new long[] {seq, seq});
            }
        }
        return runs;
    }

    private void write(ObjectNode scope, List<long[]> runs, Checkpoint newest, Long trustedSize, OutputStream out)
            throws IOException {
        if (trustedSize != null && (trustedSize < 0 || trustedSize > newest.size())) {
            throw new IllegalArgumentException("trustedSize " + trustedSize + " is beyond the newest checkpoint ("
                    + newest.size() + " entries)");
        }
        for (long[] run : runs) {
            if (run[1] >= newest.size()) {
                throw new IllegalStateException("entry " + run[1] + " is not covered by the newest checkpoint");
            }
        }
        TreeMap<Long, Checkpoint> chosen = new TreeMap<>();
        chosen.put(newest.size(), newest);
        ArrayNode inclusion = JSON.arrayNode();
        for (long[] run : runs) {
            Checkpoint covering = checkpoints.covering(run[1]).orElse(newest);
            chosen.put(covering.size(), covering);
            inclusion.add(ProofJson.inclusion(log, run[1], covering.size()));
        }
        ArrayNode consistency = JSON.arrayNode();
        Checkpoint previous = null;
        for (Checkpoint checkpoint : chosen.values()) {
            if (previous != null) {
                consistency.add(ProofJson.consistency(log, previous.size(), checkpoint.size()));
            }
            previous = checkpoint;
        }
        if (trustedSize != null && !chosen.containsKey(trustedSize)) {
            consistency.add(ProofJson.consistency(log, trustedSize, newest.size()));
        }
        Path entries = Files.createTempFile("countersign-evidence", ".jsonl");
        try {
            EntriesFile written = writeEntries(runs, entries);
            ObjectNode manifest = JSON.objectNode();
            manifest.put("format", FORMAT);
            manifest.put("origin", keys.origin());
            manifest.put("createdAt", clock.instant().toString());
            manifest.set("scope", scope);
            manifest.put("entries", written.count());
            if (written.count() > 0) {
                manifest.put("firstSeq", runs.get(0)[0]);
                manifest.put("lastSeq", runs.get(runs.size() - 1)[1]);
            }
            ArrayNode notes = JSON.arrayNode();
            chosen.values().forEach(checkpoint -> notes.add(checkpoint.note()));
            ObjectNode proofs = JSON.objectNode();
            proofs.set("inclusion", inclusion);
            proofs.set("consistency", consistency);
            try (ZipOutputStream zip = new ZipOutputStream(new BufferedOutputStream(out, 1 << 16))) {
                json(zip, "manifest.json", manifest);
                stored(zip, "entries.jsonl", entries, written);
                json(zip, "checkpoints.json", JSON.objectNode().set("checkpoints", notes));
                json(zip, "proofs.json", proofs);
                json(zip, "keys.json", KeyListing.toJson(keys.origin(), keys.keys()));
            }
        } finally {
            Files.deleteIfExists(entries);
        }
    }

    private record EntriesFile(long count, long bytes, long crc) {
    }

    /** Writes each entry's canonical bytes and a newline, checking they still hash to what the journal says. */
    private EntriesFile writeEntries(List<long[]> runs, Path file) throws IOException {
        MessageDigest sha256 = sha256();
        CRC32 crc = new CRC32();
        long count = 0;
        try (CheckedOutputStream out = new CheckedOutputStream(new BufferedOutputStream(Files.newOutputStream(file),
                1 << 16), crc)) {
            for (long[] run : runs) {
                for (long seq = run[0]; seq <= run[1]; seq += READ_CHUNK) {
                    for (JournalEntry entry : journal.read(seq, (int) Math.min(READ_CHUNK, run[1] - seq + 1))) {
                        byte[] canonical = canonical(entry);
                        String hash = "sha256:" + HexFormat.of().formatHex(sha256.digest(canonical));
                        if (!hash.equals(entry.hash())) {
                            throw new IllegalStateException("journal entry " + entry.seq() + " no longer hashes to "
                                    + entry.hash());
                        }
                        out.write(canonical);
                        out.write('\n');
                        count++;
                    }
                }
            }
        }
        return new EntriesFile(count, Files.size(file), crc.getValue());
    }

    static byte[] canonical(JournalEntry entry) {
        ObjectNode object = JSON.objectNode();
        object.put("seq", entry.seq());
        object.put("time", entry.time().toString());
        object.put("type", entry.type());
        object.set("data", entry.data());
        object.put("prev", entry.prevHash());
        return Jcs.canonicalize(object);
    }

    private static void json(ZipOutputStream zip, String name, ObjectNode content) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(content));
        zip.closeEntry();
    }

    /** Entries are stored uncompressed so a verifier reads them at disk speed. */
    private static void stored(ZipOutputStream zip, String name, Path file, EntriesFile written) throws IOException {
        ZipEntry entry = new ZipEntry(name);
        entry.setMethod(ZipEntry.STORED);
        entry.setSize(written.bytes());
        entry.setCompressedSize(written.bytes());
        entry.setCrc(written.crc());
        zip.putNextEntry(entry);
        Files.copy(file, zip);
        zip.closeEntry();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
