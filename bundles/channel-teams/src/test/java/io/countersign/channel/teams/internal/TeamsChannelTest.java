package io.countersign.channel.teams.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.RequestStatus;
import io.countersign.api.RequestView;
import io.countersign.api.ReviewEvidence;
import io.countersign.api.Reviewer;
import io.countersign.api.Verdict;
import io.countersign.api.Vote;
import io.countersign.api.notify.Delivery;
import io.countersign.api.notify.Notification;
import io.countersign.api.notify.NotificationKind;
import io.countersign.api.testing.MutableClock;
import io.countersign.camel.ChannelRejectedException;
import io.countersign.camel.ChannelUnavailableException;
import io.countersign.channel.teams.standin.BotConnectorStandIn;
import io.countersign.channel.teams.standin.SentActivity;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.DefaultErrorHandlerBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Notifications through a plain Camel context whose error handler retries {@link ChannelUnavailableException}
 * only, as the host's shared one does, against the stand-in Bot Connector.
 */
class TeamsChannelTest {

    private static final String BOB_AAD = "0d4c5a43-7d3a-4b1e-9e4f-1a2b3c4d5e6f";
    private static final Reviewer BOB = Requests.reviewer("bob", BOB_AAD);
    private static final Duration BACKOFF = Duration.ofMillis(50);
    private static final int MAX_REDELIVERIES = 3;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T09:00:00Z"));
    private BotConnectorStandIn teams;
    private CamelContext camel;
    private ProducerTemplate producer;

    @BeforeEach
    void start() throws Exception {
        teams = BotConnectorStandIn.start(StandInSettings.APP_ID, StandInSettings.SECRET, StandInSettings.TENANT);
        startCamel(StandInSettings.of(teams));
    }

    private void startCamel(TeamsSettings settings) throws Exception {
        camel = new DefaultCamelContext();
        DefaultErrorHandlerBuilder errors = new DefaultErrorHandlerBuilder();
        // retryWhile replaces maximumRedeliveries: it counts the redeliveries itself
        errors.redeliveryDelay(BACKOFF.toMillis());
        errors.setRetryWhilePredicate(exchange -> exchange.getException() instanceof ChannelUnavailableException
                && exchange.getMessage().getHeader(Exchange.REDELIVERY_COUNTER, 0, Integer.class) <= MAX_REDELIVERIES);
        camel.getCamelContextExtension().setErrorHandlerFactory(errors);
        TeamsChannel channel = new TeamsChannel(settings, clock);
        camel.addRoutes(channel.routes());
        camel.start();
        producer = camel.createProducerTemplate();
        assertEquals("teams", channel.name());
        assertEquals("direct:countersign-teams", channel.endpointUri());
    }

    @AfterEach
    void stop() throws Exception {
        camel.close();
        teams.close();
    }

    @Test
    void reviewIsAnAdaptiveCardInANewOneToOneConversation() {
        Exchange done = send(notification(NotificationKind.REVIEW, Requests.pending("req-1"), null));

        assertNull(done.getException());
        ObjectNode reference = done.getMessage().getBody(ObjectNode.class);
        SentActivity sent = teams.awaitActivity(a -> true, Duration.ofSeconds(1));
        assertEquals(teams.serviceUrl(), reference.path("serviceUrl").asText());
        assertEquals(sent.conversationId(), reference.path("conversationId").asText());
        assertEquals(sent.activityId(), reference.path("activityId").asText());
        assertEquals(BOB_AAD, sent.aadObjectId(), "the conversation was opened with the Entra object id");
        assertEquals("message", sent.activity().path("type").asText());
        assertEquals("28:" + StandInSettings.APP_ID, sent.activity().path("from").path("id").asText());
        JsonNode card = sent.card();
        assertEquals("1.5", card.path("version").asText());
        assertEquals("req-1", sent.action("approve").orElseThrow().path("data").path("requestId").asText());
        assertTrue(sent.action("deny").isPresent());
        assertTrue(sent.text().contains(TeamsCards.BANNER_REVIEW), sent.text());
        assertEquals(List.of("POST v3/conversations 201", "POST v3/conversations/" + encoded(sent.conversationId())
                + "/activities 201"), calls());
        assertEquals(1, teams.tokensIssued());
    }

