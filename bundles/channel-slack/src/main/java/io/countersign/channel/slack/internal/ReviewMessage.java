package io.countersign.channel.slack.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.ConsoleLinks;
import io.countersign.api.RequestView;
import io.countersign.api.Verdict;
import io.countersign.api.Vote;
import io.countersign.camel.RequestSummary;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The Block Kit message a reviewer sees for one request: the whole context, then Approve and Deny while a decision
 * is still theirs to make. Every piece of request text goes through {@link Mrkdwn}; only this class's own labels are
 * markup. Lengths stay within Slack's block limits, so a long parameter cannot make Slack refuse the message.
 */
final class ReviewMessage {

    static final String APPROVE = "approve";
    static final String DENY = "deny";
    /** A link button to the console: Slack still posts its click, which decides nothing and is acknowledged. */
    static final String OPEN_CONSOLE = "open-console";
    static final String BLOCK_ID_PREFIX = "countersign:";

    /** Slack's limits for section text, a section field, fields per section and a block id. */
    private static final int SECTION_CHARS = 3000;
    private static final int FIELD_CHARS = 2000;
    private static final int FIELDS_PER_SECTION = 10;
    private static final int BLOCK_ID_CHARS = 255;
    private static final String PARAMETERS = "Parameters";
    private static final Pattern SLACK_USER_ID = Pattern.compile("[UW][A-Z0-9]{2,20}");
    private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
            .withZone(ZoneOffset.UTC);
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    /** A message as chat.postMessage, chat.update and response_url take it: fallback text and blocks. */
    record Rendered(String text, ArrayNode blocks) {
    }

    private ReviewMessage() {
    }

    /**
     * @param heading  plain text, ours: "Approval needed", "Approved"
     * @param buttons  whether to offer Approve and Deny
     * @param mention  a Slack user id to address in a shared channel, or {@code null}
     * @param note     a line of our own about this reviewer's vote, or {@code null}
     */
    static Rendered render(RequestSummary summary, String heading, boolean buttons, String mention, String note) {
        ArrayNode blocks = JSON.arrayNode();
        blocks.add(header(heading));
        String address = mention != null && SLACK_USER_ID.matcher(mention).matches() ? "<@" + mention + ">" : null;
        if (address != null) {
            blocks.add(section("For " + address));
        }
        blocks.add(section(Mrkdwn.escape(summary.title(), SECTION_CHARS)));
        List<ObjectNode> fields = new ArrayList<>();
        String parameters = null;
        for (RequestSummary.Field field : summary.fields()) {
            if (field.label().equals(PARAMETERS)) {
                parameters = field.value();
            } else {
                fields.add(labelled(field.label(), field.value(), FIELD_CHARS));
            }
        }
        for (int i = 0; i < fields.size(); i += FIELDS_PER_SECTION) {
            ObjectNode section = JSON.objectNode().put("type", "section");
            section.putArray("fields").addAll(fields.subList(i, Math.min(fields.size(), i + FIELDS_PER_SECTION)));
            blocks.add(section);
        }
        if (parameters != null) {
            String label = "*Parameters*\n";
            blocks.add(section(label + Mrkdwn.codeBlock(parameters, SECTION_CHARS - label.length())));
        }
        if (!summary.reasons().isEmpty()) {
            blocks.add(section(bullets("Why a review is needed", summary.reasons())));
        }
        ObjectNode rules = JSON.objectNode().put("type", "section");
        rules.putArray("fields")
                .add(labelled("Approval needs", summary.quorum(), FIELD_CHARS))
                .add(mrkdwn("*Deadline*\n" + deadline(summary.deadline())));
        blocks.add(rules);
        blocks.add(section(summary.votes().isEmpty() ? "*Votes so far*\nNone yet"
                : bullets("Votes so far", summary.votes())));
        if (summary.outcome() != null) {
            blocks.add(section("*Outcome:* " + Mrkdwn.escape(summary.outcome(), 200)));
        }
        if (note != null) {
            blocks.add(context(Mrkdwn.escape(note, FIELD_CHARS)));
        }
        if (buttons && !summary.approvesOnChannel()) {
            blocks.add(context(summary.consolePage() == null
                    ? "Approving this request needs a passkey in the Countersign console, which is not set up here."
                    : "Approving this request needs your passkey: *Approve with passkey* opens it in the console."));
        }
        if (buttons) {
            blocks.add(actions(summary));
        }
        blocks.add(context("Countersign request " + Mrkdwn.escape(summary.requestId(), 200)
                + (summary.consolePage() == null ? "" : " · <" + summary.consolePage() + "|Open in the console> · <"
                        + summary.changeRecord() + "|Change record>")));
        String text = (address == null ? "" : address + " ") + heading + ": "
                + Mrkdwn.escape(summary.title(), SECTION_CHARS);
        return new Rendered(text, blocks);
    }

