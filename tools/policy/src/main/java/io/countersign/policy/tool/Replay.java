package io.countersign.policy.tool;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.ActionRequest;
import io.countersign.api.Agent;
import io.countersign.api.Decision;
import io.countersign.api.Escalation;
import io.countersign.api.PolicyContext;
import io.countersign.api.ReviewRoute;
import io.countersign.core.internal.JournalCodec;
import io.countersign.journal.internal.JournalFiles;
import io.countersign.policy.drools.internal.CandidatePolicy;
import io.countersign.policy.drools.internal.RuleTests;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Evaluates the requests a journal recorded in a time window with a candidate rule set, each with the context the
 * policy saw then (journaled with its decision), and lists what the candidate would have decided differently.
 */
final class Replay {

    /** A request as recorded, with the decision the policy of the day made. */
    record Recorded(ActionRequest request, Agent agent, PolicyContext context, Decision decision) {
    }

    /** A request the candidate decides differently. */
    record Change(Recorded recorded, Decision candidate, List<String> differences, List<String> kinds) {
    }

    /** A request in the window the policy never decided (a restart came between receipt and decision). */
    record Undecided(String request, Instant receivedAt, String action, String environment, String why) {
    }

    record Result(String candidateVersion, Instant from, Instant to, long replayed, List<Change> changes,
                  long raisedByCountersign, List<Undecided> withoutDecision, Set<String> recordedVersions) {

        long unchanged() {
            return replayed - changes.size();
        }

        Map<String, Integer> byKind() {
            Map<String, Integer> counts = new TreeMap<>();
            changes.forEach(change -> change.kinds().forEach(kind -> counts.merge(kind, 1, Integer::sum)));
            return counts;
        }
    }

    private Replay() {
    }

    /** The reason core journals when it denies a request whose policy decision a restart cut off. */
    static final String NOT_DECIDED_BEFORE_RESTART = "the policy decision was not recorded before a restart";

    static Result run(Path journal, CandidatePolicy candidate, Instant from, Instant to) throws IOException {
        Map<String, JsonNode> received = new LinkedHashMap<>();
        List<Change> changes = new ArrayList<>();
        List<Undecided> undecided = new ArrayList<>();
        long[] counts = new long[2];
        Set<String> versions = new TreeSet<>();
        JournalFiles.read(journal, entry -> {
            JsonNode data = entry.data();
            if (entry.type().equals("request.received")) {
                Instant at = Instant.parse(data.path("receivedAt").asText());
                if (at.isBefore(from) || !at.isBefore(to)) {
                    return;
                }
                if (data.path("action").path("action").asText().startsWith("countersign.")) {
                    counts[1]++;
                    return;
                }
                received.put(data.path("request").asText(), data);
            } else if (entry.type().equals("policy.decided")) {
                JsonNode request = received.remove(data.path("request").asText());
                if (request == null) {
                    return;
                }
                if (repairedAfterRestart(data)) {
                    undecided.add(undecided(request, "denied at restart: " + data.path("reasons").path(0).asText()));
                    return;
                }
                counts[0]++;
                Recorded recorded = new Recorded(JournalCodec.request(request), JournalCodec.agent(request),
                        JournalCodec.context(data), JournalCodec.decision(data));
                versions.add(recorded.decision().policyVersion());
                Decision again = candidate.decide(recorded.request(), recorded.agent(), recorded.context());
                List<String> kinds = new ArrayList<>();
                List<String> differences = differences(recorded.decision(), again, kinds);
                if (!differences.isEmpty()) {
                    changes.add(new Change(recorded, again, differences, kinds));
                }
            }
        });
        received.values().forEach(request -> undecided.add(undecided(request, "no policy.decided entry")));
        undecided.sort(Comparator.comparing(Undecided::receivedAt).thenComparing(Undecided::request));
        return new Result(candidate.version(), from, to, counts[0], changes, counts[1], undecided, versions);
    }

