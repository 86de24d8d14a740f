package io.countersign.verify;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * A range evidence bundle that verified (§7), for what is computed from it: its scope, its newest checkpoint, and its
 * entries. What is computed from a bundle's entries counts only once the bundle verified: {@link #of(Path, Path,
 * Function)} hands each entry to the caller while verifying it, in the same read, and throws {@link Rejected} (so the
 * caller discards what it computed) when the bundle does not verify.
 *
 * @param checkpointRoot b64 of the newest checkpoint's root hash, as checkpoints write it
 * @param entries        how many entries the bundle holds; in the scope handed out before verification, how many
 *                       its manifest says (-1 when it does not say)
 */
public record VerifiedEvidence(Path bundle, String origin, Instant from, Instant to, long checkpointSize,
                               String checkpointRoot, long entries) {

    /** The bundle's verification failed, or it is not a range bundle; the message says why. */
    public static final class Rejected extends Exception {
        public Rejected(String message) {
            super(message);
        }
    }

    /**
     * Receives each well-formed entry of the bundle in seq order, on one thread, while the bundle is verified.
     *
     * @param hash  the entry hash, SHA-256 of the line's bytes (see {@link #hashText})
     * @param time  the entry's {@code time}, as the verifier read it
     * @param entry the line's JSON object
     */
    public interface EntryObserver {
        void accept(long seq, byte[] hash, Instant time, JsonNode entry);
    }

    /** The decoding of entries runs on this many threads besides the reader and the checks (2 cores: one is busy). */
    private static final int DECODE_WORKERS = 1;

    /** Verifies {@code bundle} (with the keys in {@code keys} when given, else its own) as the command line does. */
    public static VerifiedEvidence of(Path bundle, Path keys) throws Rejected {
        return of(bundle, keys, scope -> null);
    }

    /**
     * Verifies {@code bundle} and, in the same pass over its entries, hands each one to the observer that
     * {@code observe} makes from the bundle's scope as the bundle states it (range, origin, newest checkpoint; checked
     * against the verified ones before this returns). The observer's results count only if this returns.
     */
    public static VerifiedEvidence of(Path bundle, Path keys, Function<VerifiedEvidence, EntryObserver> observe)
            throws Rejected {
        VerifiedEvidence stated = stated(bundle);
        EntryObserver observer = observe.apply(stated);
        Report report;
        try {
            report = new BundleVerifier(new Arguments(bundle, null, keys, null, false), DECODE_WORKERS,
                    GatewayFabricLedger::open, observer).verify();
        } catch (InputException e) {
            throw new Rejected(e.getMessage());
        }
        if (!report.ok()) {
            StringBuilder why = new StringBuilder("the evidence bundle does not verify:");
            report.failures().stream().limit(5).forEach(failure -> why.append("\n  ").append(failure));
            throw new Rejected(why.toString());
        }
        Summary summary = report.summary();
        Checkpoint newest = summary.checkpoints().stream().max(Comparator.comparingLong(Checkpoint::size))
                .orElseThrow(() -> new Rejected("the evidence bundle has no checkpoint"));
        VerifiedEvidence verified = new VerifiedEvidence(bundle, summary.origin(), stated.from(), stated.to(),
                newest.size(), Base64.getEncoder().encodeToString(newest.root()), summary.entries());
        if (!java.util.Objects.equals(verified.origin(), stated.origin()) || verified.checkpointSize() != stated.checkpointSize()
                || !verified.checkpointRoot().equals(stated.checkpointRoot())) {
            throw new Rejected("the evidence bundle's origin or newest checkpoint is not the one it states");
        }
        return verified;
    }

    /** {@code sha256:<hex>}, the form the journal and evidence bundles write entry hashes in. */
    public static String hashText(byte[] hash) {
        return Digests.text(hash);
    }

    /** The range, origin and newest checkpoint as the bundle's manifest and checkpoints state them, unverified. */
    private static VerifiedEvidence stated(Path bundle) throws Rejected {
        try (EvidenceBundle opened = EvidenceBundle.open(bundle)) {
            Manifest manifest = Manifest.parse(opened.json(EvidenceBundle.MANIFEST));
            if (!(manifest.scope() instanceof Manifest.RangeScope range)) {
                throw new Rejected("the evidence bundle is not a range bundle: a report covers a period");
            }
            List<Checkpoint> checkpoints = CheckpointChecks.parse(opened.json(EvidenceBundle.CHECKPOINTS),
                    new Findings());
            Checkpoint newest = checkpoints.stream().max(Comparator.comparingLong(Checkpoint::size))
                    .orElseThrow(() -> new Rejected("the evidence bundle has no checkpoint"));
            return new VerifiedEvidence(bundle, manifest.origin(), Instant.parse(range.from()),
                    Instant.parse(range.to()), newest.size(), Base64.getEncoder().encodeToString(newest.root()),
                    manifest.entries());
        } catch (InputException e) {
            throw new Rejected(e.getMessage());
        } catch (DateTimeParseException e) {
            throw new Rejected("the evidence bundle's range is not two instants: " + e.getMessage());
        }
    }
}
