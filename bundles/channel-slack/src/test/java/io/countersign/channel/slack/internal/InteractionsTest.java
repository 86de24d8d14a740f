package io.countersign.channel.slack.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.ChannelEvent;
import io.countersign.api.RequestView;
import io.countersign.api.ReviewEvidence;
import io.countersign.api.Verdict;
import io.countersign.api.testing.InMemoryDirectory;
import io.countersign.channel.slack.standin.Click;
import io.countersign.channel.slack.standin.ClickOptions;
import io.countersign.channel.slack.standin.PostedMessage;
import io.countersign.channel.slack.standin.SlackStandIn;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class InteractionsTest {

    private static final String TOKEN = "xoxb-test-token";
    private static final String SECRET = "signing-secret-for-tests";
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    private final Clock clock = Clock.fixed(now, ZoneOffset.UTC);
    private final FakeApprovals approvals = new FakeApprovals();
    private final InMemoryDirectory directory = new InMemoryDirectory(Requests.ALICE, Requests.BOB, Requests.CAROL);
    private SlackStandIn slack;
    private SlackSettings settings;
    private JettyHost host;
    private String url;

    @BeforeEach
    void start() throws Exception {
        slack = SlackStandIn.start(TOKEN);
        settings = new SlackSettings(slack.apiUrl(), TOKEN, SECRET, Set.of(SlackStandIn.TEAM_ID),
                Set.of(SlackStandIn.APP_ID), null, slack.responseUrlPrefix(), 65_536, WAIT);
        host = new JettyHost(SlackInteractions.PREFIX, new SlackInteractions(approvals, directory, settings, clock));
        url = host.url(SlackInteractions.PATH);
    }

    @AfterEach
    void stop() throws Exception {
        host.close();
        slack.close();
    }

    @Test
    void approveBecomesAVoteWithTheSignedBodyAsEvidence() throws Exception {
        RequestView view = approvals.add(Requests.pending());
        PostedMessage message = post(view, "U0ALICE");
        Click click = slack.click(url, SECRET, message, "U0ALICE", "approve");

        assertEquals(200, click.status());
        assertEquals("", click.responseBody());
        assertEquals(1, approvals.reviews.size());
        FakeApprovals.ReviewCall review = approvals.reviews.get(0);
        assertEquals("alice", review.reviewer().id());
        assertEquals(view.id(), review.requestId());
        assertEquals(Verdict.APPROVE, review.verdict());
        ReviewEvidence evidence = review.evidence();
        assertEquals("slack", evidence.channel());
        assertEquals(view.request().digest(), evidence.digest());
        JsonNode payload = click.payload();
        assertEquals("slack:" + SlackStandIn.TEAM_ID + ":U0ALICE:" + message.ts() + ":"
                + payload.path("actions").path(0).path("action_ts").asText(), evidence.replayKey());
        assertEquals(new String(click.sentBody(), StandardCharsets.US_ASCII),
                evidence.artifact().path("body").asText());
        assertEquals(click.signature(), evidence.artifact().path("signature").asText());
        assertEquals(click.timestamp(), evidence.artifact().path("timestamp").asText());
        assertEquals(SlackStandIn.sign(SECRET, click.timestamp(), click.sentBody()),
                evidence.artifact().path("signature").asText(), "an auditor holding the secret can re-check it");
        assertFalse(evidence.artifact().toString().contains(SECRET));
        assertTrue(approvals.events.isEmpty());

        JsonNode outcome = slack.awaitResponseUrlPost(p -> true, WAIT);
        assertTrue(outcome.path("replace_original").asBoolean());
        String text = ReviewMessageTest.allText(outcome.path("blocks"));
        assertTrue(text.contains("You approved this request.") && text.contains("alice approved via slack"), text);
        assertTrue(ReviewMessageTest.buttons(outcome.path("blocks")).isEmpty());
    }

    @Test
    void denyIsCountedAsADenial() throws Exception {
        RequestView view = approvals.add(Requests.pending());
        Click click = slack.click(url, SECRET, post(view, "U0BOB"), "U0BOB", "deny");
        assertEquals(200, click.status());
        assertEquals(Verdict.DENY, approvals.reviews.get(0).verdict());
        JsonNode outcome = slack.awaitResponseUrlPost(p -> true, WAIT);
        assertTrue(ReviewMessageTest.allText(outcome.path("blocks")).contains("*Outcome:* Denied"));
    }

    @Test
    void theStepUpLinkButtonDecidesNothing() throws Exception {
        RequestView view = approvals.add(Requests.pendingStepUp());
        PostedMessage message;
        try (SlackWebApi api = new SlackWebApi(slack.apiUrl(), TOKEN, WAIT)) {
            JsonNode reference = api.postMessage(new DefaultExchange(new DefaultCamelContext()), "U0ALICE",
                    ReviewMessage.forReviewer(view, "alice", false, null, ReviewMessageTest.CONSOLE));
            String ts = reference.path("ts").asText();
            message = slack.awaitMessage(m -> m.ts().equals(ts), WAIT);
        }
        assertTrue(message.button(ReviewMessage.APPROVE).isEmpty(), "no Approve button to click");
        Click click = slack.click(url, SECRET, message, "U0ALICE", ReviewMessage.OPEN_CONSOLE);
        assertEquals(200, click.status());
        assertTrue(approvals.reviews.isEmpty());
        assertTrue(approvals.events.isEmpty());
    }

    @Test
    void forgedSignatureIsRefusedAndRecordedWithoutTheSecret() throws Exception {
        PostedMessage message = post(approvals.add(Requests.pending()), "U0ALICE");
        Click wrongSecret = slack.click(url, "not-the-secret", message, "U0ALICE", "approve");
        Click tampered = slack.click(url, SECRET, message, "U0ALICE", "approve",
                ClickOptions.defaults().withSignature("v0=" + "0".repeat(64)));
        for (Click click : new Click[] {wrongSecret, tampered}) {
            assertProblem(click, 401, "bad-signature");
        }
        assertTrue(approvals.reviews.isEmpty());
        assertEquals(2, approvals.events.size());
        ChannelEvent event = approvals.events.get(0);
        assertEquals("slack", event.channel());
        assertEquals(ChannelEvent.Kind.REFUSED, event.kind());
        assertEquals("bad-signature", event.code());
        assertEquals(InteractionHandler.sha256(wrongSecret.sentBody()), event.evidence().path("bodySha256").asText());
        assertEquals(wrongSecret.timestamp(), event.evidence().path("timestamp").asText());
        assertFalse(event.evidence().path("signatureValid").asBoolean(true));
        assertEquals("U0ALICE", event.evidence().path("claimed").path("userId").asText());
        assertEquals(SlackStandIn.TEAM_ID, event.evidence().path("claimed").path("teamId").asText());
        assertFalse(event.evidence().toString().contains(SECRET));
        assertTrue(slack.responseUrlPosts().isEmpty());
    }

    @Test
    void missingSignatureHeadersAreRefused() throws Exception {
        PostedMessage message = post(approvals.add(Requests.pending()), "U0ALICE");
        Click click = slack.click(url, SECRET, message, "U0ALICE", "approve",
                ClickOptions.defaults().withoutSignatureHeaders());
        assertProblem(click, 401, "missing-signature");
        assertEquals("missing-signature", approvals.events.get(0).code());
        assertTrue(approvals.reviews.isEmpty());
    }

    @Test
    void timestampMoreThanFiveMinutesOffIsRefusedEitherWay() throws Exception {
        PostedMessage message = post(approvals.add(Requests.pending()), "U0ALICE");
        long seconds = now.getEpochSecond();
        Click old = slack.click(url, SECRET, message, "U0ALICE", "approve", ClickOptions.defaults().at(seconds - 301));
        Click future = slack.click(url, SECRET, message, "U0ALICE", "approve",
                ClickOptions.defaults().at(seconds + 301));
        assertProblem(old, 401, "stale-timestamp");
        assertProblem(future, 401, "stale-timestamp");
        assertTrue(approvals.reviews.isEmpty());
        assertEquals(2, approvals.events.size());
        assertTrue(approvals.events.get(0).evidence().path("signatureValid").asBoolean(), "signed, only too old");

        Click recent = slack.click(url, SECRET, message, "U0ALICE", "approve",
                ClickOptions.defaults().at(seconds - 299));
        assertEquals(200, recent.status());
        assertEquals(1, approvals.reviews.size());
    }

    @Test
    void replayIsRefusedBeforeTheCoreAndRecorded() throws Exception {
        RequestView view = approvals.add(Requests.pending());
        Click click = slack.click(url, SECRET, post(view, "U0ALICE"), "U0ALICE", "approve");
        assertEquals(200, click.status());
        Click replayed = slack.replay(click);
        assertEquals(200, replayed.status());
        assertEquals(1, approvals.reviews.size(), "the replay never reached the core");
        assertEquals(1, approvals.events.size());
        ChannelEvent event = approvals.events.get(0);
        assertEquals("replayed", event.code());
        assertEquals(view.id(), event.requestId());
        assertEquals(approvals.reviews.get(0).evidence().replayKey(), replayKeyOf(click));
    }

    @Test
    void replayAfterARestartIsRefusedByTheCoreThroughTheReplayKey() throws Exception {
        RequestView view = approvals.add(Requests.pending());
        Click click = slack.click(url, SECRET, post(view, "U0ALICE"), "U0ALICE", "approve");
        slack.awaitResponseUrlPost(p -> true, WAIT);
        try (JettyHost restarted = new JettyHost(SlackInteractions.PREFIX,
                new SlackInteractions(approvals, directory, settings, clock))) {
            String again = restarted.url(SlackInteractions.PATH);
            Click replayed = slack.post(again, SECRET, click.sentBody(), "application/x-www-form-urlencoded",
                    ClickOptions.defaults().at(Long.parseLong(click.timestamp())));
            assertEquals(200, replayed.status());
            JsonNode note = slack.awaitResponseUrlPost(p -> p.path("response_type").asText().equals("ephemeral"),
                    WAIT);
            assertTrue(note.path("text").asText().contains("already counted"), note.toString());
        }
        assertEquals(2, approvals.reviews.size());
        assertEquals(approvals.reviews.get(0).evidence().replayKey(), approvals.reviews.get(1).evidence().replayKey());
    }

    @Test
    void clicksFromAnotherWorkspaceOrAppAreRefused() throws Exception {
        PostedMessage message = post(approvals.add(Requests.pending()), "U0ALICE");
        Click team = slack.click(url, SECRET, message, "U0ALICE", "approve",
                ClickOptions.defaults().fromTeam("T0EVIL"));
        Click app = slack.click(url, SECRET, message, "U0ALICE", "approve", ClickOptions.defaults().forApp("A0EVIL"));
        assertEquals(200, team.status());
        assertEquals(200, app.status());
        assertTrue(approvals.reviews.isEmpty());
        assertEquals("wrong-team", approvals.events.get(0).code());
        assertEquals("T0EVIL", approvals.events.get(0).evidence().path("payload").path("teamId").asText());
        assertEquals("wrong-app", approvals.events.get(1).code());
    }

    @Test
    void unknownSlackUserIsRefusedWithANote() throws Exception {
        PostedMessage message = post(approvals.add(Requests.pending()), "U0ALICE");
        Click click = slack.click(url, SECRET, message, "U0MALLORY", "approve");
        assertEquals(200, click.status());
        assertTrue(approvals.reviews.isEmpty());
        ChannelEvent event = approvals.events.get(0);
        assertEquals("unknown-reviewer", event.code());
        assertNull(event.reviewer());
        assertEquals("U0MALLORY", event.evidence().path("payload").path("userId").asText());
        JsonNode note = slack.awaitResponseUrlPost(p -> true, WAIT);
        assertEquals("ephemeral", note.path("response_type").asText());
        assertFalse(note.path("replace_original").asBoolean(true));
        assertTrue(note.path("text").asText().contains("not linked"), note.toString());
    }

    @Test
    void requesterClickingApproveIsRefusedByTheCoreAndToldWhy() throws Exception {
        PostedMessage message = post(approvals.add(Requests.pending()), "U0CAROL");
        Click click = slack.click(url, SECRET, message, "U0CAROL", "approve");
        assertEquals(200, click.status());
        assertEquals(1, approvals.reviews.size(), "the core applies separation of duties");
        assertEquals("carol", approvals.reviews.get(0).reviewer().id());
        JsonNode note = slack.awaitResponseUrlPost(p -> true, WAIT);
        assertEquals("ephemeral", note.path("response_type").asText());
        assertFalse(note.path("replace_original").asBoolean(true));
        assertTrue(note.path("text").asText().startsWith("You cannot approve your own request"), note.toString());
    }

    @Test
    void unknownRequestIsRecorded() throws Exception {
        RequestView notKnown = Requests.pending();
        Click click = slack.click(url, SECRET, post(notKnown, "U0ALICE"), "U0ALICE", "approve");
        assertEquals(200, click.status());
        assertEquals("unknown-request", approvals.events.get(0).code());
        assertEquals("alice", approvals.events.get(0).reviewer());
        assertTrue(slack.awaitResponseUrlPost(p -> true, WAIT).path("text").asText().contains("no longer knows"));
    }

    @Test
    void malformedCallbacksAreRefused() throws Exception {
        byte[] notJson = "payload=%7Bnot+json".getBytes(StandardCharsets.US_ASCII);
        byte[] noPayload = "token=x&team_id=T0STANDIN".getBytes(StandardCharsets.US_ASCII);
        ObjectNode noActions = JSON.createObjectNode().put("type", "block_actions");
        noActions.putObject("team").put("id", SlackStandIn.TEAM_ID);
        assertProblem(slack.post(url, SECRET, notJson, "application/x-www-form-urlencoded", ClickOptions.defaults()),
                400, "malformed-payload");
        assertProblem(slack.post(url, SECRET, noPayload, "application/x-www-form-urlencoded",
                ClickOptions.defaults()), 400, "malformed-payload");
        assertProblem(slack.send(url, SECRET, noActions, ClickOptions.defaults()), 400, "malformed-payload");
        assertProblem(slack.post(url, SECRET, "{}".getBytes(StandardCharsets.US_ASCII), "application/json",
                ClickOptions.defaults()), 415, "unsupported-media-type");
        assertTrue(approvals.reviews.isEmpty());
        assertEquals(4, approvals.events.size());
        assertTrue(approvals.events.stream().allMatch(e -> e.code().equals("malformed-payload")));
    }

    @Test
    void oversizedBodiesAreRefusedUnread() throws Exception {
        byte[] big = ("payload=" + "a".repeat(70_000)).getBytes(StandardCharsets.US_ASCII);
        Click click = slack.post(url, SECRET, big, "application/x-www-form-urlencoded", ClickOptions.defaults());
        assertProblem(click, 413, "body-too-large");
        assertEquals("body-too-large", approvals.events.get(0).code());
    }

    @Test
    void onlyPostIsAllowed() throws Exception {
        HttpResponse<String> get = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).GET()
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, get.statusCode());
        assertEquals("POST", get.headers().firstValue("Allow").orElse(null));
        assertTrue(get.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
        HttpResponse<String> other = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(host.url("/hooks/slack/other"))).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(404, other.statusCode());
    }

    private PostedMessage post(RequestView view, String userId) throws Exception {
        try (SlackWebApi api = new SlackWebApi(slack.apiUrl(), TOKEN, WAIT)) {
            JsonNode reference = api.postMessage(new DefaultExchange(new DefaultCamelContext()), userId,
                    ReviewMessage.forReviewer(view, "reviewer", false, null, null));
            String ts = reference.path("ts").asText();
            return slack.awaitMessage(m -> m.ts().equals(ts), WAIT);
        }
    }

    private static String replayKeyOf(Click click) {
        JsonNode payload = click.payload();
        return "slack:" + payload.path("team").path("id").asText() + ":" + payload.path("user").path("id").asText()
                + ":" + payload.path("container").path("message_ts").asText() + ":"
                + payload.path("actions").path(0).path("action_ts").asText();
    }

    private static void assertProblem(Click click, int status, String reason) throws Exception {
        assertEquals(status, click.status(), click.responseBody());
        JsonNode problem = JSON.readTree(click.responseBody());
        assertEquals(reason, problem.path("reason").asText(), click.responseBody());
        assertEquals(status, problem.path("status").asInt());
    }
}