    @Test
    void theTokenAndTheConversationAreReusedUntilTheyExpire() {
        send(notification(NotificationKind.REVIEW, Requests.pending("req-1"), null));
        Exchange reminder = send(notification(NotificationKind.REMINDER, Requests.pending("req-1"), null));

        assertNull(reminder.getException());
        assertEquals(1, teams.tokensIssued());
        assertEquals(1, calls().stream().filter(c -> c.equals("POST v3/conversations 201")).count());
        assertTrue(teams.activities().get(1).text().startsWith(TeamsCards.BANNER_REMINDER));
    }

    @Test
    void aTokenIsRenewedFiveMinutesBeforeItExpires() {
        teams.tokenLifetime(Duration.ofSeconds(3600));
        send(notification(NotificationKind.REVIEW, Requests.pending("req-1"), null));
        clock.advance(Duration.ofMinutes(54));
        send(notification(NotificationKind.REMINDER, Requests.pending("req-1"), null));
        assertEquals(1, teams.tokensIssued(), "still six minutes to go");

        clock.advance(Duration.ofMinutes(1).plusSeconds(1));
        send(notification(NotificationKind.REMINDER, Requests.pending("req-1"), null));
        assertEquals(2, teams.tokensIssued(), "less than five minutes to go");
        assertEquals(3, teams.activities().size());
    }

    @Test
    void tooManyRequestsWaitsExactlyTheRetryAfterThenDeliversOnce() {
        send(notification(NotificationKind.REVIEW, Requests.pending("req-0"), null));
        teams.failNext(1, 429, 1);

        Exchange done = send(notification(NotificationKind.REVIEW, Requests.pending("req-1"), null));

        assertNull(done.getException());
        List<BotConnectorStandIn.ConnectorCall> posts = teams.calls().stream()
                .filter(c -> c.path().endsWith("/activities")).toList();
        assertEquals(List.of(201, 429, 201), posts.stream().map(BotConnectorStandIn.ConnectorCall::status).toList());
        Duration waited = Duration.between(posts.get(1).at(), posts.get(2).at());
        assertTrue(waited.compareTo(Duration.ofMillis(950)) >= 0, "waited only " + waited);
        assertEquals(1, teams.activities().stream().filter(a -> a.action("approve").orElseThrow().path("data")
                .path("requestId").asText().equals("req-1")).count(), "delivered once");
    }

    @Test
    void serverErrorsAreRetriedWithTheUsualBackoff() {
        teams.failNext(2, 503, null);

        Exchange done = send(notification(NotificationKind.REVIEW, Requests.pending("req-1"), null));

        assertNull(done.getException());
        assertEquals(1, teams.activities().size());
        assertEquals(List.of(503, 503, 201, 201), teams.calls().stream()
                .map(BotConnectorStandIn.ConnectorCall::status).toList());
    }

    @Test
    void aConnectorThatStaysDownEndsInChannelUnavailable() {
        teams.failNext(10, 502, null);

        Exchange done = send(notification(NotificationKind.REVIEW, Requests.pending("req-1"), null));

        assertInstanceOf(ChannelUnavailableException.class, done.getException());
        assertEquals(4, teams.calls().size(), "one try and three redeliveries");
        assertTrue(teams.activities().isEmpty());
    }

    @Test
    void forbiddenIsRejectedAndNotRetried() {
        send(notification(NotificationKind.REVIEW, Requests.pending("req-0"), null));
        teams.failNext(1, 403, null);

        Exchange done = send(notification(NotificationKind.REVIEW, Requests.pending("req-1"), null));

        assertInstanceOf(ChannelRejectedException.class, done.getException());
        assertEquals(1, teams.calls().stream().filter(c -> c.status() == 403).count());
    }

