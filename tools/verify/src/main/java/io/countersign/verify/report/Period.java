package io.countersign.verify.report;

import com.fasterxml.jackson.databind.JsonNode;
import io.countersign.records.ChangeRecord;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeMap;

/**
 * What a period's verified entries say, computed in one pass over them in seq order (docs/report-format.md §2): the
 * population (every request received in the period, as its entries in the period leave it), the figures, and the
 * exceptions. Only entries whose {@code time} lies in [from, to) count; a range bundle's boundary entries do not.
 * <p>
 * Streamed: a request is held only until no later entry can change its row (denied, expired, or its execution
 * reported; otherwise the end of the period), then its CSV line goes to {@link Rows} and it is counted. The figures
 * are counters; the sample keeps only the {@code sampleSize} lowest ranks seen.
 */
final class Period {

    /** One request of the population. */
    static final class Row {
        final int ordinal;
        final String request;
        final Instant receivedAt;
        final String agent;
        final List<String> onBehalfOf;
        final String action;
        final String resource;
        final String environment;
        final String justification;
        String policyOutcome = "";
        List<String> rules = List.of();
        String policyVersion = "";
        String status = "open";
        Instant decidedAt;
        final List<String> reviews = new ArrayList<>();
        boolean breakGlass;
        String standing = "";
        String grant = "";
        Instant grantConsumedAt;
        String execution = "";
        Instant executedAt;

        Row(int ordinal, String request, JsonNode data) {
            this.ordinal = ordinal;
            this.request = request;
            this.receivedAt = Instant.parse(data.path("receivedAt").asText());
            JsonNode action = data.path("action");
            this.agent = data.path("agent").path("id").asText();
            List<String> humans = new ArrayList<>();
            action.path("onBehalfOf").forEach(human -> humans.add(human.asText()));
            this.onBehalfOf = List.copyOf(humans);
            this.action = action.path("action").asText();
            this.resource = action.path("resource").asText();
            this.environment = action.path("environment").asText();
            this.justification = data.path("justification").asText();
        }

        /** Seconds from receipt to the decision that closed the request, or -1 while it is open. */
        long secondsToDecision() {
            return decidedAt == null ? -1 : Duration.between(receivedAt, decidedAt).toSeconds();
        }
    }

    /** An event an auditor should look at. */
    record Exception(String kind, Instant at, String request, String detail) {
    }

    /** A policy activation: which rule set, approved by whom. */
    record Activation(Instant at, String version, String previousVersion, List<String> approvers, boolean bootstrap) {
    }

    static final String RESERVED_ACTION_PREFIX = "countersign.";

    /** A break-glass request whose post-incident review is awaited: when it got through. */
    private record BreakGlassRow(String request, Instant at) {
    }

    private final Instant from;
    private final Instant to;
    private final byte[] sampleSeed;
    private final int sampleSize;
    private final Rows rows;
    private final Records records;
    /** The requests of the population whose rows may still change, in receipt order. */
    private final Map<String, Row> population = new LinkedHashMap<>();
    private int received;
    private final Map<String, Long> byStatus = new HashMap<>();
    private final Map<String, Long> byPolicyOutcome = new HashMap<>();
    /** Seconds to decision of the reviewed and closed requests, as counts per value. */
    private final TreeMap<Long, Long> decisionSeconds = new TreeMap<>();
    private final Map<LocalDate, Map<String, Long>> receivedPerDay = new HashMap<>();
    /** The lowest sample ranks seen, the highest of them at the head: {rank, request}. */
    private final PriorityQueue<String[]> sample = new PriorityQueue<>(
            Comparator.comparing((String[] ranked) -> ranked[0]).reversed());
    private final List<Exception> exceptions = new ArrayList<>();
    private final List<Activation> activations = new ArrayList<>();
    private final Map<String, Long> counters = new TreeMap<>();
    private final Map<String, Map<String, Long>> perReviewer = new TreeMap<>();
    private final Map<String, Map<String, Long>> perGroup = new TreeMap<>();
    private final Map<String, Long> perChannel = new TreeMap<>();
    /** Break-glass requests of the period, by the review request raised after each. */
    private final Map<String, BreakGlassRow> breakGlassReviews = new HashMap<>();
    private final Map<String, String> closedReviewRequests = new HashMap<>();

    Period(Instant from, Instant to, byte[] sampleSeed, int sampleSize, Rows rows, Records records) {
        this.from = from;
        this.to = to;
        this.sampleSeed = sampleSeed;
        this.sampleSize = sampleSize;
        this.rows = rows;
        this.records = records;
    }

    Instant from() {
        return from;
    }

    Instant to() {
        return to;
    }

