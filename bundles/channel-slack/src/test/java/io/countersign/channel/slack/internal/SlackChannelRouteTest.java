package io.countersign.channel.slack.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.RequestStatus;
import io.countersign.api.RequestView;
import io.countersign.api.Reviewer;
import io.countersign.api.Verdict;
import io.countersign.api.notify.Delivery;
import io.countersign.api.notify.Notification;
import io.countersign.api.notify.NotificationKind;
import io.countersign.camel.ChannelRejectedException;
import io.countersign.camel.ChannelUnavailableException;
import io.countersign.channel.slack.standin.ApiCall;
import io.countersign.channel.slack.standin.PostedMessage;
import io.countersign.channel.slack.standin.SlackStandIn;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.DefaultErrorHandlerBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The route as the host runs it, against the stand-in, with a redelivering error handler like the host's. */
class SlackChannelRouteTest {

    private static final String TOKEN = "xoxb-route-test";

    private SlackStandIn slack;
    private SlackChannel channel;
    private DefaultCamelContext camel;
    private ProducerTemplate producer;

    @BeforeEach
    void start() throws Exception {
        slack = SlackStandIn.start(TOKEN);
        startChannel(TOKEN, null);
    }

    private void startChannel(String token, String fixedChannel) throws Exception {
        channel = new SlackChannel(new SlackSettings(slack.apiUrl(), token, "unused", Set.of(), Set.of(),
                fixedChannel, slack.responseUrlPrefix(), 65_536, Duration.ofSeconds(5)));
        camel = new DefaultCamelContext();
        DefaultErrorHandlerBuilder errors = new DefaultErrorHandlerBuilder();
        // no delay of its own: any wait observed comes from the provider's Retry-After
        errors.maximumRedeliveries(3).redeliveryDelay(0).retryAttemptedLogLevel(org.apache.camel.LoggingLevel.DEBUG);
        // like the host's: a refusal is final, anything else is retried a few times
        errors.setRetryWhilePredicate(exchange -> !(failure(exchange) instanceof ChannelRejectedException)
                && exchange.getIn().getHeader(Exchange.REDELIVERY_COUNTER, 0, Integer.class) < 3);
        camel.getCamelContextExtension().setErrorHandlerFactory(errors);
        camel.addRoutes(channel.routes());
        camel.start();
        producer = camel.createProducerTemplate();
    }

    @AfterEach
    void stop() {
        camel.stop();
        channel.deactivate();
        slack.close();
    }

    @Test
    void reviewIsADirectMessageAndTheReferenceIsChannelAndTs() {
        RequestView view = Requests.pending();
        ObjectNode reference = send(notification(NotificationKind.REVIEW, view, Requests.ALICE, null));
        PostedMessage message = slack.messages().get(0);
        assertEquals("chat.postMessage", message.method());
        assertEquals("U0ALICE", message.requestedChannel());
        assertEquals(message.channel(), reference.path("channel").asText());
        assertEquals(message.ts(), reference.path("ts").asText());
        assertTrue(message.channel().startsWith("D"), "a direct message lands in a D channel");
        assertEquals(List.of("approve", "deny"), message.buttons().stream()
                .map(b -> b.path("action_id").asText()).toList());
        assertTrue(message.text().startsWith("Approval needed: agent-7 asks"), message.text());
        assertTrue(message.blocksText().contains("*Resource*\nwarehouse/customers"));
        assertTrue(slack.calls().get(0).authorized());
    }

    @Test
    void rateLimitIsHonouredAndTheMessageDeliveredOnceAfterTheWait() {
        slack.failNext(1, 429, 1);
        ObjectNode reference = send(notification(NotificationKind.REVIEW, Requests.pending(), Requests.ALICE, null));
        List<ApiCall> calls = slack.calls();
        assertEquals(2, calls.size());
        assertEquals(429, calls.get(0).status());
        assertEquals(200, calls.get(1).status());
        assertEquals(1, slack.messages().size(), "delivered exactly once");
        assertEquals(slack.messages().get(0).ts(), reference.path("ts").asText());
        long waited = calls.get(1).receivedNanos() - calls.get(0).receivedNanos();
        assertTrue(waited >= Duration.ofSeconds(1).toNanos(), "retried after " + waited / 1_000_000 + " ms");
    }

    @Test
    void serverErrorsAreRetried() {
        slack.failNext(2, 503, null);
        send(notification(NotificationKind.REVIEW, Requests.pending(), Requests.ALICE, null));
        assertEquals(3, slack.calls().size());
        assertEquals(1, slack.messages().size());
    }

    @Test
    void retryAfterIsCarriedOnTheFailureAndTheExchange() {
        slack.failNext(1, 429, 7);
        Exchange exchange = new DefaultExchange(camel);
        try (SlackWebApi api = new SlackWebApi(slack.apiUrl(), TOKEN, Duration.ofSeconds(5))) {
            ChannelUnavailableException failure = assertThrows(ChannelUnavailableException.class,
                    () -> api.postMessage(exchange, "U0ALICE", ReviewMessage.note("hello")));
            assertEquals(Duration.ofSeconds(7), failure.retryAfter());
            assertEquals(7000L, exchange.getIn().getHeader(Exchange.REDELIVERY_DELAY, Long.class));
        }
    }

    @Test
    void transientOkFalseIsRetriedAndPermanentOneIsNot() throws Exception {
        slack.errorNext(1, "ratelimited");
        send(notification(NotificationKind.REVIEW, Requests.pending(), Requests.ALICE, null));
        assertEquals(2, slack.calls().size());

        slack.errorNext(1, "channel_not_found");
        CamelExecutionException failure = assertThrows(CamelExecutionException.class,
                () -> send(notification(NotificationKind.REVIEW, Requests.pending(), Requests.ALICE, null)));
        assertInstanceOf(ChannelRejectedException.class, failure.getCause());
        assertTrue(failure.getCause().getMessage().contains("channel_not_found"));
        assertEquals(3, slack.calls().size(), "a permanent refusal is not retried");
    }

