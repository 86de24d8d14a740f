package io.countersign.channel.email.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countersign.api.ConsoleLinks;
import io.countersign.api.Decision;
import io.countersign.api.RequestView;
import io.countersign.api.ReviewRoute;
import io.countersign.camel.RequestSummary;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ConsoleLinksInMailTest {

    private static final Instant NOW = Instant.parse("2026-12-07T10:00:00Z");
    private static final URI ACTION = URI.create("https://cs.example/review/r/t");
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

    @Test
    void theMailAndThePageLinkToTheConsoleWhenOneIsSetUp() {
        RequestView view = Requests.pending(NOW, Duration.ofHours(1));
        RequestSummary summary = RequestSummary.of(view, CONSOLE);
        String page = "https://cs.example/console/requests/" + view.id();
        MailContent mail = MailContent.review("[Countersign]", summary, ACTION, NOW.plusSeconds(600), false);
        assertTrue(mail.text().contains("Open in the console: " + page + "\n"), mail.text());
        assertTrue(mail.text().contains("Change record: " + page + "/record\n"), mail.text());
        assertTrue(mail.html().contains("<a href=\"" + page + "\">Open in the console</a>"), mail.html());
        assertTrue(mail.html().contains("<a href=\"" + page + "/record\">Change record</a>"), mail.html());

        MailContent without = MailContent.review("[Countersign]", RequestSummary.of(view), ACTION,
                NOW.plusSeconds(600), false);
        assertFalse(without.text().contains("console"), without.text());
    }

    @Test
    void aStepUpRequestIsApprovedInTheConsoleAndCanOnlyBeDeniedFromTheEmailPage() {
        RequestView view = stepUp(Requests.pending(NOW, Duration.ofHours(1)));
        String form = ReviewPages.review(RequestSummary.of(view, CONSOLE),
                new ReviewPages.Context("You are reviewing as bob", null, NOW), ACTION, "csrf", null);
        assertFalse(form.contains("value=\"approve\""), form);
        assertTrue(form.contains("<a class=\"approve\" href=\"https://cs.example/console/requests/" + view.id()
                + "\">Approve with passkey in the console</a>"), form);
        assertTrue(form.contains("value=\"deny\""), form);
        assertTrue(form.contains("Approving needs your passkey"), form);

        String noConsole = ReviewPages.review(RequestSummary.of(view), new ReviewPages.Context("You are reviewing as "
                + "bob", null, NOW), ACTION, "csrf", null);
        assertFalse(noConsole.contains("value=\"approve\""), noConsole);
        assertFalse(noConsole.contains("class=\"approve\""), noConsole);
        assertTrue(noConsole.contains("not set up here"), noConsole);

        String ordinary = ReviewPages.review(RequestSummary.of(Requests.pending(NOW, Duration.ofHours(1)), CONSOLE),
                new ReviewPages.Context("You are reviewing as bob", null, NOW), ACTION, "csrf", null);
        assertTrue(ordinary.contains("value=\"approve\""), ordinary);
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
}
