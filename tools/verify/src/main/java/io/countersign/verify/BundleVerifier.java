package io.countersign.verify;

import java.nio.file.Path;
import java.io.IOException;
import java.io.InputStream;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Runs every check of §7 on one bundle, in the order the document lists them. */
final class BundleVerifier {
    private final Arguments arguments;
    private final int workers;

    /** Opens the Fabric connection of {@code --fabric}. */
    interface FabricConnector {
        FabricLedger open(Path connection) throws InputException;
    }

    private final FabricConnector fabricConnector;
    /** Sees every well-formed entry as it is verified, or null; what it computes counts only if the bundle verifies. */
    private final VerifiedEvidence.EntryObserver observer;

    BundleVerifier(Arguments arguments, int workers) {
        this(arguments, workers, GatewayFabricLedger::open, null);
    }

    BundleVerifier(Arguments arguments, int workers, FabricConnector fabricConnector) {
        this(arguments, workers, fabricConnector, null);
    }

    BundleVerifier(Arguments arguments, int workers, FabricConnector fabricConnector,
                   VerifiedEvidence.EntryObserver observer) {
        this.arguments = arguments;
        this.workers = workers;
        this.fabricConnector = fabricConnector;
        this.observer = observer;
    }

    Report verify() throws InputException {
        long started = System.nanoTime();
        KeyListing pinned = arguments.keys() == null ? null : KeyTrust.loadPinned(arguments.keys());
        Checkpoint trusted = arguments.trustedCheckpoint() == null ? null : TrustedCheckpoint.load(arguments.trustedCheckpoint());
        Findings findings = new Findings();
        try (EvidenceBundle bundle = EvidenceBundle.open(arguments.bundle())) {
            bundle.unexpectedMembers().forEach(name -> findings.warn("the bundle has an unexpected member " + name + ", not verified"));
            Manifest manifest = Manifest.parse(bundle.json(EvidenceBundle.MANIFEST));
            manifest.problems().forEach(problem -> findings.add(Failure.of("manifest", problem)));
            String origin = manifest.origin();
            KeyRing keys = KeyTrust.decide(KeyListing.parse(bundle.json(EvidenceBundle.KEYS)), pinned, origin, findings);
            List<Checkpoint> checkpoints = CheckpointChecks.parse(bundle.json(EvidenceBundle.CHECKPOINTS), findings);
            Proofs proofs = Proofs.parse(bundle.json(EvidenceBundle.PROOFS));
            proofs.problems().forEach(problem -> findings.add(Failure.of("proofs", problem)));

            MerkleVerifier merkle = new MerkleVerifier();
            CheckpointChecks checkpointChecks = new CheckpointChecks(findings, merkle, proofs);
            checkpointChecks.verify(checkpoints, origin, keys);

            RunTracker runTracker = new RunTracker(findings);
            RequestChains chains = new RequestChains(findings, manifest.scope() instanceof Manifest.RequestScope);
            ScopeChecks scope = new ScopeChecks(manifest.scope(), findings);
            FabricChecks fabric = arguments.fabric() == null ? null : new FabricChecks(findings);
            EntryPipeline.Sink checks = (line, entry) -> {
                reportProblems(line, entry, findings);
                runTracker.accept(line, entry);
                if (entry.wellFormed()) {
                    chains.accept(entry);
                    scope.accept(entry);
                }
                if (fabric != null) {
                    fabric.accept(entry);
                }
            };
            EntryPipeline.Sink sink = observer == null ? checks : new EntryPipeline.JsonSink() {
                @Override
                public void accept(long line, Entry entry) {
                    checks.accept(line, entry);
                }

                @Override
                public void parsed(long line, Entry entry, com.fasterxml.jackson.databind.JsonNode json) {
                    if (json == null) {
                        findings.add(Failure.atLine("entry", line, "the line is not readable as JSON"));
                    } else if (findings.ok()) {
                        observer.accept(entry.seq(), entry.hash(), java.time.Instant.ofEpochSecond(
                                Math.floorDiv(entry.timeNanos(), 1_000_000_000L),
                                Math.floorMod(entry.timeNanos(), 1_000_000_000L)), json);
                    }
                }
            };
            try (InputStream entries = bundle.member(EvidenceBundle.ENTRIES)) {
                new EntryPipeline(workers).withStepUps(new StepUpChecks(findings,
                        manifest.scope() instanceof Manifest.RequestScope)).run(entries, sink);
            } catch (IOException e) {
                throw new InputException("cannot read " + EvidenceBundle.ENTRIES + ": " + e.getMessage(), e);
            }
            List<Run> runs = runTracker.finish();
            checkManifestCounts(manifest, runTracker, findings);

            Map<Long, Checkpoint> bySize = checkpoints.stream()
                    .collect(Collectors.toMap(Checkpoint::size, Function.identity(), (first, second) -> first));
            InclusionChecks inclusion = new InclusionChecks(findings, merkle);
            inclusion.verify(runs, proofs, bySize);
            long newestSize = checkpoints.stream().mapToLong(Checkpoint::size).max().orElse(-1);
            scope.finish(runs, newestSize, chains);
            if (trusted != null) {
                checkpointChecks.verifyTrusted(trusted, checkpoints, origin, keys);
            }
            FabricChecks.Summary anchored = null;
            if (fabric != null) {
                try (FabricLedger ledger = fabricConnector.open(arguments.fabric())) {
                    anchored = fabric.verify(origin, checkpoints, keys, ledger);
                }
            }

            Summary summary = new Summary(arguments.bundle().toString(), origin,
                    manifest.scope() == null ? "unknown" : manifest.scope().describe(),
                    manifest.scope() == null ? null : manifest.scope().proves(),
                    runTracker.lines(), runTracker.firstSeq(), runTracker.lastSeq(), runs,
                    checkpoints.stream().sorted(Comparator.comparingLong(Checkpoint::size)).toList(),
                    chains.summary(), chains.grantsChecked(), inclusion.verified(),
                    checkpointChecks.consistencyVerified(),
                    pinned == null ? "the bundle's keys.json (not pinned)" : "pinned from " + arguments.keys(),
                    trusted == null ? null : trusted.size(), (System.nanoTime() - started) / 1_000_000);
            return new Report(findings.ok(), findings.failureCount(), findings.failures(), findings.warnings(), summary,
                    anchored);
        }
    }

    private static void reportProblems(long line, Entry entry, Findings findings) {
        for (Entry.Problem problem : entry.problems()) {
            if (entry.request() != null) {
                findings.add(Failure.atRequest(problem.check(), entry.request(), entry.seq(), problem.reason()));
            } else if (entry.seq() >= 0) {
                findings.add(Failure.atSeq(problem.check(), entry.seq(), problem.reason()));
            } else {
                findings.add(Failure.atLine(problem.check(), line, problem.reason()));
            }
        }
    }

    private static void checkManifestCounts(Manifest manifest, RunTracker entries, Findings findings) {
        if (manifest.entries() >= 0 && manifest.entries() != entries.lines()) {
            findings.add(Failure.of("manifest", "it counts " + manifest.entries() + " entries but entries.jsonl has "
                    + entries.lines()));
        }
        if (!Objects.equals(manifest.firstSeq(), entries.firstSeq())) {
            findings.add(Failure.of("manifest", "firstSeq is " + manifest.firstSeq() + " but the first entry is seq "
                    + entries.firstSeq()));
        }
        if (!Objects.equals(manifest.lastSeq(), entries.lastSeq())) {
            findings.add(Failure.of("manifest", "lastSeq is " + manifest.lastSeq() + " but the last entry is seq "
                    + entries.lastSeq()));
        }
    }
}