    /** The next verified entry, in seq order, with its seq and entry hash (for the change records). */
    void accept(long seq, byte[] hash, Instant time, JsonNode entry) {
        if (time.isBefore(from) || !time.isBefore(to)) {
            return;
        }
        String type = entry.path("type").asText();
        JsonNode data = entry.path("data");
        String request = data.path("request").asText(null);
        if (request != null && ChangeRecord.TYPES.contains(type)) {
            records.accept(request, seq, hash, entry);
        }
        Row row = request == null ? null : population.get(request);
        switch (type) {
            case "request.received" -> received(request, data);
            case "policy.decided" -> {
                if (row != null) {
                    decided(row, data, time);
                }
            }
            case "review.accepted" -> reviewed(row, data);
            case "review.refused" -> {
                String reason = data.path("reason").asText();
                count("reviews.refused." + reason);
                if (reason.equals("self-approval") || reason.equals("not-eligible")) {
                    exceptions.add(new Exception("review-refused-" + reason, time, request,
                            data.path("reviewer").asText() + " via " + data.path("channel").asText() + ": "
                                    + data.path("detail").asText()));
                }
            }
            case "request.approved", "request.denied", "request.expired" -> closed(row, request, type, data, time);
            case "grant.issued" -> {
                count("grants.issued");
                if (row != null) {
                    row.grant = data.path("grant").asText();
                }
            }
            case "grant.consumed" -> {
                count("grants.consumed");
                if (row != null) {
                    row.grantConsumedAt = time;
                }
            }
            case "grant.refused" -> {
                String reason = data.path("reason").asText();
                count("grants.refused." + reason);
                exceptions.add(new Exception("grant-refused-" + reason, time, request,
                        "by " + data.path("by").asText() + ": " + data.path("detail").asText()));
            }
            case "execution.reported" -> {
                String outcome = data.path("outcome").asText();
                count("executions." + outcome);
                if (row != null) {
                    row.execution = outcome;
                    row.executedAt = time;
                    done(row);
                }
                if (outcome.equals("failure")) {
                    exceptions.add(new Exception("execution-failed", time, request,
                            "by " + data.path("by").asText() + ": " + data.path("detail").asText("")));
                }
            }
            case "breakglass.invoked" -> count("breakGlass.invoked");
            case "standing.granted" -> count("standing.granted");
            case "standing.revoked" -> count("standing.revoked");
            case "standing.used" -> {
                count("standing.used");
                if (row != null) {
                    row.standing = data.path("standing").asText();
                }
                if (data.path("use").asLong() >= data.path("maxUses").asLong()) {
                    count("standing.exhausted");
                    exceptions.add(new Exception("standing-approval-exhausted", time, request,
                            "standing approval " + data.path("standing").asText() + " of "
                                    + data.path("approver").asText() + " used " + data.path("use").asLong() + " of "
                                    + data.path("maxUses").asLong() + " times"));
                }
            }
            case "policy.activated" -> activated(data, time);
            case "policy.proposed" -> count("policy.proposed");
            case "policy.change.closed" -> count("policy.changes.closed." + data.path("status").asText());
            default -> {
                // notifications, channel events and key entries are evidence, not figures of the period
            }
        }
    }

    private void received(String request, JsonNode data) {
        if (data.path("action").path("action").asText().startsWith(RESERVED_ACTION_PREFIX)) {
            count("reviewRequests.raised");
            return;
        }
        population.put(request, new Row(received++, request, data));
        count("requests.total");
    }

    private void decided(Row row, JsonNode data, Instant time) {
        row.policyOutcome = data.path("outcome").asText();
        List<String> rules = new ArrayList<>();
        data.path("rules").forEach(rule -> rules.add(rule.asText()));
        row.rules = List.copyOf(rules);
        row.policyVersion = data.path("policyVersion").asText();
        count("policy." + row.policyOutcome.toLowerCase(java.util.Locale.ROOT));
        String status = data.path("status").asText();
        if (!status.equals("pending")) {
            row.status = status;
            row.decidedAt = time;
        }
        if (data.has("breakGlass")) {
            row.breakGlass = true;
            count("breakGlass.allowed");
            breakGlassReviews.put(data.path("breakGlass").path("reviewRequest").asText(), new BreakGlassRow(
                    row.request, row.decidedAt == null ? row.receivedAt : row.decidedAt));
        }
        if (status.equals("denied")) {
            done(row);
        }
    }

    private void reviewed(Row row, JsonNode data) {
        String verdict = data.path("verdict").asText();
        String reviewer = data.path("reviewer").asText();
        String channel = data.path("channel").asText();
        count("reviews.accepted." + verdict);
        perChannel.merge(channel, 1L, Long::sum);
        perReviewer.computeIfAbsent(reviewer, key -> new TreeMap<>()).merge(verdict, 1L, Long::sum);
        data.path("groups").forEach(group -> perGroup.computeIfAbsent(group.asText(), key -> new TreeMap<>())
                .merge(verdict, 1L, Long::sum));
        if (row != null) {
            row.reviews.add(reviewer + ":" + verdict + ":" + channel);
        }
    }

    private void closed(Row row, String request, String type, JsonNode data, Instant time) {
        String status = data.path("status").asText();
        if (row == null) {
            closedReviewRequests.put(request, status);
            return;
        }
        row.status = status;
        row.decidedAt = time;
        if (type.equals("request.expired")) {
            exceptions.add(new Exception("request-expired", time, request, row.action + " on " + row.resource
                    + " by " + row.agent + ": " + data.path("cause").asText()));
        }
        if (!status.equals("approved")) {
            done(row);
        }
    }