    @Test
    void wrongTokenIsRejectedWithoutRetriesAndWithoutShowingTheToken() throws Exception {
        stop();
        slack = SlackStandIn.start(TOKEN);
        startChannel("xoxb-revoked", null);
        CamelExecutionException failure = assertThrows(CamelExecutionException.class,
                () -> send(notification(NotificationKind.REVIEW, Requests.pending(), Requests.ALICE, null)));
        assertInstanceOf(ChannelRejectedException.class, failure.getCause());
        assertTrue(failure.getCause().getMessage().contains("invalid_auth"));
        assertFalse(failure.getCause().getMessage().contains("xoxb-revoked"));
        assertEquals(1, slack.calls().size());
        assertFalse(slack.calls().get(0).authorized());
    }

    @Test
    void unreachableSlackIsUnavailable() throws Exception {
        String apiUrl = slack.apiUrl();
        slack.close();
        channel.deactivate();
        camel.stop();
        channel = new SlackChannel(new SlackSettings(apiUrl, TOKEN, "unused", Set.of(), Set.of(), null,
                "http://127.0.0.1/", 65_536, Duration.ofSeconds(2)));
        camel = new DefaultCamelContext();
        camel.addRoutes(channel.routes());
        camel.start();
        producer = camel.createProducerTemplate();
        slack = SlackStandIn.start(TOKEN);
        CamelExecutionException failure = assertThrows(CamelExecutionException.class,
                () -> send(notification(NotificationKind.REVIEW, Requests.pending(), Requests.ALICE, null)));
        assertInstanceOf(ChannelUnavailableException.class, failure.getCause());
    }

    @Test
    void updateRefreshesTheSameMessageAndDropsTheButtonsOnceDecided() {
        RequestView view = Requests.pending();
        ObjectNode reference = send(notification(NotificationKind.REVIEW, view, Requests.ALICE, null));
        RequestView decided = Requests.withVote(Requests.withVote(view, Requests.BOB, Verdict.APPROVE,
                RequestStatus.PENDING), Requests.CAROL, Verdict.APPROVE, RequestStatus.APPROVED);
        Delivery delivered = new Delivery("n-1", view.id(), "slack", "U0ALICE", "alice", NotificationKind.REVIEW,
                reference, Instant.now());
        ObjectNode updated = send(notification(NotificationKind.UPDATE, decided, Requests.ALICE, delivered));
        assertEquals(reference, updated);
        PostedMessage update = slack.messages().get(1);
        assertEquals("chat.update", update.method());
        assertEquals(reference.path("channel").asText(), update.channel());
        assertEquals(reference.path("ts").asText(), update.ts());
        assertFalse(update.hasButtons());
        assertTrue(update.blocksText().contains("*Outcome:* Approved"), update.blocksText());
        assertTrue(update.blocksText().contains("bob approved via slack"), update.blocksText());
        assertTrue(update.text().startsWith("Approved: "), update.text());
    }

    @Test
    void updateWhileStillPendingKeepsTheButtonsForAReviewerWhoHasNotVoted() {
        RequestView view = Requests.pending();
        ObjectNode reference = send(notification(NotificationKind.REVIEW, view, Requests.ALICE, null));
        RequestView oneVote = Requests.withVote(view, Requests.BOB, Verdict.APPROVE, RequestStatus.PENDING);
        send(notification(NotificationKind.UPDATE, oneVote, Requests.ALICE, new Delivery("n-1", view.id(), "slack",
                "U0ALICE", "alice", NotificationKind.REVIEW, reference, Instant.now())));
        PostedMessage update = slack.messages().get(1);
        assertTrue(update.hasButtons());
        assertTrue(update.blocksText().contains("bob approved via slack"));
    }

    @Test
    void updateOfAMessageSlackDoesNotKnowIsRejected() {
        ObjectNode reference = JsonNodeFactory.instance.objectNode().put("channel", "D0NOPE").put("ts", "1.000001");
        Delivery delivered = new Delivery("n-1", "r", "slack", "U0ALICE", "alice", NotificationKind.REVIEW,
                reference, Instant.now());
        CamelExecutionException failure = assertThrows(CamelExecutionException.class,
                () -> send(notification(NotificationKind.UPDATE, Requests.pending(), Requests.ALICE, delivered)));
        assertInstanceOf(ChannelRejectedException.class, failure.getCause());
    }

    @Test
    void fixedChannelGetsTheMessageAddressedToTheReviewer() throws Exception {
        stop();
        slack = SlackStandIn.start(TOKEN);
        startChannel(TOKEN, "C0APPROVALS");
        send(notification(NotificationKind.REMINDER, Requests.pending(), Requests.BOB, null));
        PostedMessage message = slack.messages().get(0);
        assertEquals("C0APPROVALS", message.channel());
        assertTrue(message.text().startsWith("<@U0BOB> Reminder: approval needed"), message.text());
    }

    private static Throwable failure(Exchange exchange) {
        return exchange.getException() != null ? exchange.getException()
                : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
    }

    private ObjectNode send(Notification notification) {
        return producer.requestBody(SlackChannel.ENDPOINT, notification, ObjectNode.class);
    }

    private static Notification notification(NotificationKind kind, RequestView view, Reviewer reviewer,
                                             Delivery previous) {
        return new Notification(UUID.randomUUID().toString(), kind, "slack", reviewer.contact("slack"), reviewer,
                view, previous);
    }
}