    /**
     * The message for one reviewer on the request as it stands: Approve and Deny only while it is pending and they
     * have not voted yet, and a note of their vote once they have.
     *
     * @param mention the reviewer's Slack user id when the message goes to a shared channel, otherwise {@code null}
     * @param console the console's links while it is set up, otherwise {@code null}
     */
    static Rendered forReviewer(RequestView view, String reviewerId, boolean reminder, String mention,
                                ConsoleLinks console) {
        RequestSummary summary = RequestSummary.of(view, console);
        Vote own = view.votes().stream().filter(v -> v.reviewer().equals(reviewerId)).findFirst().orElse(null);
        String heading = summary.outcome() != null ? summary.outcome()
                : reminder ? "Reminder: approval needed" : "Approval needed";
        String note = own == null ? null
                : "You " + (own.verdict() == Verdict.APPROVE ? "approved" : "denied") + " this request.";
        return render(summary, heading, summary.isPending() && own == null, mention, note);
    }

    /** A short message of our own, for an ephemeral reply. */
    static Rendered note(String text) {
        String escaped = Mrkdwn.escape(text, SECTION_CHARS);
        ArrayNode blocks = JSON.arrayNode().add(section(escaped));
        return new Rendered(escaped, blocks);
    }

    private static ObjectNode actions(RequestSummary summary) {
        String value = new ButtonValue(summary.requestId(), summary.digest()).encode();
        ObjectNode actions = JSON.objectNode().put("type", "actions");
        String blockId = BLOCK_ID_PREFIX + summary.requestId();
        if (blockId.length() <= BLOCK_ID_CHARS) {
            actions.put("block_id", blockId);
        }
        ArrayNode elements = actions.putArray("elements");
        if (!summary.approvesOnChannel()) {
            // step-up: the approval is a passkey assertion over this action, made in the console, never a click here
            if (summary.consolePage() != null) {
                elements.add(button(OPEN_CONSOLE, "Approve with passkey", "primary", value)
                        .put("url", summary.consolePage().toString()));
            }
            elements.add(button(DENY, "Deny", "danger", value));
            return actions;
        }
        ObjectNode approve = button(APPROVE, "Approve", "primary", value);
        ObjectNode confirm = approve.putObject("confirm");
        confirm.set("title", plain("Approve this action?"));
        // our words only: plain_text is shown as sent, so request text would not go through Mrkdwn here
        confirm.set("text", plain("Your approval counts towards letting the agent run exactly the action shown."));
        confirm.set("confirm", plain("Approve"));
        confirm.set("deny", plain("Cancel"));
        elements.add(approve).add(button(DENY, "Deny", "danger", value));
        return actions;
    }

    private static ObjectNode button(String actionId, String label, String style, String value) {
        ObjectNode button = JSON.objectNode().put("type", "button").put("action_id", actionId);
        button.set("text", plain(label));
        return button.put("style", style).put("value", value);
    }

    private static String bullets(String label, List<String> lines) {
        String head = "*" + label + "*\n";
        return head + Mrkdwn.escape("• " + String.join("\n• ", lines), SECTION_CHARS - head.length());
    }

    private static ObjectNode labelled(String label, String value, int maxChars) {
        String head = "*" + Mrkdwn.escape(label, 100) + "*\n";
        String body = value == null || value.isBlank() ? "—" : Mrkdwn.escape(value, maxChars - head.length());
        return mrkdwn(head + body);
    }

    /** Slack shows this in the reader's own time zone; the text after {@code |} is the fallback. */
    private static String deadline(Instant deadline) {
        if (deadline == null) {
            return "none";
        }
        return "<!date^" + deadline.getEpochSecond() + "^{date_short_pretty} at {time}|" + UTC.format(deadline) + ">";
    }

    private static String clip(String text, int maxChars) {
        if (text.length() <= maxChars) {
            return text;
        }
        int end = maxChars - 1;
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end) + "…";
    }

    private static ObjectNode header(String text) {
        ObjectNode header = JSON.objectNode().put("type", "header");
        header.set("text", plain(clip(text, 150)));
        return header;
    }

    private static ObjectNode section(String mrkdwn) {
        ObjectNode section = JSON.objectNode().put("type", "section");
        section.set("text", mrkdwn(mrkdwn));
        return section;
    }

    private static ObjectNode context(String mrkdwn) {
        ObjectNode context = JSON.objectNode().put("type", "context");
        context.putArray("elements").add(mrkdwn(mrkdwn));
        return context;
    }

    private static ObjectNode mrkdwn(String text) {
        return JSON.objectNode().put("type", "mrkdwn").put("text", text);
    }

    private static ObjectNode plain(String text) {
        return JSON.objectNode().put("type", "plain_text").put("text", text).put("emoji", true);
    }
}
