package io.countersign.camel;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.countersign.api.Action;
import io.countersign.api.ConsoleLinks;
import io.countersign.api.GroupQuorum;
import io.countersign.api.RequestStatus;
import io.countersign.api.RequestView;
import io.countersign.api.Vote;
import java.net.URI;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * What every channel shows a reviewer about a request, in one order, as plain unescaped text: each channel escapes
 * it for its own markup (Slack mrkdwn, Adaptive Card text, HTML). Nothing here is trusted markup.
 *
 * @param title      one line: who asks to do what, where
 * @param fields     labelled facts: request id, risk cues, agent, on behalf of, action, resource, environment,
 *                   parameters, justification, digest
 * @param reasons    the policy's reasons for asking
 * @param quorum     what approval needs, e.g. "2 approvals from data-owners"
 * @param votes      one line per counted vote
 * @param outcome    {@code null} while pending, otherwise e.g. "Approved" or "Denied"
 * @param deadline   when a pending request expires
 * @param stepUp     an approval counts only with a passkey assertion made in the console: a channel's button must
 *                   open the console instead of deciding
 * @param consolePage the request's page in the console, or {@code null} when no console is configured
 * @param changeRecord the request's change record in the console, or {@code null} when no console is configured
 */
public record RequestSummary(String requestId, String digest, String title, List<Field> fields, List<String> reasons,
                             String quorum, List<String> votes, String outcome, Instant deadline, boolean stepUp,
                             URI consolePage, URI changeRecord) {

    /** Parameters longer than this are cut, with a note: a message is not the place for a whole payload. */
    public static final int MAX_PARAMETERS_CHARS = 1500;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    public record Field(String label, String value) {
    }

    public RequestSummary {
        fields = List.copyOf(fields);
        reasons = List.copyOf(reasons);
        votes = List.copyOf(votes);
    }

    public boolean isPending() {
        return outcome == null;
    }

    /** Whether this channel's Approve button may decide: not for a step-up request, which is approved in the console. */
    public boolean approvesOnChannel() {
        return !stepUp;
    }

    /** The summary without links to the console. */
    public static RequestSummary of(RequestView view) {
        return of(view, null);
    }

    /**
     * The summary, linking to the request's console pages when {@code console} (the service registered while the
     * console is configured) is not {@code null}.
     */
    public static RequestSummary of(RequestView view, ConsoleLinks console) {
        Action action = view.request().action();
        List<Field> fields = new ArrayList<>();
        fields.add(new Field("Request", view.id()));
        List<String> cues = RiskCues.of(action);
        if (!cues.isEmpty()) {
            fields.add(new Field("Risk", String.join(" · ", cues)));
        }
        fields.add(new Field("Agent", action.requester()));
        fields.add(new Field("On behalf of", action.onBehalfOf().isEmpty() ? "nobody"
                : String.join(", ", action.onBehalfOf())));
        fields.add(new Field("Action", action.action()));
        fields.add(new Field("Resource", action.resource()));
        fields.add(new Field("Environment", action.environment()));
        fields.add(new Field("Parameters", parameters(view)));
        fields.add(new Field("Justification", view.request().justification()));
        fields.add(new Field("Digest", view.request().digest()));
        String title = action.requester() + " asks to " + action.action() + " on " + action.resource() + " in "
                + action.environment();
        String quorum = view.decision().route() == null ? "" : String.join(" and ",
                view.decision().route().quorums().stream().map(RequestSummary::quorum).toList());
        List<String> votes = view.votes().stream().map(RequestSummary::vote).toList();
        boolean stepUp = view.decision().route() != null && view.decision().route().stepUp();
        return new RequestSummary(view.id(), view.request().digest(), title, fields, view.decision().reasons(),
                quorum, votes, outcomeOf(view.status()), view.deadline(), stepUp,
                console == null ? null : console.requestPage(view.id()),
                console == null ? null : console.changeRecord(view.id()));
    }

    private static String parameters(RequestView view) {
        String text;
        try {
            text = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(view.request().action().parameters());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        if (text.length() <= MAX_PARAMETERS_CHARS) {
            return text;
        }
        return text.substring(0, MAX_PARAMETERS_CHARS) + "\n… (" + (text.length() - MAX_PARAMETERS_CHARS)
                + " more characters; the full action is in the console)";
    }

    private static String quorum(GroupQuorum quorum) {
        return quorum.approvals() + (quorum.approvals() == 1 ? " approval" : " approvals") + " from "
                + quorum.group();
    }

    private static String vote(Vote vote) {
        return vote.reviewer() + " " + (vote.verdict() == io.countersign.api.Verdict.APPROVE ? "approved" : "denied")
                + " via " + vote.channel() + " at " + when(vote.at());
    }

    /** How long until {@code deadline}, as a person says it: "in 1 h 12 min", "in 3 days 2 h", "now" once passed. */
    public static String timeLeft(Instant now, Instant deadline) {
        if (deadline == null) {
            return "no deadline";
        }
        java.time.Duration left = java.time.Duration.between(now, deadline);
        if (left.isNegative() || left.isZero()) {
            return "now";
        }
        if (left.toMinutes() < 1) {
            return "in less than a minute";
        }
        long days = left.toDays();
        long hours = left.toHoursPart();
        if (days > 0) {
            return "in " + days + (days == 1 ? " day" : " days") + (hours > 0 ? " " + hours + " h" : "");
        }
        return "in " + (hours > 0 ? hours + " h " : "") + left.toMinutesPart() + " min";
    }

    /** An instant as reviewers read it: to the second, in UTC, said so. */
    public static String when(Instant instant) {
        return instant == null ? "none" : WHEN.format(instant);
    }

    /** What a closed request's messages say became of it ("Approved", ...); {@code null} while it is pending. */
    public static String outcomeOf(RequestStatus status) {
        return switch (status) {
            case PENDING -> null;
            case ALLOWED -> "Allowed";
            case APPROVED -> "Approved";
            case DENIED -> "Denied";
            case EXPIRED -> "Expired";
        };
    }
}
