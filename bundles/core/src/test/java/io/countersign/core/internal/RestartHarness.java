package io.countersign.core.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.ActionRequest;
import io.countersign.api.Agent;
import io.countersign.api.BreakGlassAllowance;
import io.countersign.api.Decision;
import io.countersign.api.GroupQuorum;
import io.countersign.api.Journal;
import io.countersign.api.JournalEntry;
import io.countersign.api.Outcome;
import io.countersign.api.PolicyContext;
import io.countersign.api.PolicyEngine;
import io.countersign.api.ReviewRoute;
import io.countersign.api.SigningKeys;
import io.countersign.api.testing.InMemoryDirectory;
import io.countersign.api.testing.MutableClock;
import io.countersign.journal.internal.FileJournal;
import io.countersign.signing.internal.KeyRing;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A node's journal and approval core in one directory ({@code journal/}, {@code core/}), with a policy that decides
 * by action and records the context it was given, a directory of reviewers and a clock that moves only when told.
 */
final class RestartHarness implements AutoCloseable {

    /** After the signing keys are made (a grant is signed with a key valid at its time). */
    static final Instant START = Instant.now().plusSeconds(60).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);

    static final InMemoryDirectory DIRECTORY = new InMemoryDirectory(EngineFixture.person("alice", "data-owners"),
            EngineFixture.person("bob", "data-owners"), EngineFixture.person("carol", "security"),
            EngineFixture.person("sam", "security"));

    /** The contexts the policy was given, in order ("action today lastHour"). */
    final List<String> contexts = new CopyOnWriteArrayList<>();
    final Path root;
    final MutableClock clock;
    final FileJournal journal;
    final ApprovalEngine engine;

    RestartHarness(Path root, Path keys, MutableClock clock) {
        this(root, keys, clock, ProjectionStore.Options.in(root.resolve("core")));
    }

    RestartHarness(Path root, Path keys, MutableClock clock, ProjectionStore.Options storage) {
        this.root = root;
        this.clock = clock;
        try {
            this.journal = FileJournal.open(root.resolve("journal"), 1 << 20);
            SigningKeys signing = KeyRing.open(keys, "test.example/log");
            this.engine = new ApprovalEngine(journal, journal, policy(contexts), signing, DIRECTORY,
                    Duration.ofMinutes(15), ApprovalEngine.DEFAULT_CHANNEL_EVENTS_PER_SECOND,
                    ApprovalEngine.Limits.DEFAULT, clock, storage);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Decides by {@link #decide} and adds each context it is given to {@code contexts}. */
    static PolicyEngine policy(List<String> contexts) {
        return new PolicyEngine() {
            @Override
            public Decision decide(ActionRequest request, Agent agent, PolicyContext context) {
                contexts.add(request.action().action() + " " + context.sameActionToday() + " "
                        + context.sameActionLastHour());
                return RestartHarness.decide(request.action().action());
            }

            @Override
            public String version() {
                return "sha256:test";
            }
        };
    }

    /** Queries are allowed, deletes denied, the rest reviewed; role changes may break glass. */
    static Decision decide(String action) {
        ReviewRoute owners = new ReviewRoute(List.of(new GroupQuorum("data-owners", 1)), Duration.ofDays(1), 1);
        return switch (action) {
            case "db.query" -> new Decision(Outcome.ALLOW, List.of("reads are fine"), List.of("Query"), "sha256:test",
                    null);
            case "db.delete" -> new Decision(Outcome.DENY, List.of("never"), List.of("Delete"), "sha256:test", null);
            case "data.expire" -> new Decision(Outcome.REVIEW, List.of("quick"), List.of("Quick"), "sha256:test",
                    new ReviewRoute(List.of(new GroupQuorum("data-owners", 1)), Duration.ofMinutes(1), 1));
            case "iam.role.change" -> new Decision(Outcome.REVIEW, List.of("needs security"), List.of("IAM"),
                    "sha256:test", new ReviewRoute(List.of(new GroupQuorum("security", 1)), Duration.ofDays(1), 1),
                    new BreakGlassAllowance(Duration.ofMinutes(5)));
            default -> new Decision(Outcome.REVIEW, List.of("needs a data owner"), List.of("Review"),
                    "sha256:test", owners);
        };
    }

    @Override
    public void close() {
        engine.close();
        journal.close();
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (var files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
    }

    /** Writes the core's snapshot of the journal's first {@code size} entries into {@code stateDirectory}. */
    static void snapshotAt(Path journalDirectory, Path stateDirectory, long size) throws IOException {
        try (FileJournal full = FileJournal.open(journalDirectory, 1 << 20);
             ProjectionStore store = new ProjectionStore(ProjectionStore.Options.in(stateDirectory),
                     new Prefix(full, size), full)) {
            store.load();
        }
    }

    /** The journal as it was when it had {@code size} entries. */
    private record Prefix(Journal journal, long size) implements Journal {
        @Override
        public CompletableFuture<JournalEntry> append(String type, ObjectNode data) {
            throw new UnsupportedOperationException("read only");
        }

        @Override
        public void replay(long fromSeq, Consumer<JournalEntry> consumer) {
            journal.replay(fromSeq, entry -> {
                if (entry.seq() < size) {
                    consumer.accept(entry);
                }
            });
        }

        @Override
        public List<JournalEntry> read(long fromSeq, int limit) {
            return journal.read(fromSeq, (int) Math.max(0, Math.min(limit, size - fromSeq)));
        }

        @Override
        public Following follow(long fromSeq, Consumer<JournalEntry> consumer) {
            throw new UnsupportedOperationException("read only");
        }
    }
}
