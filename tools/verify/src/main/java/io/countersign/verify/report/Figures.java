package io.countersign.verify.report;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.verify.VerifiedEvidence;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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

        List<Period.Row> rows = period.population();
        ObjectNode requests = figures.putObject("requests");
        requests.put("total", rows.size());
        ObjectNode byStatus = requests.putObject("byStatus");
        for (String status : STATUSES) {
            byStatus.put(status, rows.stream().filter(row -> row.status.equals(status)).count());
        }
        ObjectNode byPolicy = requests.putObject("byPolicyOutcome");
        for (String outcome : List.of("ALLOW", "REVIEW", "DENY")) {
            byPolicy.put(outcome.toLowerCase(java.util.Locale.ROOT),
                    rows.stream().filter(row -> row.policyOutcome.equals(outcome)).count());
        }

        List<Long> decisionSeconds = new ArrayList<>();
        for (Period.Row row : rows) {
            if (row.policyOutcome.equals("REVIEW") && row.decidedAt != null) {
                decisionSeconds.add(row.secondsToDecision());
            }
        }
        decisionSeconds.sort(null);
        ObjectNode decision = figures.putObject("timeToDecision");
        decision.put("reviewedAndClosed", decisionSeconds.size());
        decision.put("medianSeconds", percentile(decisionSeconds, 50));
        decision.put("p90Seconds", percentile(decisionSeconds, 90));
        decision.put("maxSeconds", decisionSeconds.isEmpty() ? 0 : decisionSeconds.get(decisionSeconds.size() - 1));
        ObjectNode buckets = decision.putObject("buckets");
        long[] counts = new long[DECISION_BUCKETS.length + 1];
        for (long seconds : decisionSeconds) {
            int bucket = 0;
            while (bucket < DECISION_BUCKETS.length && seconds >= DECISION_BUCKETS[bucket]) {
                bucket++;
            }
            counts[bucket]++;
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

    /** The nearest-rank percentile of sorted values, 0 when there are none. */
    static long percentile(List<Long> sorted, int percent) {
        if (sorted.isEmpty()) {
            return 0;
        }
        int rank = (int) Math.ceil(percent / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }
}