    @Test
    void aRefusedTokenIsDroppedAndTheCallMadeOnceMoreWithANewOne() {
        send(notification(NotificationKind.REVIEW, Requests.pending("req-0"), null));
        teams.revokeAccessTokens();

        Exchange done = send(notification(NotificationKind.REVIEW, Requests.pending("req-1"), null));

        assertNull(done.getException());
        assertEquals(2, teams.tokensIssued());
        assertEquals(List.of(201, 201, 401, 201), teams.calls().stream()
                .map(BotConnectorStandIn.ConnectorCall::status).toList());
    }

    @Test
    void wrongClientSecretIsRejectedWithoutRevealingIt() throws Exception {
        camel.close();
        startCamel(StandInSettings.of(teams, "not-the-secret", Duration.ofSeconds(60)));

        Exchange done = send(notification(NotificationKind.REVIEW, Requests.pending("req-1"), null));

        assertInstanceOf(ChannelRejectedException.class, done.getException());
        assertTrue(done.getException().getMessage().contains("invalid_client"), done.getException().getMessage());
        assertFalse(done.getException().getMessage().contains("not-the-secret"));
        assertTrue(teams.calls().isEmpty());
    }

    @Test
    void updateReplacesTheCardInPlaceWithTheOutcomeAndNoButtons() {
        Exchange first = send(notification(NotificationKind.REVIEW, Requests.pending("req-1"), null));
        ObjectNode reference = first.getMessage().getBody(ObjectNode.class);
        Delivery delivered = new Delivery("n-1", "req-1", "teams", BOB_AAD, "bob", NotificationKind.REVIEW,
                reference, Instant.now());
        RequestView approved = Requests.view("req-1", JsonNodeFactory.instance.objectNode(), "quarterly report",
                RequestStatus.APPROVED, List.of(vote("carol"), vote("dave")));

        Exchange update = send(notification(NotificationKind.UPDATE, approved, delivered));

        assertNull(update.getException());
        assertEquals(reference, update.getMessage().getBody(ObjectNode.class));
        SentActivity updated = teams.awaitActivity(a -> a.kind() == SentActivity.Kind.UPDATED, Duration.ofSeconds(1));
        assertEquals(reference.path("activityId").asText(), updated.activityId());
        assertEquals(reference.path("activityId").asText(), updated.activity().path("id").asText());
        assertFalse(updated.card().has("actions"));
        assertTrue(updated.text().contains("Outcome: Approved"), updated.text());
        assertTrue(updated.text().contains("carol approved via teams"), updated.text());
        assertEquals("PUT", teams.calls().get(teams.calls().size() - 1).method());
    }

    @Test
    void updateOfAnUnknownMessageIsRejected() {
        ObjectNode reference = JsonNodeFactory.instance.objectNode().put("serviceUrl", teams.serviceUrl())
                .put("conversationId", "a:nobody").put("activityId", "1");
        Delivery delivered = new Delivery("n-1", "req-1", "teams", BOB_AAD, "bob", NotificationKind.REVIEW,
                reference, Instant.now());

        Exchange update = send(notification(NotificationKind.UPDATE, Requests.pending("req-1"), delivered));

        assertInstanceOf(ChannelRejectedException.class, update.getException());
        assertTrue(update.getException().getMessage().contains("404"), update.getException().getMessage());
    }

    private Exchange send(Notification notification) {
        return producer.send(TeamsChannel.ENDPOINT, exchange -> exchange.getMessage().setBody(notification));
    }

    private List<String> calls() {
        return teams.calls().stream().map(c -> c.method() + " " + c.path() + " " + c.status()).toList();
    }

    private static String encoded(String id) {
        return id.replace(":", "%3A");
    }

    private static Notification notification(NotificationKind kind, RequestView view, Delivery previous) {
        return new Notification(UUID.randomUUID().toString(), kind, "teams", BOB_AAD, BOB, view, previous);
    }

    private static Vote vote(String reviewer) {
        return new Vote(reviewer, Verdict.APPROVE, null, Set.of("data-owners"), Instant.parse("2026-11-22T09:30:00Z"),
                new ReviewEvidence("teams", "teams:f-" + reviewer, null, JsonNodeFactory.instance.objectNode()));
    }
}
