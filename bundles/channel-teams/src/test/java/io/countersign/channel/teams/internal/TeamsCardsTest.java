package io.countersign.channel.teams.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.ConsoleLinks;
import io.countersign.api.Decision;
import io.countersign.api.RequestStatus;
import io.countersign.api.RequestView;
import io.countersign.api.ReviewEvidence;
import io.countersign.api.ReviewRoute;
import io.countersign.api.Reviewer;
import io.countersign.api.Verdict;
import io.countersign.api.Vote;
import io.countersign.api.notify.Notification;
import io.countersign.api.notify.NotificationKind;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TeamsCardsTest {

    private static final Reviewer BOB = Requests.reviewer("bob", "0d4c5a43-7d3a-4b1e-9e4f-1a2b3c4d5e6f");

    @Test
    void reviewCardShowsTheWholeRequestAndOffersApproveAndDeny() {
        RequestView view = Requests.pending("req-1");
        ObjectNode card = TeamsCards.forNotification(notification(NotificationKind.REVIEW, view), null);

        assertEquals("AdaptiveCard", card.path("type").asText());
        assertEquals("1.5", card.path("version").asText());
        String text = text(card);
        for (String expected : List.of(TeamsCards.BANNER_REVIEW, "etl-agent asks to export on warehouse.customers in "
                        + "production", "Agent: etl-agent", "On behalf of: alice", "Action: export",
                "Resource: warehouse.customers", "Environment: production", "\"rows\" : 50000",
                "Justification: quarterly report", "exports of customer data need review",
                "Approval needs: 2 approvals from data-owners", "Deadline: 2026-11-22T13:00:00Z",
                "Votes so far", "none yet", "Request req-1", "Digest: sha256:abab")) {
            assertTrue(text.contains(expected), () -> "missing " + expected + " in\n" + text);
        }
        JsonNode actions = card.path("actions");
        assertEquals(2, actions.size());
        assertEquals(List.of("approve", "deny"), List.of(actions.get(0).path("verb").asText(),
                actions.get(1).path("verb").asText()));
        for (JsonNode action : actions) {
            assertEquals("Action.Execute", action.path("type").asText());
            assertEquals("req-1", action.path("data").path("requestId").asText());
            assertEquals(view.request().digest(), action.path("data").path("digest").asText());
        }
        assertEquals("refresh", card.path("refresh").path("action").path("verb").asText());
    }

    @Test
    void linksToTheConsoleWhenOneIsSetUp() {
        RequestView view = Requests.pending("req-1");
        ObjectNode card = TeamsCards.forNotification(notification(NotificationKind.REVIEW, view), CONSOLE);
        JsonNode actions = card.path("actions");
        assertEquals(4, actions.size());
        assertEquals("approve", actions.get(0).path("verb").asText());
        assertEquals("deny", actions.get(1).path("verb").asText());
        assertEquals("Action.OpenUrl", actions.get(2).path("type").asText());
        assertEquals("https://cs.example/console/requests/req-1", actions.get(2).path("url").asText());
        assertEquals("https://cs.example/console/requests/req-1/record", actions.get(3).path("url").asText());

        ObjectNode decided = TeamsCards.afterVote(Requests.view("req-1", JsonNodeFactory.instance.objectNode(),
                "x", RequestStatus.APPROVED, List.of(vote("bob", Verdict.APPROVE))), Verdict.APPROVE, CONSOLE);
        assertEquals(List.of("Open in the console", "Change record"), titles(decided));
    }

    @Test
    void aStepUpRequestOpensTheConsoleToApproveAndStillDeniesHere() {
        RequestView view = stepUp(Requests.pending("req-2"));
        ObjectNode card = TeamsCards.forNotification(notification(NotificationKind.REVIEW, view), CONSOLE);
        assertEquals(List.of("Approve with passkey", "Deny", "Open in the console", "Change record"), titles(card));
        assertEquals("Action.OpenUrl", card.path("actions").get(0).path("type").asText());
        assertEquals("https://cs.example/console/requests/req-2", card.path("actions").get(0).path("url").asText());
        assertTrue(text(card).contains("needs your passkey"));

        ObjectNode withoutConsole = TeamsCards.forNotification(notification(NotificationKind.REVIEW, view), null);
        assertEquals(List.of("Deny"), titles(withoutConsole));
        assertTrue(text(withoutConsole).contains("which is not set up here"));
    }

    private static final ConsoleLinks CONSOLE = new ConsoleLinks() {
        @Override
        public URI requestPage(String requestId) {
            return URI.create("https://cs.example/console/requests/" + requestId);
        }

        @Override
        public URI changeRecord(String requestId) {
            return URI.create("https://cs.example/console/requests/" + requestId + "/record");
        }
    };

    private static List<String> titles(JsonNode card) {
        List<String> titles = new ArrayList<>();
        card.path("actions").forEach(action -> titles.add(action.path("title").asText()));
        return titles;
    }

    private static RequestView stepUp(RequestView view) {
        Decision decision = view.decision();
        ReviewRoute route = decision.route();
        return new RequestView(view.request(), view.agent(), new Decision(decision.outcome(), decision.reasons(),
                decision.rules(), decision.policyVersion(), new ReviewRoute(route.quorums(), route.timeout(),
                route.denialsToReject(), route.escalations(), route.channels(), true), decision.breakGlass()),
                view.status(), view.votes(), view.deadline(), view.decidedAt(), view.version(), view.grant(),
                view.grantConsumedAt(), view.execution(), view.escalationLevel(), view.breakGlass());
    }

    @Test
    void requestTextCannotInjectMarkupLinksOrDateFunctions() {
        ObjectNode parameters = JsonNodeFactory.instance.objectNode()
                .put("note", "**urgent** [approve here](https://evil.example) <at>CEO</at>")
                .put("when", "{{DATE(2017-02-14T06:00:00Z, SHORT)}}")
                .put("bidi", "safe\u202Eexe.txt");
        RequestView view = Requests.view("req-2", "_drop_ [x](https://evil.example)", "db **prod**", parameters,
                "- item\n1. numbered\n# heading", RequestStatus.PENDING, List.of());
        ObjectNode card = TeamsCards.forNotification(notification(NotificationKind.REVIEW, view), null);

        List<JsonNode> elements = elements(card);
        // Markdown is rendered in TextBlock and FactSet: only this class's constants may go there
        for (JsonNode element : elements) {
            assertFalse(element.path("type").asText().equals("FactSet"), "no FactSet");
            if (element.path("type").asText().equals("TextBlock")) {
                assertEquals(TeamsCards.BANNER_REVIEW, element.path("text").asText());
            }
        }
        String runs = text(card);
        assertTrue(runs.contains("[approve here](https://evil.example)"), "shown literally, in a TextRun");
        assertTrue(runs.contains("_drop_ [x](https://evil.example)"));
        assertTrue(runs.contains("- item\n1. numbered\n# heading"));
        assertFalse(runs.contains("{{"), "no date/time function left intact");
        assertTrue(runs.contains("{\u200B{DATE(2017-02-14T06:00:00Z, SHORT)}\u200B}"));
        assertFalse(runs.contains("\u202E"), "no bidi override");
        assertTrue(runs.contains("safe\uFFFDexe.txt"));
    }

    @Test
    void inertKeepsOrdinaryTextAndBreaksEveryBracePair() {
        assertEquals("plain text, with: punctuation!\n\tand tabs", TeamsCards.inert(
                "plain text, with: punctuation!\n\tand tabs"));
        assertEquals("{\u200B{\u200B{x}\u200B}\u200B}", TeamsCards.inert("{{{x}}}"));
        assertEquals("a\uFFFDb\uFFFDc", TeamsCards.inert("a\u0007b\u2066c"));
        assertEquals("", TeamsCards.inert(null));
    }

    @Test
    void decidedRequestShowsItsOutcomeAndNoButtons() {
        List<Vote> votes = List.of(vote("carol", Verdict.APPROVE), vote("dave", Verdict.APPROVE));
        RequestView view = Requests.view("req-3", JsonNodeFactory.instance.objectNode(), "why", RequestStatus.APPROVED,
                votes);
        ObjectNode card = TeamsCards.forNotification(notification(NotificationKind.UPDATE, view), null);

        assertFalse(card.has("actions"));
        assertFalse(card.has("refresh"));
        String text = text(card);
        assertTrue(text.contains(TeamsCards.BANNER_DECIDED));
        assertTrue(text.contains("Outcome: Approved"));
        assertTrue(text.contains("carol approved via teams"));
        assertTrue(text.contains("dave approved via teams"));
        assertFalse(text.contains("Deadline"));
    }

    @Test
    void reviewerWhoHasVotedSeesTheVotesButNoButtons() {
        RequestView view = Requests.view("req-4", JsonNodeFactory.instance.objectNode(), "why", RequestStatus.PENDING,
                List.of(vote("bob", Verdict.DENY)));
        ObjectNode card = TeamsCards.forNotification(notification(NotificationKind.UPDATE, view), null);

        assertFalse(card.has("actions"));
        assertTrue(text(card).contains("You denied this request"));
    }

    @Test
    void reminderIsMarkedAsSuch() {
        ObjectNode card = TeamsCards.forNotification(notification(NotificationKind.REMINDER,
                Requests.pending("req-5")), null);
        assertTrue(text(card).startsWith(TeamsCards.BANNER_REMINDER));
        assertEquals(2, card.path("actions").size());
    }

    private static Notification notification(NotificationKind kind, RequestView view) {
        io.countersign.api.notify.Delivery previous = kind != NotificationKind.UPDATE ? null
                : new io.countersign.api.notify.Delivery("n-0", view.id(), "teams", BOB.contact("teams"), "bob",
                        NotificationKind.REVIEW, JsonNodeFactory.instance.objectNode(), Instant.now());
        return new Notification("n-1", kind, "teams", BOB.contact("teams"), BOB, view, previous);
    }

    private static Vote vote(String reviewer, Verdict verdict) {
        return new Vote(reviewer, verdict, null, Set.of("data-owners"), Instant.parse("2026-11-22T09:30:00Z"),
                new ReviewEvidence("teams", "teams:x-" + reviewer, null, JsonNodeFactory.instance.objectNode()));
    }

    /** What a reader sees: each block's texts joined, one block per line. */
    static String text(JsonNode card) {
        StringBuilder out = new StringBuilder();
        for (JsonNode element : elements(card)) {
            if (element.path("type").asText().equals("TextBlock")) {
                out.append(element.path("text").asText()).append('\n');
            } else if (element.path("type").asText().equals("RichTextBlock")) {
                element.path("inlines").forEach(run -> out.append(run.path("text").asText()));
                out.append('\n');
            }
        }
        return out.toString();
    }

    private static List<JsonNode> elements(JsonNode card) {
        List<JsonNode> all = new ArrayList<>();
        card.path("body").forEach(all::add);
        return all;
    }
}
