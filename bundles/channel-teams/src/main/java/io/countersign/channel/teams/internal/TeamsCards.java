package io.countersign.channel.teams.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.ConsoleLinks;
import io.countersign.api.RefusalReason;
import io.countersign.api.RequestView;
import io.countersign.api.Verdict;
import io.countersign.api.Vote;
import io.countersign.api.notify.Notification;
import io.countersign.camel.RequestSummary;
import java.util.Optional;

/**
 * The Adaptive Cards (schema 1.5, Universal Actions) a reviewer sees in Teams.
 * <p>
 * Every text that comes from a request goes into a {@code TextRun}, which renders no Markdown (Adaptive Cards
 * schema: "Markdown is not supported" for TextRun), never into a {@code TextBlock} or {@code FactSet}, which do.
 * {@code TextBlock}s carry only this class's own constants. {@link #inert(String)} also breaks the {@code {{…}}}
 * date/time functions hosts expand and replaces bidirectional controls that would reorder what a reviewer reads.
 */
final class TeamsCards {

    static final String CARD_TYPE = "application/vnd.microsoft.card.adaptive";
    static final String VERB_APPROVE = "approve";
    static final String VERB_DENY = "deny";
    static final String VERB_REFRESH = "refresh";

    static final String BANNER_REVIEW = "Countersign: your review is requested";
    static final String BANNER_REMINDER = "Countersign reminder: your review is still needed";
    static final String BANNER_PENDING = "Countersign: review in progress";
    static final String BANNER_DECIDED = "Countersign: request decided";
    static final String BANNER_REFUSED = "Countersign: your click was not counted";

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final char ZERO_WIDTH_SPACE = '\u200B';
    private static final char REPLACEMENT = '\uFFFD';

    private TeamsCards() {
    }

    /** The card a notification delivers to its reviewer. */
    static ObjectNode forNotification(Notification notification, ConsoleLinks console) {
        String banner = switch (notification.kind()) {
            case REVIEW -> BANNER_REVIEW;
            case REMINDER -> BANNER_REMINDER;
            case UPDATE -> BANNER_PENDING;
        };
        return forReviewer(notification.view(), notification.reviewer().id(), banner, console);
    }

    /**
     * The request as this reviewer should see it now: Approve and Deny while it is pending and they have not voted;
     * the outcome once it is decided.
     */
    static ObjectNode forReviewer(RequestView view, String reviewerId, String pendingBanner, ConsoleLinks console) {
        RequestSummary summary = RequestSummary.of(view, console);
        if (!summary.isPending()) {
            return requestCard(summary, BANNER_DECIDED, null, false);
        }
        Optional<Vote> own = view.votes().stream().filter(v -> v.reviewer().equals(reviewerId)).findFirst();
        if (own.isPresent()) {
            return requestCard(summary, BANNER_PENDING, "You " + (own.get().verdict() == Verdict.APPROVE
                    ? "approved" : "denied") + " this request at " + own.get().at() + ".", false);
        }
        return requestCard(summary, pendingBanner, null, true);
    }

    /** The answer to a counted vote: the request as it stands now, without buttons. */
    static ObjectNode afterVote(RequestView view, Verdict verdict, ConsoleLinks console) {
        RequestSummary summary = RequestSummary.of(view, console);
        return requestCard(summary, summary.isPending() ? BANNER_PENDING : BANNER_DECIDED,
                "Your " + (verdict == Verdict.APPROVE ? "approval" : "denial") + " was counted.", false);
    }

    /** The answer to a vote the core refused, with its reason. */
    static ObjectNode refusedVote(RequestView view, RefusalReason reason, String detail, ConsoleLinks console) {
        String note = "Your vote was not counted (" + reason.code() + ")" + (detail == null ? "." : ": " + detail);
        return view == null ? noticeCard(BANNER_REFUSED, note)
                : requestCard(RequestSummary.of(view, console), BANNER_REFUSED, note, false);
    }

