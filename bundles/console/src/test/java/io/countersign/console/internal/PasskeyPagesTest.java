package io.countersign.console.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.countersign.api.Action;
import io.countersign.api.ActionRequest;
import io.countersign.api.Agent;
import io.countersign.api.Decision;
import io.countersign.api.GroupQuorum;
import io.countersign.api.Outcome;
import io.countersign.api.Passkey;
import io.countersign.api.RequestStatus;
import io.countersign.api.RequestView;
import io.countersign.api.ReviewRoute;
import io.countersign.api.StepUp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The step-up approve control and the passkey list, as HTML. */
class PasskeyPagesTest {

    private static RequestView pending(boolean stepUp) {
        Action action = new Action("iam.admin.grant", "iam:user/x", JsonNodeFactory.instance.objectNode(),
                "production", "ops-agent", List.of("alice"));
        Instant now = Instant.parse("2026-12-07T12:00:00Z");
        ActionRequest request = new ActionRequest("req-1", action, "ticket", "sha256:" + "ab".repeat(32), now, null);
        ReviewRoute route = new ReviewRoute(List.of(new GroupQuorum("security", 1)), Duration.ofHours(1), 1,
                List.of(), List.of(), stepUp);
        return new RequestView(request, new Agent("ops-agent", List.of("alice")), new Decision(Outcome.REVIEW,
                List.of("needs a passkey"), List.of("IAM"), "v1", route), RequestStatus.PENDING, List.of(),
                now.plus(Duration.ofHours(1)), null, 1, null, null, null);
    }

    @Test
    void aStepUpRequestOffersOnlyThePasskeyApprovalWithItsDerivedChallenge() {
        String form = Pages.decisionForm(pending(true), "csrf-1");

        assertTrue(form.contains("data-challenge=\"" + StepUp.challengeText("req-1", "sha256:" + "ab".repeat(32))
                + "\""), form);
        assertTrue(form.contains("formaction=\"/console/requests/req-1/step-up\""), form);
        assertTrue(form.contains("Approve with passkey"), form);
        assertFalse(form.contains("value=\"approve\""), "no plain approve button: " + form);
        assertTrue(form.contains("value=\"deny\""), "denying needs no passkey: " + form);
        assertTrue(form.contains("needs JavaScript"), "the page says so when script is off: " + form);
    }

    @Test
    void aRequestWithoutStepUpKeepsThePlainApproveButton() {
        String form = Pages.decisionForm(pending(false), "csrf-1");

        assertTrue(form.contains("value=\"approve\""), form);
        assertFalse(form.contains("passkey"), form);
    }

    @Test
    void theListEscapesNamesAndSaysWhenThereIsNone() {
        PasskeyPages.Ceremony ceremony = new PasskeyPages.Ceremony("localhost", "Y2hhbGxlbmdl", "Ym9i", "bob");
        String none = PasskeyPages.list(new Pages.Viewer("bob", false), "csrf-1", List.of(), ceremony, null, false,
                null);
        assertTrue(none.contains("You have no passkey yet"), none);

        Passkey passkey = new Passkey("bob", "<b>laptop</b>", "Y3JlZA", "pQECAyYgASFYIA", Passkey.ES256,
                "00000000-0000-0000-0000-000000000000", "localhost", "http://localhost:8181", 0,
                Instant.parse("2026-12-07T12:00:00Z"));
        String one = PasskeyPages.list(new Pages.Viewer("bob", false), "csrf-1", List.of(passkey), ceremony, null,
                false, null);
        assertTrue(one.contains("&lt;b&gt;laptop&lt;/b&gt;"), one);
        assertFalse(one.contains("<b>laptop"), one);
        assertTrue(one.contains("data-exclude=\"Y3JlZA\""), one);
        assertTrue(one.contains("<label for=\"passkey-name\">"), one);
    }

    @Test
    void addingAPasskeyNeedsARecentSignIn_andAtMostTenAreKept() {
        Instant now = Instant.parse("2026-12-07T12:00:00Z");
        Sessions.Session recent = session(now.minus(Duration.ofMinutes(9)));
        Sessions.Session stale = session(now.minus(Duration.ofMinutes(11)));
        Passkey passkey = new Passkey("bob", "laptop", "Y3JlZA", "pQECAyYgASFYIA", Passkey.ES256,
                "00000000-0000-0000-0000-000000000000", "localhost", "http://localhost:8181", 0, now);

        assertEquals(null, PasskeyViews.cannotAdd(recent, List.of(), now));
        assertEquals(PasskeyPages.AddRefused.SIGN_IN_AGAIN, PasskeyViews.cannotAdd(stale, List.of(), now));
        assertEquals(PasskeyPages.AddRefused.TOO_MANY, PasskeyViews.cannotAdd(recent,
                java.util.Collections.nCopies(PasskeyViews.MAX_PASSKEYS, passkey), now));

        PasskeyPages.Ceremony ceremony = new PasskeyPages.Ceremony("localhost", "Y2hhbGxlbmdl", "Ym9i", "bob");
        String page = PasskeyPages.list(new Pages.Viewer("bob", false), "csrf-1", List.of(passkey), ceremony, null,
                false, PasskeyPages.AddRefused.SIGN_IN_AGAIN);
        assertFalse(page.contains("passkey-register"), "no form to add one: " + page);
        assertTrue(page.contains("<a href=\"/console/login/fresh\">Sign in again</a>"), page);
        assertTrue(page.contains("laptop"), "the registered ones are still listed");
    }

    private static Sessions.Session session(Instant authenticatedAt) {
        return new Sessions.Session("s", "bob", new OidcProvider.Identity("https://idp", "sub", "bob@example.com",
                authenticatedAt), "csrf-1", authenticatedAt, authenticatedAt);
    }
}