    /**
     * The fail-closed denial core writes for a request whose decision a restart cut off: not the policy's decision,
     * so there is nothing to compare. It is the only {@code policy.decided} without the policy's context and rules.
     */
    static boolean repairedAfterRestart(JsonNode decided) {
        if (decided.path("repair").asBoolean()) {
            return true;
        }
        // journals written before the repair mark
        return !decided.has("context") && decided.path("rules").isEmpty()
                && decided.path("outcome").asText().equals("DENY")
                && decided.path("reasons").path(0).asText().startsWith(NOT_DECIDED_BEFORE_RESTART);
    }

    private static Undecided undecided(JsonNode received, String why) {
        JsonNode action = received.path("action");
        return new Undecided(received.path("request").asText(), Instant.parse(received.path("receivedAt").asText()),
                action.path("action").asText(), action.path("environment").asText(), why);
    }

    /** What changed, in words, and the kind of each change (for the summary). */
    static List<String> differences(Decision was, Decision now, List<String> kinds) {
        List<String> differences = new ArrayList<>();
        if (was.outcome() != now.outcome()) {
            differences.add(brief(was) + " → " + brief(now));
            kinds.add(was.outcome() + " → " + now.outcome());
        } else if (was.route() != null && now.route() != null) {
            Map<String, Integer> before = quorums(was.route());
            Map<String, Integer> after = quorums(now.route());
            Set<String> groups = new TreeSet<>(before.keySet());
            groups.addAll(after.keySet());
            boolean quorumChanged = false;
            for (String group : groups) {
                Integer a = before.get(group);
                Integer b = after.get(group);
                if (!Objects.equals(a, b)) {
                    differences.add("quorum " + group + " " + (a == null ? "none" : a) + " → " + (b == null ? "none"
                            : b));
                    quorumChanged = true;
                }
            }
            if (quorumChanged) {
                kinds.add("quorum");
            }
            if (!was.route().timeout().equals(now.route().timeout())) {
                differences.add("timeout " + was.route().timeout() + " → " + now.route().timeout());
                kinds.add("timeout");
            }
            if (!was.route().escalations().equals(now.route().escalations())) {
                differences.add("escalations " + steps(was.route().escalations()) + " → "
                        + steps(now.route().escalations()));
                kinds.add("escalations");
            }
            if (!was.route().channels().equals(now.route().channels())) {
                differences.add("channels " + channels(was.route().channels()) + " → "
                        + channels(now.route().channels()));
                kinds.add("channels");
            }
        }
        Duration glassBefore = was.breakGlass() == null ? null : was.breakGlass().grantTtl();
        Duration glassAfter = now.breakGlass() == null ? null : now.breakGlass().grantTtl();
        if (!Objects.equals(glassBefore, glassAfter)) {
            differences.add("break-glass " + (glassBefore == null ? "none" : glassBefore) + " → "
                    + (glassAfter == null ? "none" : glassAfter));
            kinds.add("break-glass");
        }
        return differences;
    }

    /** An outcome and, for a review, its quorums and timeout: {@code REVIEW data-owners×2 PT4H}. */
    static String brief(Decision decision) {
        if (decision.route() == null) {
            return decision.outcome().name();
        }
        List<String> quorums = new ArrayList<>();
        quorums(decision.route()).forEach((group, approvals) -> quorums.add(group + "×" + approvals));
        return decision.outcome() + " " + String.join(" + ", quorums) + " " + decision.route().timeout();
    }

    private static Map<String, Integer> quorums(ReviewRoute route) {
        Map<String, Integer> quorums = new TreeMap<>();
        route.quorums().forEach(q -> quorums.put(q.group(), q.approvals()));
        return quorums;
    }

    private static String steps(List<Escalation> steps) {
        return steps.isEmpty() ? "none" : String.join(", ", steps.stream().map(s -> s.group() + " after "
                + s.after()).toList());
    }

    private static String channels(List<String> channels) {
        return channels.isEmpty() ? "any" : String.join(", ", channels);
    }

    // ---- reports ----

