package io.countersign.channel.teams.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.ChannelEvent;
import io.countersign.api.RequestView;
import io.countersign.api.ReviewEvidence;
import io.countersign.api.Reviewer;
import io.countersign.api.Verdict;
import io.countersign.api.testing.InMemoryDirectory;
import io.countersign.channel.teams.standin.BotConnectorStandIn;
import io.countersign.channel.teams.standin.Invoke;
import io.countersign.channel.teams.standin.InvokeOptions;
import io.countersign.channel.teams.standin.SentActivity;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.RSAPublicKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Clicks arrive from the stand-in Bot Connector, signed as Microsoft signs them, at a real Jetty endpoint. */
class TeamsMessagesRouteTest {

    private static final String BOB_AAD = "0d4c5a43-7d3a-4b1e-9e4f-1a2b3c4d5e6f";
    private static final String CAROL_AAD = "a7e9f0d2-3b4c-4d5e-8f6a-7b8c9d0e1f2a";
    private static final Reviewer BOB = Requests.reviewer("bob", BOB_AAD);
    private static final Reviewer CAROL = Requests.reviewer("carol", CAROL_AAD);
    private static final String EVE_AAD = "5e5e5e5e-0000-4000-8000-000000000e5e";
    private static final Reviewer EVE = new Reviewer("eve", java.util.Set.of("finance"),
            java.util.Map.of("teams", EVE_AAD));
    private static final ObjectMapper JSON = new ObjectMapper();

    private static BotConnectorStandIn teams;

    private FakeApprovals approvals;
    private MessagesEndpoint endpoint;
    private RequestView request;
    private SentActivity card;

    @BeforeAll
    static void startStandIn() {
        teams = BotConnectorStandIn.start(StandInSettings.APP_ID, StandInSettings.SECRET, StandInSettings.TENANT);
    }

    @AfterAll
    static void stopStandIn() {
        teams.close();
    }

    @BeforeEach
    void start() throws Exception {
        startWith(StandInSettings.of(teams));
    }

    private void startWith(TeamsSettings settings) throws Exception {
        approvals = new FakeApprovals();
        request = Requests.pending("req-1");
        approvals.add(request);
        card = cardMessage(request);
        endpoint = new MessagesEndpoint(new TeamsMessagesRoute(approvals, new InMemoryDirectory(BOB, CAROL, EVE),
                settings, Clock.systemUTC()));
    }

    @AfterEach
    void stop() throws Exception {
        endpoint.close();
    }

    @Test
    void approveWithAValidJwtIsReviewedWithTheJwtAsEvidence() throws Exception {
        Invoke click = teams.invoke(endpoint.messagesUrl(), BOB_AAD, "approve", card, InvokeOptions.valid());

        assertEquals(200, click.status(), click.body());
        assertEquals(200, click.json().path("statusCode").asInt());
        assertEquals("application/vnd.microsoft.card.adaptive", click.json().path("type").asText());
        assertTrue(click.cardText().contains("Your approval was counted."), click.cardText());
        assertFalse(click.card().has("actions"), "no buttons after a vote");

        assertEquals(1, approvals.reviews.size());
        FakeApprovals.ReviewCall review = approvals.reviews.get(0);
        assertEquals("bob", review.reviewer().id());
        assertEquals("req-1", review.requestId());
        assertEquals(Verdict.APPROVE, review.verdict());
        assertNull(review.comment());
        ReviewEvidence evidence = review.evidence();
        assertEquals("teams", evidence.channel());
        assertEquals("teams:" + click.activityId(), evidence.replayKey());
        assertEquals(request.request().digest(), evidence.digest());
        assertEquals(click.token(), evidence.artifact().path("jwt").asText());
        assertEquals(click.activityId(), evidence.artifact().path("activity").path("id").asText());
        assertTrue(approvals.events.isEmpty(), approvals.events.toString());

        // what an auditor does later: check Microsoft's signature with the journaled key, no network needed
        assertTrue(signatureHolds(evidence.artifact().path("jwt").asText(), evidence.artifact().path("jwk")));
    }

