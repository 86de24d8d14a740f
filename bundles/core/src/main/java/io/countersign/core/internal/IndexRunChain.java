package io.countersign.core.internal;

import io.countersign.api.MerkleLog;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds, when a {@link RequestIndex} opens, the runs it can use: valid ones that chain contiguously from entry 0.
 * Of several chains the one reaching furthest wins, then the one with fewest runs, which prefers a merged run over
 * the parts a crash during compaction left next to it. Everything else in the directory that is a run or a
 * {@code .tmp} is deleted: it is derived data that is either stale, damaged, superseded or half-written.
 */
final class IndexRunChain {

    private static final Logger LOG = LoggerFactory.getLogger(IndexRunChain.class);

    private final MerkleLog journal;
    private final long upTo;
    /** Candidate run files by the position they start at. */
    private final Map<Long, List<Path>> startingAt = new HashMap<>();
    private final Map<Path, IndexRun> usable = new HashMap<>();
    private final Set<Path> unusable = new HashSet<>();
    private final Map<Long, List<IndexRun>> bestFrom = new HashMap<>();

    private IndexRunChain(MerkleLog journal, long upTo) {
        this.journal = journal;
        this.upTo = upTo;
    }

    /** The runs to use, oldest first; their last one's coveredTo is where indexing resumes (0 if none). */
    static List<IndexRun> open(Path directory, MerkleLog journal, long upTo) throws IOException {
        Files.createDirectories(directory);
        IndexRunChain chain = new IndexRunChain(journal, upTo);
        List<Path> runFiles = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                long[] range = IndexRun.parseName(name);
                if (name.endsWith(".tmp")) {
                    Files.deleteIfExists(file);
                } else if (range != null) {
                    runFiles.add(file);
                    chain.startingAt.computeIfAbsent(range[0], from -> new ArrayList<>()).add(file);
                }
            }
        }
        List<IndexRun> best = chain.bestFrom(0);
        Set<Path> used = new HashSet<>();
        best.forEach(run -> used.add(run.file()));
        for (Path file : runFiles) {
            if (!used.contains(file)) {
                Files.deleteIfExists(file);
            }
        }
        IndexRunWriter.forceDirectory(directory);
        return best;
    }

    private List<IndexRun> bestFrom(long position) {
        List<IndexRun> known = bestFrom.get(position);
        if (known != null) {
            return known;
        }
        List<IndexRun> best = List.of();
        for (Path file : startingAt.getOrDefault(position, List.of())) {
            IndexRun run = usable(file);
            if (run == null || run.coveredTo() <= position) {
                continue;
            }
            List<IndexRun> candidate = new ArrayList<>();
            candidate.add(run);
            candidate.addAll(bestFrom(run.coveredTo()));
            if (better(candidate, best)) {
                best = candidate;
            }
        }
        bestFrom.put(position, best);
        return best;
    }

    private static boolean better(List<IndexRun> candidate, List<IndexRun> best) {
        long candidateEnd = end(candidate);
        long bestEnd = end(best);
        return candidateEnd != bestEnd ? candidateEnd > bestEnd : candidate.size() < best.size();
    }

    static long end(List<IndexRun> runs) {
        return runs.isEmpty() ? 0 : runs.get(runs.size() - 1).coveredTo();
    }

    /** The opened run if it is whole and matches the journal up to upTo; null (and a WARN saying why) if not. */
    private IndexRun usable(Path file) {
        if (unusable.contains(file)) {
            return null;
        }
        IndexRun known = usable.get(file);
        if (known != null) {
            return known;
        }
        try {
            IndexRun run = IndexRun.open(file);
            if (run.coveredTo() > upTo) {
                LOG.info("Index run {} ends after {}, where the index is opened; not used", file, upTo);
                return unusable(file);
            }
            if (run.coveredTo() > journal.size()) {
                LOG.warn("Index run {} ends after the journal's {} entries; not used", file, journal.size());
                return unusable(file);
            }
            if (!Arrays.equals(journal.root(run.coveredTo()), run.root())) {
                LOG.warn("Index run {} does not match the journal's root at {}; not used", file, run.coveredTo());
                return unusable(file);
            }
            usable.put(file, run);
            return run;
        } catch (IOException e) {
            LOG.warn("Index run {} is not usable: {}", file, e.getMessage());
            return unusable(file);
        }
    }

    private IndexRun unusable(Path file) {
        unusable.add(file);
        return null;
    }
}
