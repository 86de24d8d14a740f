package io.countersign.policy.tool;

import io.countersign.policy.drools.internal.CandidatePolicy;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Set;

/** {@code replay --candidate DIR --from T1 --to T2 [--journal DIR] [--json]}. */
final class ReplayCommand {

    private ReplayCommand() {
    }

    static int run(List<String> args, PrintStream out, PrintStream err) {
        Path candidateDir;
        Path journal;
        Instant from;
        Instant to;
        Options options;
        try {
            options = Options.parse(args, Set.of("--candidate", "--from", "--to", "--journal",
                    "--default-review-timeout"), Set.of("--json"));
            if (!options.positional.isEmpty()) {
                throw new Options.UsageException("unexpected argument " + options.positional.get(0));
            }
            candidateDir = Path.of(options.required("--candidate"));
            journal = Path.of(options.values.getOrDefault("--journal", "data/journal"));
            from = instant(options.required("--from"), "--from");
            to = instant(options.required("--to"), "--to");
            if (!from.isBefore(to)) {
                throw new Options.UsageException("--from must be before --to");
            }
        } catch (Options.UsageException e) {
            err.print(e.getMessage() + "\n" + PolicyTool.USAGE);
            return 2;
        }
        if (!Files.isDirectory(candidateDir)) {
            err.println("no candidate rules directory " + candidateDir.toAbsolutePath());
            return 2;
        }
        Duration defaultTimeout;
        try {
            defaultTimeout = Duration.parse(options.values.getOrDefault("--default-review-timeout", "PT1H"));
        } catch (DateTimeParseException e) {
            err.println("--default-review-timeout must be an ISO-8601 duration such as PT1H");
            return 2;
        }
        CandidatePolicy candidate;
        try {
            candidate = CandidatePolicy.compile(candidateDir, defaultTimeout, ReplayCommand.class.getClassLoader());
        } catch (CandidatePolicy.CompileFailure e) {
            err.println("the candidate rules do not compile:");
            e.errors().forEach(error -> err.println("  " + error));
            return 2;
        } catch (IOException e) {
            err.println("cannot read " + candidateDir + ": " + e.getMessage());
            return 2;
        }
        Replay.Result result;
        try {
            result = Replay.run(journal, candidate, from, to);
        } catch (IOException | RuntimeException e) {
            err.println("cannot read the journal " + journal.toAbsolutePath() + ": " + e.getMessage());
            return 2;
        }
        out.print(options.has("--json") ? Replay.json(result).toPrettyString() + "\n" : Replay.table(result));
        return 0;
    }

    /** An ISO-8601 instant ({@code 2026-11-01T00:00:00Z}), one with an offset ({@code …+01:00}) or a UTC day. */
    static Instant instant(String text, String option) throws Options.UsageException {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException notAnInstant) {
            try {
                return OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeParseException notWithOffset) {
                try {
                    return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
                } catch (DateTimeParseException notADay) {
                    throw new Options.UsageException(option + " must be an ISO-8601 instant such as"
                            + " 2026-11-01T00:00:00Z (or a UTC day such as 2026-11-01)");
                }
            }
        }
    }
}