    static String table(Result result) {
        StringBuilder text = new StringBuilder();
        text.append("Replayed ").append(result.replayed()).append(" requests received from ").append(result.from())
                .append(" to ").append(result.to()).append("\nagainst the candidate ").append(result.candidateVersion())
                .append(" (recorded under ").append(result.recordedVersions().isEmpty() ? "no policy"
                        : String.join(", ", result.recordedVersions())).append(")\n");
        text.append("changed ").append(result.changes().size()).append(", unchanged ").append(result.unchanged());
        if (result.raisedByCountersign() > 0) {
            text.append("; ").append(result.raisedByCountersign())
                    .append(" requests raised by Countersign itself were not replayed");
        }
        if (!result.withoutDecision().isEmpty()) {
            text.append("; ").append(result.withoutDecision().size())
                    .append(" requests have no recorded policy decision (listed below)");
        }
        text.append("\n");
        if (!result.changes().isEmpty()) {
            text.append("\n").append(String.format("%-36s  %-20s  %-28s  %-11s  %s%n", "request", "received",
                    "action", "environment", "recorded → candidate"));
            for (Change change : result.changes()) {
                ActionRequest request = change.recorded().request();
                text.append(String.format("%-36s  %-20s  %-28s  %-11s  %s → %s%n", request.id(),
                        seconds(request.receivedAt()), request.action().action(), request.action().environment(),
                        RuleTests.describe(change.recorded().decision()), RuleTests.describe(change.candidate())));
                text.append(String.format("%-36s  changed: %s%n", "", String.join("; ", change.differences())));
            }
            text.append("\nBy kind of change:\n");
            result.byKind().forEach((kind, count) -> text.append(String.format("  %-20s %d%n", kind, count)));
        }
        if (!result.withoutDecision().isEmpty()) {
            text.append("\nWithout a recorded policy decision (not replayed):\n");
            for (Undecided request : result.withoutDecision()) {
                text.append(String.format("%-36s  %-20s  %-28s  %-11s  %s%n", request.request(),
                        seconds(request.receivedAt()), request.action(), request.environment(), request.why()));
            }
        }
        return text.toString();
    }

    /** An instant to the second, so the table's columns line up (the JSON keeps the full instant). */
    private static Instant seconds(Instant instant) {
        return instant.truncatedTo(ChronoUnit.SECONDS);
    }

    static ObjectNode json(Result result) {
        JsonNodeFactory factory = JsonNodeFactory.instance;
        ObjectNode json = factory.objectNode();
        json.put("candidateVersion", result.candidateVersion());
        json.put("from", result.from().toString());
        json.put("to", result.to().toString());
        result.recordedVersions().forEach(json.putArray("recordedVersions")::add);
        json.put("replayed", result.replayed());
        json.put("changed", result.changes().size());
        json.put("unchanged", result.unchanged());
        json.put("raisedByCountersign", result.raisedByCountersign());
        ArrayNode undecided = json.putArray("withoutDecision");
        for (Undecided request : result.withoutDecision()) {
            undecided.addObject().put("request", request.request()).put("receivedAt", request.receivedAt().toString())
                    .put("action", request.action()).put("environment", request.environment())
                    .put("why", request.why());
        }
        ObjectNode byKind = json.putObject("byKind");
        result.byKind().forEach(byKind::put);
        ArrayNode changes = json.putArray("changes");
        for (Change change : result.changes()) {
            ActionRequest request = change.recorded().request();
            ObjectNode item = changes.addObject();
            item.put("request", request.id());
            item.put("receivedAt", request.receivedAt().toString());
            item.put("action", request.action().action());
            item.put("resource", request.action().resource());
            item.put("environment", request.action().environment());
            item.put("recorded", RuleTests.describe(change.recorded().decision()));
            item.put("candidate", RuleTests.describe(change.candidate()));
            change.differences().forEach(item.putArray("differences")::add);
            change.kinds().forEach(item.putArray("kinds")::add);
            change.candidate().rules().forEach(item.putArray("candidateRules")::add);
        }
        return json;
    }
}
