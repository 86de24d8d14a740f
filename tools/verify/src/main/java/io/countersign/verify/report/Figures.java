package io.countersign.verify.report;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.verify.VerifiedEvidence;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The report's figures as one JSON document ({@code figures.json}, docs/report-format.md §3): every number the HTML
 * shows is one of these, so a checker recomputes this document and compares.
 */
final class Figures {

    /** Upper bounds of the time-to-decision buckets, in seconds; the last bucket is open. */
    static final long[] DECISION_BUCKETS = {60, 300, 900, 3_600, 14_400, 86_400};
    static final List<String> DECISION_BUCKET_LABELS = List.of("< 1 min", "1–5 min", "5–15 min", "15–60 min",
            "1–4 h", "4–24 h", "> 24 h");
    static final List<String> STATUSES = List.of("allowed", "approved", "denied", "expired", "open");

    private Figures() {
    }

    static ObjectNode of(Period period, VerifiedEvidence evidence, Framework framework) {
        JsonNodeFactory json = JsonNodeFactory.instance;
        ObjectNode figures = json.objectNode();
        figures.put("format", ReportFormat.FORMAT);
        figures.put("framework", framework.id());
        ObjectNode scope = figures.putObject("period");
        scope.put("from", period.from().toString());
        scope.put("to", period.to().toString());
        ObjectNode log = figures.putObject("log");
        log.put("origin", evidence.origin());
        log.put("checkpointSize", evidence.checkpointSize());
        log.put("checkpointRoot", evidence.checkpointRoot());

        ObjectNode requests = figures.putObject("requests");
        requests.put("total", period.populationSize());
        ObjectNode byStatus = requests.putObject("byStatus");
        for (String status : STATUSES) {
            byStatus.put(status, period.withStatus(status));
        }
        ObjectNode byPolicy = requests.putObject("byPolicyOutcome");
        for (String outcome : List.of("ALLOW", "REVIEW", "DENY")) {
            byPolicy.put(outcome.toLowerCase(java.util.Locale.ROOT), period.withPolicyOutcome(outcome));
        }

        TreeMap<Long, Long> decisionSeconds = period.decisionSeconds();
        long decided = decisionSeconds.values().stream().mapToLong(Long::longValue).sum();
        ObjectNode decision = figures.putObject("timeToDecision");
        decision.put("reviewedAndClosed", decided);
        decision.put("medianSeconds", percentile(decisionSeconds, decided, 50));
        decision.put("p90Seconds", percentile(decisionSeconds, decided, 90));
        decision.put("maxSeconds", decisionSeconds.isEmpty() ? 0 : decisionSeconds.lastKey());
        ObjectNode buckets = decision.putObject("buckets");
        long[] counts = new long[DECISION_BUCKETS.length + 1];
        for (Map.Entry<Long, Long> each : decisionSeconds.entrySet()) {
            int bucket = 0;
            while (bucket < DECISION_BUCKETS.length && each.getKey() >= DECISION_BUCKETS[bucket]) {
                bucket++;
            }
            counts[bucket] += each.getValue();
        }
        for (int i = 0; i < counts.length; i++) {
            buckets.put(DECISION_BUCKET_LABELS.get(i), counts[i]);
        }

        ObjectNode perDay = figures.putObject("perDay");
        for (Map.Entry<LocalDate, Map<String, Long>> day : period.perDay().entrySet()) {
            ObjectNode counted = perDay.putObject(day.getKey().toString());
            for (String status : STATUSES) {
                counted.put(status, day.getValue().getOrDefault(status, 0L));
            }
        }
        votes(figures.putObject("perReviewer"), period.perReviewer());
        votes(figures.putObject("perGroup"), period.perGroup());
        ObjectNode perChannel = figures.putObject("votesPerChannel");
        period.perChannel().forEach(perChannel::put);

        Map<String, Long> counters = period.counters();
        ObjectNode events = figures.putObject("events");
        counters.forEach(events::put);

        ObjectNode policy = figures.putObject("policy");
        var activations = policy.putArray("activations");
        for (Period.Activation activation : period.activations()) {
            ObjectNode each = activations.addObject();
            each.put("at", activation.at().toString());
            each.put("version", activation.version());
            each.put("bootstrap", activation.bootstrap());
            activation.approvers().forEach(each.putArray("approvers")::add);
        }
        ObjectNode exceptions = figures.putObject("exceptions");
        for (Period.Exception exception : period.exceptions()) {
            exceptions.put(exception.kind(), exceptions.path(exception.kind()).asLong(0) + 1);
        }
        exceptions.put("count", period.exceptions().size());
        return figures;
    }

    private static void votes(ObjectNode into, Map<String, Map<String, Long>> counted) {
        counted.forEach((name, verdicts) -> {
            ObjectNode each = into.putObject(name);
            each.put("approve", verdicts.getOrDefault("approve", 0L));
            each.put("deny", verdicts.getOrDefault("deny", 0L));
        });
    }

    /** The nearest-rank percentile of {@code total} values counted per value, 0 when there are none. */
    static long percentile(TreeMap<Long, Long> counted, long total, int percent) {
        if (total == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(percent / 100.0 * total));
        long seen = 0;
        for (Map.Entry<Long, Long> each : counted.entrySet()) {
            seen += each.getValue();
            if (seen >= rank) {
                return each.getKey();
            }
        }
        throw new IllegalStateException("fewer values than counted");
    }
}