    /** The whole request, and Approve / Deny when {@code buttons}; {@code note} is shown last, if not null. */
    static ObjectNode requestCard(RequestSummary summary, String banner, String note, boolean buttons) {
        ObjectNode card = emptyCard();
        ArrayNode body = ((ArrayNode) card.get("body"));
        body.add(banner(banner));
        body.add(runs(run(summary.title()).put("weight", "Bolder").put("size", "Medium")));
        for (RequestSummary.Field field : summary.fields()) {
            if (field.label().equals("Parameters")) {
                body.add(runs(label(field.label())));
                body.add(runs(run(field.value()).put("fontType", "Monospace")));
            } else {
                body.add(runs(label(field.label()), run(field.value())));
            }
        }
        body.add(runs(label("Why review is needed")));
        for (String reason : summary.reasons()) {
            body.add(runs(run("• " + reason)));
        }
        if (!summary.quorum().isEmpty()) {
            body.add(runs(label("Approval needs"), run(summary.quorum())));
        }
        if (summary.isPending() && summary.deadline() != null) {
            body.add(runs(label("Deadline"), run(summary.deadline() + " (UTC)")));
        }
        body.add(runs(label("Votes so far")));
        if (summary.votes().isEmpty()) {
            body.add(runs(run("none yet").put("isSubtle", true)));
        }
        for (String vote : summary.votes()) {
            body.add(runs(run("• " + vote)));
        }
        if (!summary.isPending()) {
            body.add(runs(label("Outcome"), run(summary.outcome()).put("weight", "Bolder")
                    .put("color", summary.outcome().equals("Approved") || summary.outcome().equals("Allowed")
                            ? "Good" : "Attention")));
        }
        if (note != null) {
            body.add(runs(run(note).put("italic", true)));
        }
        body.add(runs(run("Request " + summary.requestId()).put("isSubtle", true).put("size", "Small")));
        if (buttons && !summary.approvesOnChannel()) {
            body.add(runs(run(summary.consolePage() == null
                    ? "Approving this request needs a passkey in the Countersign console, which is not set up here."
                    : "Approving this request needs your passkey: Approve with passkey opens it in the console.")
                    .put("italic", true)));
        }
        ArrayNode actions = JSON.arrayNode();
        if (buttons) {
            if (summary.approvesOnChannel()) {
                actions.add(execute("Approve", VERB_APPROVE, summary).put("style", "positive"));
            } else if (summary.consolePage() != null) {
                // step-up: the approval is a passkey assertion over this action, made in the console
                actions.add(openUrl("Approve with passkey", summary.consolePage().toString())
                        .put("style", "positive"));
            }
            actions.add(execute("Deny", VERB_DENY, summary).put("style", "destructive"));
            // in a 1:1 chat Teams refreshes for every member when userIds is left out (at most 60 members)
            card.putObject("refresh").set("action", execute("Refresh", VERB_REFRESH, summary));
        }
        if (summary.consolePage() != null) {
            actions.add(openUrl("Open in the console", summary.consolePage().toString()));
            actions.add(openUrl("Change record", summary.changeRecord().toString()));
        }
        if (!actions.isEmpty()) {
            card.set("actions", actions);
        }
        return card;
    }

    /** A card without the request: for a click that names no request we know, or comes from no reviewer. */
    static ObjectNode noticeCard(String banner, String note) {
        ObjectNode card = emptyCard();
        ((ArrayNode) card.get("body")).add(banner(banner)).add(runs(run(note)));
        return card;
    }

    /** The Bot Framework attachment that carries a card. */
    static ObjectNode attachment(ObjectNode card) {
        ObjectNode attachment = JSON.objectNode().put("contentType", CARD_TYPE);
        attachment.set("content", card);
        return attachment;
    }

    /** The Universal Actions answer to an {@code adaptiveCard/action} invoke: show this card instead. */
    static ObjectNode invokeResponse(ObjectNode card) {
        ObjectNode response = JSON.objectNode().put("statusCode", 200).put("type", CARD_TYPE);
        response.set("value", card);
        return response;
    }

    /**
     * Request text made inert for a TextRun: {@code {{} and {@code }}} get a zero-width space between the braces,
     * bidirectional and other control characters (but line feeds and tabs) become U+FFFD.
     */
    static String inert(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (isBidiControl(c) || Character.isISOControl(c) && c != '\n' && c != '\t') {
                out.append(REPLACEMENT);
                continue;
            }
            if ((c == '{' || c == '}') && out.length() > 0 && out.charAt(out.length() - 1) == c) {
                out.append(ZERO_WIDTH_SPACE);
            }
            out.append(c);
        }
        return out.toString();
    }

    private static boolean isBidiControl(char c) {
        return c == '\u061C' || c == '\u200E' || c == '\u200F' || c >= '\u202A' && c <= '\u202E'
                || c >= '\u2066' && c <= '\u2069';
    }

    private static ObjectNode emptyCard() {
        ObjectNode card = JSON.objectNode();
        card.put("type", "AdaptiveCard");
        card.put("$schema", "http://adaptivecards.io/schemas/adaptive-card.json");
        card.put("version", "1.5");
        card.putObject("msteams").put("width", "Full");
        card.putArray("body");
        return card;
    }

    /** A TextBlock: only for this class's constants, since TextBlocks render Markdown. */
    private static ObjectNode banner(String constant) {
        return JSON.objectNode().put("type", "TextBlock").put("text", constant).put("weight", "Bolder")
                .put("size", "Large").put("wrap", true);
    }

    private static ObjectNode runs(ObjectNode... runs) {
        ObjectNode block = JSON.objectNode().put("type", "RichTextBlock");
        ArrayNode inlines = block.putArray("inlines");
        for (ObjectNode run : runs) {
            inlines.add(run);
        }
        return block;
    }

    private static ObjectNode label(String label) {
        return run(label + ": ").put("weight", "Bolder");
    }

    private static ObjectNode run(String text) {
        return JSON.objectNode().put("type", "TextRun").put("text", inert(text));
    }

    private static ObjectNode openUrl(String title, String url) {
        return JSON.objectNode().put("type", "Action.OpenUrl").put("title", title).put("url", url);
    }

    private static ObjectNode execute(String title, String verb, RequestSummary summary) {
        ObjectNode action = JSON.objectNode().put("type", "Action.Execute").put("title", title).put("verb", verb);
        action.putObject("data").put("requestId", summary.requestId()).put("digest", summary.digest());
        return action;
    }
}
