package io.countersign.intake.mcp.internal;

import io.countersign.api.GroupQuorum;
import io.countersign.api.RequestView;
import io.countersign.api.Reviewer;
import io.countersign.api.Verdict;
import io.countersign.api.Vote;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What the model reads when a call is not run: tool errors ({@code isError}) whose text says what was decided, by
 * whom and why, and the request id, so that the model can explain it or change course.
 */
final class Outcomes {

    static final String META_REQUEST = "countersign/request";

    private Outcomes() {
    }

    static McpSchema.CallToolResult error(String text) {
        return McpSchema.CallToolResult.builder().addTextContent(text).isError(true).build();
    }

    static McpSchema.CallToolResult error(String text, RequestView view) {
        return McpSchema.CallToolResult.builder().addTextContent(text).isError(true)
                .meta(Map.of(META_REQUEST, view.id())).build();
    }

    static McpSchema.CallToolResult policyDenied(RequestView view) {
        return error("Countersign's policy denied this call (request " + view.id() + "): "
                + String.join("; ", view.decision().reasons()) + ". It was not run and approval cannot change that.",
                view);
    }

    static McpSchema.CallToolResult reviewersDenied(RequestView view) {
        return error("Reviewers denied this call (request " + view.id() + "). " + comments(view)
                + " It was not run.", view);
    }

    static McpSchema.CallToolResult expired(RequestView view) {
        return error("No reviewer decided before the deadline " + view.deadline() + " (request " + view.id()
                + "), so it expired and was not run. " + comments(view)
                + " Ask again (it will be a new request) or do without it.", view);
    }

    static McpSchema.CallToolResult stillPending(RequestView view) {
        return error("Still waiting for review (request " + view.id() + ", deadline " + view.deadline()
                + "). Nothing was run. Call the tool again with exactly the same arguments to go on waiting for this"
                + " request.", view);
    }

    /** Each reviewer's verdict and comment, as they gave them. */
    static String comments(RequestView view) {
        if (view.votes().isEmpty()) {
            return "No reviewer voted.";
        }
        return "Reviewers: " + view.votes().stream().map(Outcomes::vote).collect(Collectors.joining("; ")) + ".";
    }

    private static String vote(Vote vote) {
        String verdict = vote.verdict() == Verdict.APPROVE ? "approved" : "denied";
        return vote.reviewer() + " " + verdict + (vote.comment() == null || vote.comment().isBlank() ? ""
                : ": \"" + vote.comment() + "\"");
    }

    /** Who is asked and by when: the progress message of a call waiting for review. */
    static String waiting(RequestView view, List<Reviewer> asked) {
        String quorums = view.decision().route().quorums().stream()
                .map(q -> approvals(q) + " from " + q.group()).collect(Collectors.joining(" and "));
        String people = asked.stream().map(Reviewer::id).collect(Collectors.joining(", "));
        return "Waiting for review of request " + view.id() + ": needs " + quorums + " (groups "
                + String.join(", ", view.eligibleGroups()) + "; asked: " + (people.isEmpty() ? "nobody eligible"
                : people) + "); " + view.votes().size() + " vote(s) so far; deadline " + view.deadline() + ".";
    }

    private static String approvals(GroupQuorum quorum) {
        return quorum.approvals() == 1 ? "1 approval" : quorum.approvals() + " approvals";
    }
}
