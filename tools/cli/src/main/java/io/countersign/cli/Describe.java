package io.countersign.cli;

import io.countersign.client.ActionRequest;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/** Requests in words, for the people watching a pipeline. */
final class Describe {

    private Describe() {
    }

    /**
     * Who was asked, as far as the API tells: the groups whose members may approve, how many approvals each needs,
     * the channels the route allows and the escalation ladder. The API does not say which reviewers were notified on
     * which channel, nor whether a notification was delivered.
     */
    static String asked(ActionRequest request) {
        ActionRequest.Route route = request.decision().route();
        if (route == null) {
            return "no review route";
        }
        String groups = route.quorums().stream().map(q -> q.group() + " (" + q.approvals() + " approval"
                + (q.approvals() == 1 ? "" : "s") + ")").collect(Collectors.joining(" and "));
        String channels = route.channels().isEmpty() ? "every configured channel"
                : String.join(", ", route.channels());
        String ladder = route.escalations().isEmpty() ? "" : "; escalates to " + route.escalations().stream()
                .map(step -> step.group() + " after " + duration(step.after())).collect(Collectors.joining(", then "));
        return "asked: reviewers in " + groups + ", on " + channels + ladder;
    }

    /** Approvals so far against the route, such as {@code security 1/2}. */
    static String progress(ActionRequest request) {
        ActionRequest.Route route = request.decision().route();
        long approvals = request.votes().stream().filter(v -> v.verdict().equals("approve")).count();
        String needed = route == null ? "" : route.quorums().stream()
                .map(q -> q.group() + " " + q.approvals()).collect(Collectors.joining(" + "));
        return approvals + " approval" + (approvals == 1 ? "" : "s") + " of " + (needed.isEmpty() ? "?" : needed);
    }

    static String vote(ActionRequest.Vote vote) {
        return vote.reviewer() + " " + (vote.verdict().equals("approve") ? "approved" : "denied") + " via "
                + vote.channel() + (vote.comment() == null ? "" : ": \"" + vote.comment() + "\"");
    }

    /** Why a request was denied: the policy's reasons and the reviewers who denied it, with their comments. */
    static List<String> denial(ActionRequest request) {
        List<String> reasons = new java.util.ArrayList<>();
        List<ActionRequest.Vote> denials = request.votes().stream().filter(v -> v.verdict().equals("deny")).toList();
        if (denials.isEmpty() || request.decision().outcome().equals("deny")) {
            request.decision().reasons().forEach(reason -> reasons.add("policy: " + reason));
        }
        denials.forEach(vote -> reasons.add(vote(vote)));
        return reasons;
    }

    static String duration(Duration duration) {
        long seconds = Math.max(0, duration.getSeconds());
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return seconds / 60 + "m" + String.format("%02ds", seconds % 60);
        }
        return seconds / 3600 + "h" + String.format("%02dm", seconds % 3600 / 60);
    }
}