    private void activated(JsonNode data, Instant time) {
        count("policy.activations");
        List<String> approvers = new ArrayList<>();
        data.path("approvers").forEach(approver -> approvers.add(approver.asText()));
        Activation activation = new Activation(time, data.path("version").asText(),
                data.path("previousVersion").asText(""), List.copyOf(approvers), data.path("bootstrap").asBoolean());
        activations.add(activation);
        exceptions.add(new Exception("policy-activated", time, data.path("reviewRequest").asText(""),
                activation.version() + (activation.bootstrap() ? " (bootstrap)" : " approved by "
                        + String.join(", ", approvers))));
    }

    private void count(String name) {
        counters.merge(name, 1L, Long::sum);
    }

    /** No later entry changes this row: it is written and counted, and forgotten. */
    private void done(Row row) {
        population.remove(row.request);
        records.done(row.request);
        rows.put(row.ordinal, Csv.populationLine(row));
        byStatus.merge(row.status, 1L, Long::sum);
        byPolicyOutcome.merge(row.policyOutcome, 1L, Long::sum);
        if (row.policyOutcome.equals("REVIEW") && row.decidedAt != null) {
            decisionSeconds.merge(row.secondsToDecision(), 1L, Long::sum);
        }
        receivedPerDay.computeIfAbsent(row.receivedAt.atZone(ZoneOffset.UTC).toLocalDate(), day -> new HashMap<>())
                .merge(row.status, 1L, Long::sum);
        if (sampleSize > 0) {
            String rank = Sample.rank(sampleSeed, row.request);
            if (sample.size() < sampleSize) {
                sample.add(new String[] {rank, row.request});
            } else if (rank.compareTo(sample.peek()[0]) < 0) {
                sample.poll();
                sample.add(new String[] {rank, row.request});
            }
        }
    }

    /** Called once every entry was given: what depends on the whole period. */
    void finish() {
        for (Row row : List.copyOf(population.values())) {
            done(row);
        }
        for (Map.Entry<String, BreakGlassRow> each : breakGlassReviews.entrySet()) {
            String status = closedReviewRequests.get(each.getKey());
            if (!"approved".equals(status)) {
                BreakGlassRow row = each.getValue();
                exceptions.add(new Exception("break-glass-unreviewed", row.at(), row.request(),
                        "its post-incident review " + each.getKey()
                        + (status == null ? " was not completed in the period" : " ended " + status)));
            }
        }
        exceptions.sort(java.util.Comparator.comparing(Exception::at).thenComparing(Exception::kind)
                .thenComparing(Exception::request));
    }

    /** How many requests the population has. */
    int populationSize() {
        return received;
    }

    long withStatus(String status) {
        return byStatus.getOrDefault(status, 0L);
    }

    long withPolicyOutcome(String outcome) {
        return byPolicyOutcome.getOrDefault(outcome, 0L);
    }

    /** Seconds to decision of the requests sent to review and closed in the period: value → how many. */
    TreeMap<Long, Long> decisionSeconds() {
        return decisionSeconds;
    }

    /** The sampled requests, lowest rank first. */
    List<String> sample() {
        List<String[]> ranked = new ArrayList<>(sample);
        ranked.sort(Comparator.comparing((String[] each) -> each[0]));
        return ranked.stream().map(each -> each[1]).toList();
    }

    List<Exception> exceptions() {
        return List.copyOf(exceptions);
    }

    /** The requests that get a change record: the sample's and those the exceptions name, sorted. */
    List<String> recordedRequests() {
        java.util.TreeSet<String> named = new java.util.TreeSet<>(sample());
        for (Exception exception : exceptions) {
            if (exception.request() != null && !exception.request().isEmpty()) {
                named.add(exception.request());
            }
        }
        return List.copyOf(named);
    }

    List<Activation> activations() {
        return List.copyOf(activations);
    }

    Map<String, Long> counters() {
        return counters;
    }

    Map<String, Map<String, Long>> perReviewer() {
        return perReviewer;
    }

    Map<String, Map<String, Long>> perGroup() {
        return perGroup;
    }

    Map<String, Long> perChannel() {
        return perChannel;
    }

    /** Requests received per UTC day, by their status at the end of the period; every day of the period listed. */
    Map<LocalDate, Map<String, Long>> perDay() {
        Map<LocalDate, Map<String, Long>> days = new TreeMap<>();
        LocalDate last = to.minusNanos(1).atZone(ZoneOffset.UTC).toLocalDate();
        for (LocalDate day = from.atZone(ZoneOffset.UTC).toLocalDate(); !day.isAfter(last); day = day.plusDays(1)) {
            days.put(day, new TreeMap<>());
        }
        receivedPerDay.forEach((day, statuses) -> statuses.forEach((status, n) -> days.get(day).merge(status, n,
                Long::sum)));
        return days;
    }
}
