package io.countersign.channel.slack.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.ConsoleLinks;
import io.countersign.api.RequestStatus;
import io.countersign.api.RequestView;
import io.countersign.api.Verdict;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReviewMessageTest {

    static final ConsoleLinks CONSOLE = new ConsoleLinks() {
        @Override
        public URI requestPage(String requestId) {
            return URI.create("https://cs.example/console/requests/" + requestId);
        }

        @Override
        public URI changeRecord(String requestId) {
            return URI.create("https://cs.example/console/requests/" + requestId + "/record");
        }
    };

    private static final String HOSTILE = "<!channel> see <http://evil|click> <@U0BOSS> ```\n*done*";

    @Test
    void showsTheWholeContextWithApproveAndDeny() {
        RequestView view = Requests.pending();
        ReviewMessage.Rendered message = ReviewMessage.forReviewer(view, "alice", false, null, null);
        String text = allText(message.blocks());
        for (String expected : List.of("Approval needed", "agent-7 asks to export-table on warehouse/customers in prod",
                "*Agent*\nagent-7", "*On behalf of*\ncarol", "*Action*\nexport-table",
                "*Resource*\nwarehouse/customers", "*Environment*\nprod", "*Justification*\nquarterly report",
                "\"table\" : \"customers\"", "exports from prod need two data owners",
                "2 approvals from data-owners", "<!date^" + view.deadline().getEpochSecond() + "^",
                "*Votes so far*\nNone yet", view.request().digest(), view.id())) {
            assertTrue(text.contains(expected), "missing " + expected + " in\n" + text);
        }
        List<JsonNode> buttons = buttons(message.blocks());
        assertEquals(2, buttons.size());
        assertEquals("approve", buttons.get(0).path("action_id").asText());
        assertEquals("deny", buttons.get(1).path("action_id").asText());
        ButtonValue value = ButtonValue.decode(buttons.get(0).path("value").asText()).orElseThrow();
        assertEquals(new ButtonValue(view.id(), view.request().digest()), value);
        assertEquals(buttons.get(0).path("value"), buttons.get(1).path("value"));
        assertTrue(message.text().startsWith("Approval needed: agent-7 asks to export-table"), message.text());
    }

    @Test
    void linksToTheRequestAndItsChangeRecordInTheConsoleWhenThereIsOne() {
        RequestView view = Requests.pending();
        String text = allText(ReviewMessage.forReviewer(view, "alice", false, null, CONSOLE).blocks());
        assertTrue(text.contains("<https://cs.example/console/requests/" + view.id() + "|Open in the console>"), text);
        assertTrue(text.contains("<https://cs.example/console/requests/" + view.id() + "/record|Change record>"), text);
        assertFalse(allText(ReviewMessage.forReviewer(view, "alice", false, null, null).blocks()).contains("console/"));
    }

    @Test
    void aStepUpRequestIsApprovedInTheConsoleNeverByAClickHere() {
        RequestView view = Requests.pendingStepUp();
        ReviewMessage.Rendered message = ReviewMessage.forReviewer(view, "alice", false, null, CONSOLE);
        List<JsonNode> buttons = buttons(message.blocks());
        assertEquals(2, buttons.size());
        assertEquals(ReviewMessage.OPEN_CONSOLE, buttons.get(0).path("action_id").asText());
        assertEquals("Approve with passkey", buttons.get(0).path("text").path("text").asText());
        assertEquals("https://cs.example/console/requests/" + view.id(), buttons.get(0).path("url").asText());
        assertEquals("deny", buttons.get(1).path("action_id").asText());
        assertTrue(allText(message.blocks()).contains("needs your passkey"));

        List<JsonNode> withoutConsole = buttons(ReviewMessage.forReviewer(view, "alice", false, null, null).blocks());
        assertEquals(List.of("deny"), withoutConsole.stream().map(b -> b.path("action_id").asText()).toList());
        assertTrue(allText(ReviewMessage.forReviewer(view, "alice", false, null, null).blocks())
                .contains("needs a passkey in the Countersign console, which is not set up here"));
    }

    @Test
    void requestTextCannotMentionLinkOrLeaveTheCodeBlock() {
        ObjectNode parameters = JsonNodeFactory.instance.objectNode().put("note", HOSTILE).put("q", "a && b > c");
        RequestView view = Requests.pending(parameters);
        ReviewMessage.Rendered message = ReviewMessage.forReviewer(view, "alice", false, null, null);
        for (JsonNode text : textObjects(message.blocks())) {
            String mrkdwn = text.path("text").asText();
            assertFalse(mrkdwn.contains("<!channel>"), mrkdwn);
            assertFalse(mrkdwn.contains("<http://evil"), mrkdwn);
            assertFalse(mrkdwn.contains("<@U0BOSS>"), mrkdwn);
            if (mrkdwn.startsWith("*Parameters*")) {
                String code = mrkdwn.substring("*Parameters*\n```\n".length(), mrkdwn.length() - "\n```".length());
                assertFalse(code.contains("```"), code);
                assertTrue(code.contains("&lt;!channel&gt; see &lt;http://evil|click&gt; &lt;@U0BOSS&gt;"), code);
                assertTrue(code.contains("a &amp;&amp; b &gt; c"), code);
            }
        }
        assertFalse(message.text().contains("<"), message.text());
    }

    @Test
    void escapesEveryFieldAndTheFallbackText() {
        ObjectNode parameters = JsonNodeFactory.instance.objectNode();
        RequestView hostile = new RequestView(new io.countersign.api.ActionRequest("r-1",
                new io.countersign.api.Action("<!here>", "<http://evil|prod-db>", parameters, "prod & <dev>",
                        "agent <@U0BOSS>", List.of("<!everyone>")), "trust me <https://x|y>", "sha256:00",
                Requests.RECEIVED, null), Requests.pending().agent(), Requests.pending().decision(),
                RequestStatus.PENDING, List.of(), Requests.RECEIVED.plusSeconds(600), null, 1, null, null, null);
        ReviewMessage.Rendered message = ReviewMessage.forReviewer(hostile, "alice", false, null, null);
        String all = allText(message.blocks()) + message.text();
        assertFalse(all.contains("<!here>") || all.contains("<!everyone>") || all.contains("<@U0BOSS>")
                || all.contains("<http") || all.contains("<https"), all);
        assertTrue(all.contains("&lt;!here&gt;") && all.contains("prod &amp; &lt;dev&gt;"), all);
    }

    @Test
    void decidedRequestHasNoButtonsAndShowsTheOutcome() {
        RequestView view = Requests.withVote(Requests.withVote(Requests.pending(), Requests.ALICE, Verdict.APPROVE,
                RequestStatus.PENDING), Requests.BOB, Verdict.APPROVE, RequestStatus.APPROVED);
        ReviewMessage.Rendered message = ReviewMessage.forReviewer(view, "dave", false, null, null);
        assertTrue(buttons(message.blocks()).isEmpty());
        String text = allText(message.blocks());
        assertTrue(text.contains("*Outcome:* Approved"), text);
        assertTrue(text.contains("alice approved via slack") && text.contains("bob approved via slack"), text);
        assertEquals("Approved", message.blocks().get(0).path("text").path("text").asText());
    }

    @Test
    void reviewerWhoVotedSeesTheirVoteInsteadOfButtons() {
        RequestView view = Requests.withVote(Requests.pending(), Requests.ALICE, Verdict.DENY, RequestStatus.PENDING);
        ReviewMessage.Rendered forAlice = ReviewMessage.forReviewer(view, "alice", false, null, null);
        assertTrue(buttons(forAlice.blocks()).isEmpty());
        assertTrue(allText(forAlice.blocks()).contains("You denied this request."));
        assertEquals(2, buttons(ReviewMessage.forReviewer(view, "bob", true, null, null).blocks()).size());
    }

    @Test
    void reminderAndSharedChannelMention() {
        ReviewMessage.Rendered message = ReviewMessage.forReviewer(Requests.pending(), "alice", true, "U0ALICE", null);
        assertEquals("Reminder: approval needed", message.blocks().get(0).path("text").path("text").asText());
        assertTrue(allText(message.blocks()).contains("For <@U0ALICE>"));
        assertTrue(message.text().startsWith("<@U0ALICE> Reminder"), message.text());
        ReviewMessage.Rendered odd = ReviewMessage.forReviewer(Requests.pending(), "alice", false, "<!channel>", null);
        assertFalse(allText(odd.blocks()).contains("For "), "only a well-formed user id is mentioned");
    }

    @Test
    void blocksStayWithinSlackLimits() {
        ObjectNode parameters = JsonNodeFactory.instance.objectNode().put("blob", "<>&".repeat(3000));
        ReviewMessage.Rendered message = ReviewMessage.forReviewer(Requests.pending(parameters), "alice", false,
                null, null);
        assertTrue(message.blocks().size() <= 50);
        for (JsonNode block : message.blocks()) {
            if (block.has("text")) {
                assertTrue(block.path("text").path("text").asText().length() <= 3000);
            }
            for (JsonNode field : block.path("fields")) {
                assertTrue(field.path("text").asText().length() <= 2000);
            }
        }
    }

    static String allText(JsonNode blocks) {
        StringBuilder out = new StringBuilder();
        for (JsonNode text : textObjects(blocks)) {
            out.append(text.path("text").asText()).append('\n');
        }
        return out.toString();
    }

    static List<JsonNode> textObjects(JsonNode node) {
        List<JsonNode> found = new ArrayList<>();
        if (node.isObject()) {
            String type = node.path("type").asText();
            if ((type.equals("mrkdwn") || type.equals("plain_text")) && node.path("text").isTextual()) {
                found.add(node);
            }
            node.elements().forEachRemaining(child -> found.addAll(textObjects(child)));
        } else if (node.isArray()) {
            node.forEach(child -> found.addAll(textObjects(child)));
        }
        return found;
    }

    static List<JsonNode> buttons(JsonNode blocks) {
        List<JsonNode> buttons = new ArrayList<>();
        for (JsonNode block : blocks) {
            if (block.path("type").asText().equals("actions")) {
                block.path("elements").forEach(buttons::add);
            }
        }
        return buttons;
    }
}