    @Test
    void denyIsReviewedAsADenial() {
        Invoke click = teams.invoke(endpoint.messagesUrl(), BOB_AAD, "deny", card, InvokeOptions.valid());

        assertEquals(200, click.status(), click.body());
        assertEquals(Verdict.DENY, approvals.reviews.get(0).verdict());
        assertTrue(click.cardText().contains("Outcome: Denied"), click.cardText());
    }

    static Stream<Arguments> forgeries() {
        return Stream.of(
                Arguments.of("wrong audience", (UnaryOperator<InvokeOptions>) InvokeOptions::wrongAudience, 403,
                        "jwt-audience"),
                Arguments.of("expired beyond the skew", (UnaryOperator<InvokeOptions>) o -> o.expiredAgo(
                        Duration.ofMinutes(6)), 403, "jwt-expired"),
                Arguments.of("signed by an unknown key", (UnaryOperator<InvokeOptions>) InvokeOptions::unknownKey,
                        403, "jwt-unknown-key"),
                Arguments.of("key not endorsed for msteams", (UnaryOperator<InvokeOptions>) o -> o.signedWith(
                        InvokeOptions.SigningKey.PUBLISHED_NOT_ENDORSED), 403, "jwt-endorsement"),
                Arguments.of("alg none", (UnaryOperator<InvokeOptions>) InvokeOptions::algNone, 403,
                        "jwt-algorithm"),
                Arguments.of("payload changed after signing",
                        (UnaryOperator<InvokeOptions>) InvokeOptions::tamperedPayload, 403, "jwt-signature"),
                Arguments.of("another issuer", (UnaryOperator<InvokeOptions>) o -> o.issuer(
                        "https://sts.windows.net/d6d49420-f39b-4df7-a1dc-d59a935871db/"), 403, "jwt-issuer"),
                Arguments.of("serviceurl claim of another service",
                        (UnaryOperator<InvokeOptions>) InvokeOptions::wrongServiceUrl, 403, "jwt-service-url"),
                Arguments.of("another tenant", (UnaryOperator<InvokeOptions>) o -> o.tenant(
                        "00000000-1111-2222-3333-444444444444"), 403, "tenant"),
                Arguments.of("no token", (UnaryOperator<InvokeOptions>) InvokeOptions::withoutToken, 401,
                        "jwt-missing"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("forgeries")
    void forgedOrMisdirectedClickIsRefusedJournaledAndNotReviewed(String name, UnaryOperator<InvokeOptions> how,
                                                                   int status, String code) {
        Invoke click = teams.invoke(endpoint.messagesUrl(), BOB_AAD, "approve", card, how.apply(
                InvokeOptions.valid()));

        assertEquals(status, click.status(), click.body());
        assertEquals(code, click.json().path("reason").asText(), click.body());
        assertTrue(approvals.reviews.isEmpty(), "no review may be attempted");
        ChannelEvent event = approvals.onlyEvent();
        assertEquals("teams", event.channel());
        assertEquals(ChannelEvent.Kind.REFUSED, event.kind());
        assertEquals(code, event.code());
        assertEquals("req-1", event.requestId());
        assertNull(event.reviewer(), "no identity is established for an unauthenticated call");
        ObjectNode evidence = event.evidence();
        assertEquals(click.activityId(), evidence.path("activityId").asText());
        assertEquals(BOB_AAD, evidence.path("aadObjectId").asText());
        if (click.token() != null) {
            assertEquals(Hashes.sha256(click.token()), evidence.path("tokenSha256").asText());
            assertTrue(evidence.path("jwtClaims").has("aud"), evidence.toString());
            assertFalse(evidence.toString().contains(click.token()), "the token itself is not journaled");
        }
    }

    @Test
    void tokenExpiredWithinTheFiveMinuteSkewIsStillAccepted() {
        Invoke click = teams.invoke(endpoint.messagesUrl(), BOB_AAD, "approve", card, InvokeOptions.valid()
                .expiredAgo(Duration.ofMinutes(4)));

        assertEquals(200, click.status(), click.body());
        assertEquals(1, approvals.reviews.size());
    }

    @Test
    void replayedActivityIsRefusedBeforeItReachesTheCore() {
        Invoke first = teams.invoke(endpoint.messagesUrl(), BOB_AAD, "approve", card, InvokeOptions.valid());
        Invoke sameBytes = teams.replay(endpoint.messagesUrl(), first);
        Invoke sameIdFreshToken = teams.invoke(endpoint.messagesUrl(), BOB_AAD, "approve", card,
                InvokeOptions.valid().activityId(first.activityId()));

        assertEquals(200, first.status());
        assertEquals(403, sameBytes.status());
        assertEquals("replayed", sameBytes.json().path("reason").asText());
        assertEquals(403, sameIdFreshToken.status());
        assertEquals(1, approvals.reviews.size(), "only the first click reaches the core");
        assertEquals(2, approvals.events.size());
        assertTrue(approvals.events.stream().allMatch(e -> e.code().equals("replayed")));
    }

    @Test
    void reviewerIsTheOwnerOfTheAadObjectIdWhateverNameTheActivityCarries() {
        Invoke click = teams.invoke(endpoint.messagesUrl(), BOB_AAD, "approve", card, InvokeOptions.valid()
                .displayName("Carol"));

        assertEquals(200, click.status());
        assertEquals("bob", approvals.reviews.get(0).reviewer().id());
    }

    @Test
    void unknownAadObjectIdIsRefusedWithACardAndNoReview() {
        Invoke click = teams.invoke(endpoint.messagesUrl(), "ffffffff-0000-0000-0000-000000000000", "approve", card,
                InvokeOptions.valid().displayName("Bob"));

        assertEquals(200, click.status(), "the Bot Connector was authentic: the user gets a card");
        assertTrue(click.cardText().contains("not registered as a Countersign reviewer"), click.cardText());
        assertTrue(approvals.reviews.isEmpty());
        ChannelEvent event = approvals.onlyEvent();
        assertEquals("unknown-reviewer", event.code());
        assertEquals("req-1", event.requestId());
    }

    @Test
    void clickOnAnUnknownRequestIsJournaledAndAnsweredWithACard() {
        ObjectNode data = JsonNodeFactory.instance.objectNode().put("requestId", "req-404")
                .put("digest", "sha256:00");
        Invoke click = teams.invoke(endpoint.messagesUrl(), BOB_AAD, "approve", null, InvokeOptions.valid()
                .data(data));

        assertEquals(200, click.status());
        assertTrue(click.cardText().contains("no such request"), click.cardText());
        ChannelEvent event = approvals.onlyEvent();
        assertEquals("unknown-request", event.code());
        assertEquals("bob", event.reviewer());
    }

    @Test
    void secondVoteOfTheSameReviewerShowsTheCoresRefusal() {
        teams.invoke(endpoint.messagesUrl(), BOB_AAD, "approve", card, InvokeOptions.valid());
        Invoke again = teams.invoke(endpoint.messagesUrl(), BOB_AAD, "deny", card, InvokeOptions.valid());

        assertEquals(200, again.status());
        assertTrue(again.cardText().contains("not counted (already-voted)"), again.cardText());
        assertEquals(2, approvals.reviews.size());
        assertTrue(approvals.events.isEmpty(), "the core journals its own refusals");
    }

    @Test
    void refreshShowsTheRequestAsItStandsForThatReviewerWithoutVoting() {
        Invoke before = teams.invoke(endpoint.messagesUrl(), CAROL_AAD, "refresh", card, InvokeOptions.valid());
        teams.invoke(endpoint.messagesUrl(), BOB_AAD, "approve", card, InvokeOptions.valid());
        Invoke bobAfter = teams.invoke(endpoint.messagesUrl(), BOB_AAD, "refresh", card, InvokeOptions.valid());
        Invoke carolAfter = teams.invoke(endpoint.messagesUrl(), CAROL_AAD, "refresh", card, InvokeOptions.valid());

        assertEquals(2, before.card().path("actions").size());
        assertFalse(bobAfter.card().has("actions"));
        assertTrue(bobAfter.cardText().contains("You approved this request"), bobAfter.cardText());
        assertEquals(2, carolAfter.card().path("actions").size());
        assertTrue(carolAfter.cardText().contains("bob approved via teams"), carolAfter.cardText());
        assertEquals(1, approvals.reviews.size(), "a refresh is not a vote");
    }

    @Test
    void refreshShowsARequestOnlyToTheReviewersItsRouteNames() {
        Invoke click = teams.invoke(endpoint.messagesUrl(), EVE_AAD, "refresh", card, InvokeOptions.valid());

        assertEquals(200, click.status());
        assertTrue(click.cardText().contains("not a reviewer of this request"), click.cardText());
        assertFalse(click.cardText().contains("warehouse.customers"), click.cardText());
        assertFalse(click.card().has("actions"));
    }

    @Test
    void unknownKeyIdsDoNotMakeTheBotFetchKeysOverAndOver() {
        teams.invoke(endpoint.messagesUrl(), BOB_AAD, "approve", card, InvokeOptions.valid());
        int fetches = teams.keyFetches();
        for (int i = 0; i < 3; i++) {
            teams.invoke(endpoint.messagesUrl(), BOB_AAD, "approve", card, InvokeOptions.valid().unknownKey());
        }
        assertEquals(fetches, teams.keyFetches(), "within the refetch interval the JWKS is not fetched again");
        assertEquals(3, approvals.events.size());
    }

    @Test
    void newlyPublishedKeyIsFetchedWhenItsIdIsFirstSeen() throws Exception {
        endpoint.close();
        startWith(StandInSettings.of(teams, StandInSettings.SECRET, Duration.ZERO));
        teams.invoke(endpoint.messagesUrl(), CAROL_AAD, "refresh", card, InvokeOptions.valid());
        teams.rotateSigningKey();

        Invoke click = teams.invoke(endpoint.messagesUrl(), BOB_AAD, "approve", card, InvokeOptions.valid());

        assertEquals(200, click.status(), click.body());
        assertEquals(1, approvals.reviews.size());
    }

    @Test
    void malformedTokensAreRefused() throws Exception {
        String activity = """
                {"type":"invoke","name":"adaptiveCard/action","id":"f:1","channelId":"msteams",
                 "serviceUrl":"%s","from":{"aadObjectId":"%s"},"conversation":{"tenantId":"%s"},
                 "value":{"action":{"verb":"approve","data":{"requestId":"req-1","digest":"x"}}}}"""
                .formatted(teams.serviceUrl(), BOB_AAD, StandInSettings.TENANT);
        for (String token : new String[] {"abc", "a.b", "e30.e30.e30.e30", "eyJhbGciOiJSUzI1NiJ9=.e30.AA",
                "W10.e30.AA", "e30.e30.AA"}) {
            HttpResponse<String> response = post(token, activity);
            assertEquals(403, response.statusCode(), token);
            assertTrue(JSON.readTree(response.body()).path("reason").asText().startsWith("jwt-"), response.body());
        }
        assertEquals(6, approvals.events.size());
        assertTrue(approvals.reviews.isEmpty());
    }

    @Test
    void onlyPostIsServed() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(endpoint.messagesUrl())).GET().build(), HttpResponse.BodyHandlers.ofString());

        assertEquals(405, response.statusCode());
        assertTrue(approvals.events.isEmpty());
    }

    private HttpResponse<String> post(String token, String body) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(endpoint.messagesUrl()))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The card message as the outbound side would have sent it. */
    private static SentActivity cardMessage(RequestView view) {
        ObjectNode activity = JsonNodeFactory.instance.objectNode().put("type", "message");
        activity.putArray("attachments").add(TeamsCards.attachment(TeamsCards.forReviewer(view, "bob",
                TeamsCards.BANNER_REVIEW, null)));
        return new SentActivity(SentActivity.Kind.SENT, "a:conversation-bob", "1700000000001", BOB_AAD, activity,
                Instant.now());
    }

    private static boolean signatureHolds(String jwt, JsonNode jwk) throws Exception {
        PublicKey key = KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(
                new BigInteger(1, Base64.getUrlDecoder().decode(jwk.path("n").asText())),
                new BigInteger(1, Base64.getUrlDecoder().decode(jwk.path("e").asText()))));
        Signature signature = Signature.getInstance("SHA256withRSA");
        signature.initVerify(key);
        signature.update(jwt.substring(0, jwt.lastIndexOf('.')).getBytes(StandardCharsets.US_ASCII));
        return signature.verify(Base64.getUrlDecoder().decode(jwt.substring(jwt.lastIndexOf('.') + 1)));
    }
}
