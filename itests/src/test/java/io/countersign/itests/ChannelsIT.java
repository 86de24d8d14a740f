package io.countersign.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.Directory;
import io.countersign.api.Reviewer;
import io.countersign.channel.email.testing.ReviewBrowser;
import io.countersign.channel.email.testing.ReviewMail;
import io.countersign.channel.slack.standin.ApiCall;
import io.countersign.channel.slack.standin.Click;
import io.countersign.channel.slack.standin.ClickOptions;
import io.countersign.channel.slack.standin.PostedMessage;
import io.countersign.channel.slack.standin.SlackStandIn;
import io.countersign.channel.teams.standin.BotConnectorStandIn;
import io.countersign.channel.teams.standin.Invoke;
import io.countersign.channel.teams.standin.InvokeOptions;
import io.countersign.channel.teams.standin.SentActivity;
import java.io.IOException;
import java.math.BigInteger;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.RSAPublicKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Dictionary;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import javax.inject.Inject;
import org.apache.karaf.features.FeaturesService;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * The review channels through the assembled distribution: Slack, Teams and email features installed and configured
 * at run time against the providers' stand-ins (running inside the container), reviewers clicking and following
 * links as they would, and the journal read back over the ledger API as an auditor would.
 * <p>
 * Reviewers (the demo directory, with channel contacts added): data-owners alice (the human analytics-agent acts
 * for; Slack), bob (Slack), carol (Teams); security dave (email), erin (Slack), frank (email). Every demo reviewer
 * also keeps their email address, so Slack and Teams are the first choice where they are set.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ChannelsIT extends CountersignTestSupport {

    private static final String AGENT = "analytics-agent";
    private static final String SLACK_FEATURE = "countersign-channel-slack";
    private static final String TEAMS_FEATURE = "countersign-channel-teams";
    private static final String EMAIL_FEATURE = "countersign-channel-email";

    private static final String SLACK_BOT_TOKEN = "xoxb-countersign-itest";
    private static final String SLACK_SIGNING_SECRET = "countersign-itest-signing-secret-8f2c41";
    private static final String TEAMS_APP_ID = "3f0c9a52-7d4e-4b1a-9e6f-2c8d5b7a1e40";
    private static final String TEAMS_CLIENT_SECRET = "countersign-itest-client-secret";
    private static final String TEAMS_TENANT = "9b2e6d14-5c3a-4f8e-b7d0-1a6c4e2f9d83";

    private static final String ALICE_SLACK = "U0ALICE";
    private static final String BOB_SLACK = "U0BOB";
    private static final String ERIN_SLACK = "U0ERIN";
    private static final String CAROL_AAD = "c4a7e2d9-1b3f-4e6a-8d5c-0f9b2a7e6c31";
    private static final String DAVE_EMAIL = "dave@example.com";
    private static final String FRANK_EMAIL = "frank@example.com";

    private static final List<String> DATA_OWNERS_NOTIFIED = List.of("bob", "carol");
    private static final List<String> SECURITY_NOTIFIED = List.of("dave", "erin", "frank");

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();

    // One container per class: the stand-ins, the configuration and the ledger reader live as long as it does.
    private static SlackStandIn slack;
    private static BotConnectorStandIn teams;
    private static MailServer mail;
    private static Ledger ledger;

    @Inject
    protected FeaturesService features;

    @Inject
    protected ConfigurationAdmin configurations;

    /** The distribution as every itest boots it, with Countersign's own log at INFO to follow the channels. */
    @Override
    @Configuration
    public Option[] config() throws IOException {
        List<Option> options = new ArrayList<>(List.of(super.config()));
        options.add(editConfigurationFilePut("etc/org.ops4j.pax.logging.cfg", "log4j2.logger.countersign.name",
                "io.countersign"));
        options.add(editConfigurationFilePut("etc/org.ops4j.pax.logging.cfg", "log4j2.logger.countersign.level",
                "INFO"));
        return options.toArray(Option[]::new);
    }

    @Before
    public void channelsInstalledAndConfigured() throws Exception {
        if (ledger == null) {
            setUpChannels();
        }
    }

    // ---------------------------------------------------------------------------------------------- end to end

    @Test
    public void twoDataOwnersApproveInSlackAndInTeams_theWaitingAgentSeesApproved_andTheJournalKeepsBothProofs()
            throws Exception {
        String agentKey = credentials.agentKey(AGENT);
        JsonNode submitted = submit(dataOwnersExport("e2e-slack-teams"));
        String id = submitted.path("id").asText();
        String digest = submitted.path("digest").asText();
        JsonNode quorum = submitted.path("decision").path("route").path("quorums").get(0);
        assertEquals("data-owners", quorum.path("group").asText());
        assertEquals(2, quorum.path("approvals").asInt());

        PostedMessage toBob = awaitSlackReview(BOB_SLACK, id);
        SentActivity toCarol = awaitTeamsCard(CAROL_AAD, id);
        assertTrue(toBob.blocksText(), toBob.blocksText().contains("warehouse.customers"));
        assertTrue(toBob.blocksText(), toBob.blocksText().contains(digest));
        assertTrue(toCarol.text(), toCarol.text().contains("warehouse.customers"));

        Click bobClick = slack.click(interactionsUrl(), SLACK_SIGNING_SECRET, toBob, BOB_SLACK, "approve");
        assertEquals(bobClick.responseBody(), 200, bobClick.status());
        JsonNode afterBob = request(id);
        assertEquals("pending", afterBob.path("status").asText());
        assertEquals(afterBob.toString(), 1, afterBob.path("votes").size());
        assertEquals("bob", afterBob.path("votes").get(0).path("reviewer").asText());
        assertEquals("slack", afterBob.path("votes").get(0).path("channel").asText());

        CompletableFuture<Api.Answer> waiting = longPoll(id, agentKey);
        Thread.sleep(300); // let the long poll reach the server before the deciding click
        assertFalse("the agent's long poll waits while one approval is missing", waiting.isDone());
        Invoke carolClick = teams.invoke(teamsMessagesUrl(), CAROL_AAD, "approve", toCarol, InvokeOptions.valid());
        assertEquals(carolClick.body(), 200, carolClick.status());
        Api.Answer outcome = waiting.get(30, TimeUnit.SECONDS);
        assertEquals(outcome.raw(), "approved", outcome.text("status"));
        assertEquals("[\"bob\",\"carol\"]", outcome.body().path("grant").path("approvers").toString());

        List<JsonNode> accepted = Ledger.ofType(ledger.about(id), "review.accepted");
        assertEquals(Ledger.describe(accepted), 2, accepted.size());

        JsonNode slackVote = vote(accepted, "bob");
        assertEquals("slack", slackVote.path("channel").asText());
        assertEquals("approve", slackVote.path("verdict").asText());
        assertEquals(digest, slackVote.path("evidence").path("digestShown").asText());
        assertTrue(slackVote.toString(), slackVote.path("evidence").path("replayKey").asText()
                .startsWith("slack:" + SlackStandIn.TEAM_ID + ":" + BOB_SLACK + ":" + toBob.ts() + ":"));
        JsonNode slackProof = slackVote.path("evidence").path("artifact");
        assertEquals(bobClick.signature(), slackProof.path("signature").asText());
        assertEquals(bobClick.timestamp(), slackProof.path("timestamp").asText());
        assertEquals(new String(bobClick.sentBody(), StandardCharsets.US_ASCII), slackProof.path("body").asText());
        assertEquals("the journaled Slack signature holds over the journaled timestamp and body",
                SlackStandIn.sign(SLACK_SIGNING_SECRET, slackProof.path("timestamp").asText(),
                        slackProof.path("body").asText().getBytes(StandardCharsets.US_ASCII)),
                slackProof.path("signature").asText());

        JsonNode teamsVote = vote(accepted, "carol");
        assertEquals("teams", teamsVote.path("channel").asText());
        assertEquals(digest, teamsVote.path("evidence").path("digestShown").asText());
        assertEquals("teams:" + carolClick.activityId(), teamsVote.path("evidence").path("replayKey").asText());
        JsonNode teamsProof = teamsVote.path("evidence").path("artifact");
        assertEquals(carolClick.token(), teamsProof.path("jwt").asText());
        assertTrue("the journaled JWT verifies with the journaled JWK, as an auditor would check it",
                jwtVerifies(teamsProof.path("jwt").asText(), teamsProof.path("jwk")));
        JsonNode claims = jwtPart(teamsProof.path("jwt").asText(), 1);
        assertEquals(TEAMS_APP_ID, claims.path("aud").asText());
        assertEquals(BotConnectorStandIn.ISSUER, claims.path("iss").asText());
        assertEquals(CAROL_AAD, teamsProof.path("activity").path("from").path("aadObjectId").asText());

        List<JsonNode> closed = Ledger.ofType(ledger.about(id), "request.approved");
        assertEquals(1, closed.size());

        // both messages are brought up to date with the outcome, without buttons
        slack.awaitMessage(m -> m.method().equals("chat.update") && m.channel().equals(toBob.channel())
                && m.ts().equals(toBob.ts()) && m.blocksText().contains("*Outcome:* Approved") && !m.hasButtons(),
                WAIT);
        teams.awaitActivity(a -> a.kind() == SentActivity.Kind.UPDATED && a.activityId().equals(toCarol.activityId())
                && a.text().contains("Approved") && a.action("approve").isEmpty(), WAIT);
        awaitOutboxSettled(id, DATA_OWNERS_NOTIFIED);
    }

    @Test
    public void aReviewerOpensTheEmailLink_whichDecidesNothing_thenApprovesWithItsForm() throws Exception {
        String agentKey = credentials.agentKey(AGENT);
        JsonNode submitted = submit(privilegeChange("e2e-email"));
        String id = submitted.path("id").asText();
        String digest = submitted.path("digest").asText();
        JsonNode quorum = submitted.path("decision").path("route").path("quorums").get(0);
        assertEquals("security", quorum.path("group").asText());
        assertEquals(2, quorum.path("approvals").asInt());

        ReviewMail toFrank = mail.awaitReviewMail(FRANK_EMAIL, id, WAIT);
        assertTrue(toFrank.text(), toFrank.text().contains("iam:role/itest-admin"));
        URI link = toFrank.reviewLink().orElseThrow();
        assertTrue(link.toString(), link.toString().startsWith(baseUrl() + "/review/" + id + "/"));
        String tokenHash = sha256Hex(lastSegment(link));

        JsonNode before = request(id);
        long mark = ledger.size();
        ReviewBrowser browser = new ReviewBrowser();
        ReviewBrowser.Page page = browser.open(link);
        assertEquals(page.body(), 200, page.status());
        assertTrue("the page shows the request", page.body().contains("iam:role/itest-admin"));
        assertTrue("the page offers the form", page.form().isPresent());
        JsonNode viewed = awaitEntry(mark, "channel.viewed", d -> id.equals(d.path("request").asText()));
        assertEquals("email", viewed.path("channel").asText());
        assertEquals("link-opened", viewed.path("code").asText());
        assertEquals("frank", viewed.path("reviewer").asText());
        assertEquals(tokenHash, viewed.path("evidence").path("tokenHash").asText());
        assertUnchanged(before, request(id));
        assertNoReviewEntries(mark, id);

        ReviewBrowser.Page decided = browser.submit(page, "approve", "checked against change ticket 4711");
        assertEquals(decided.body(), 200, decided.status());
        assertTrue(decided.body(), decided.body().contains("Your approval was recorded"));
        JsonNode afterFrank = request(id);
        assertEquals("pending", afterFrank.path("status").asText());
        assertEquals(afterFrank.toString(), 1, afterFrank.path("votes").size());
        assertEquals("email", afterFrank.path("votes").get(0).path("channel").asText());

        PostedMessage toErin = awaitSlackReview(ERIN_SLACK, id);
        CompletableFuture<Api.Answer> waiting = longPoll(id, agentKey);
        Thread.sleep(300); // let the long poll reach the server before the deciding click
        assertFalse("the agent's long poll waits while one approval is missing", waiting.isDone());
        Click erinClick = slack.click(interactionsUrl(), SLACK_SIGNING_SECRET, toErin, ERIN_SLACK, "approve");
        assertEquals(erinClick.responseBody(), 200, erinClick.status());
        Api.Answer outcome = waiting.get(30, TimeUnit.SECONDS);
        assertEquals(outcome.raw(), "approved", outcome.text("status"));

        List<JsonNode> accepted = Ledger.ofType(ledger.about(id), "review.accepted");
        assertEquals(Ledger.describe(accepted), 2, accepted.size());
        JsonNode emailVote = vote(accepted, "frank");
        assertEquals("email", emailVote.path("channel").asText());
        assertEquals("checked against change ticket 4711", emailVote.path("comment").asText());
        assertEquals(digest, emailVote.path("evidence").path("digestShown").asText());
        assertEquals("email:" + tokenHash, emailVote.path("evidence").path("replayKey").asText());
        assertEquals(tokenHash, emailVote.path("evidence").path("artifact").path("tokenHash").asText());
        assertTrue(emailVote.toString(), emailVote.path("evidence").path("artifact").path("csrfChecked").asBoolean());
        assertEquals("slack", vote(accepted, "erin").path("channel").asText());

        List<JsonNode> frankSent = sent(id, "frank", "review");
        assertEquals(Ledger.describe(frankSent), 1, frankSent.size());
        JsonNode reference = frankSent.get(0).path("data").path("reference");
        assertEquals("the journaled delivery is the email that arrived", tokenHash,
                reference.path("tokenHash").asText());
        assertEquals(toFrank.messageId(), reference.path("messageId").asText());

        // the other email reviewer learns the outcome by a new email
        ReviewMail outcomeToDave = Poll.until("an outcome email to dave", WAIT, () -> mail.mailsAbout(DAVE_EMAIL,
                digest).stream().filter(m -> m.text().startsWith("Decided: Approved")).findFirst().orElse(null));
        assertNotNull(outcomeToDave.header("In-Reply-To"));
        awaitOutboxSettled(id, SECURITY_NOTIFIED);
    }

    // ---------------------------------------------------------------------------- refused, and nothing changed

    @Test
    public void forgedStaleAndReplayedSlackCallbacksAreRefused_andChangeNothing() throws Exception {
        String id = submit(dataOwnersExport("slack-refusals")).path("id").asText();
        PostedMessage toBob = awaitSlackReview(BOB_SLACK, id);
        JsonNode before = request(id);
        long mark = ledger.size();

        Click forged = slack.click(interactionsUrl(), "not-this-apps-signing-secret-0000", toBob, BOB_SLACK,
                "approve");
        assertEquals(forged.responseBody(), 401, forged.status());
        JsonNode badSignature = awaitRefusal(mark, "slack", "bad-signature", bodyHash(forged));
        assertFalse(badSignature.toString(), badSignature.path("evidence").path("signatureValid").asBoolean(true));
        assertEquals(BOB_SLACK, badSignature.path("evidence").path("claimed").path("userId").asText());

        long signedAt = Instant.now().getEpochSecond() - 301;
        Click stale = slack.click(interactionsUrl(), SLACK_SIGNING_SECRET, toBob, BOB_SLACK, "approve",
                ClickOptions.defaults().at(signedAt));
        assertEquals(stale.responseBody(), 401, stale.status());
        JsonNode staleEntry = awaitRefusal(mark, "slack", "stale-timestamp", bodyHash(stale));
        assertEquals(Long.toString(signedAt), staleEntry.path("evidence").path("timestamp").asText());

        assertUnchanged(before, request(id));
        assertNoReviewEntries(mark, id);

        Click valid = slack.click(interactionsUrl(), SLACK_SIGNING_SECRET, toBob, BOB_SLACK, "approve");
        assertEquals(valid.responseBody(), 200, valid.status());
        JsonNode counted = request(id);
        assertEquals("the genuine click counts", 1, counted.path("votes").size());

        long afterVote = ledger.size();
        Click replayed = slack.replay(valid);
        assertEquals(replayed.responseBody(), 200, replayed.status());
        JsonNode replayEntry = awaitRefusal(afterVote, "slack", "replayed", bodyHash(replayed));
        assertEquals(id, replayEntry.path("request").asText());
        assertUnchanged(counted, request(id));
        assertNoReviewEntries(afterVote, id);
        awaitOutboxSettled(id, DATA_OWNERS_NOTIFIED);
    }

    @Test
    public void teamsInvokesWithAWrongAudienceAnExpiredJwtOrAnUnknownKeyAreRefused_andChangeNothing()
            throws Exception {
        String id = submit(dataOwnersExport("teams-refusals")).path("id").asText();
        SentActivity toCarol = awaitTeamsCard(CAROL_AAD, id);
        JsonNode before = request(id);
        long mark = ledger.size();

        Map<String, InvokeOptions> forgeries = new LinkedHashMap<>();
        forgeries.put("jwt-audience", InvokeOptions.valid().wrongAudience());
        forgeries.put("jwt-expired", InvokeOptions.valid().expiredAgo(Duration.ofMinutes(10)));
        forgeries.put("jwt-unknown-key", InvokeOptions.valid().unknownKey());
        for (Map.Entry<String, InvokeOptions> forgery : forgeries.entrySet()) {
            Invoke refused = teams.invoke(teamsMessagesUrl(), CAROL_AAD, "approve", toCarol, forgery.getValue());
            assertEquals(forgery.getKey() + ": " + refused.body(), 403, refused.status());
            JsonNode entry = awaitEntry(mark, "channel.refused", d -> d.path("channel").asText().equals("teams")
                    && d.path("evidence").path("activityId").asText().equals(refused.activityId()));
            assertEquals(entry.toString(), forgery.getKey(), entry.path("code").asText());
            assertEquals(id, entry.path("request").asText());
            assertFalse("a refused token is kept only as its hash", entry.toString().contains(refused.token()));
        }
        assertUnchanged(before, request(id));
        assertNoReviewEntries(mark, id);

        Invoke valid = teams.invoke(teamsMessagesUrl(), CAROL_AAD, "approve", toCarol, InvokeOptions.valid());
        assertEquals(valid.body(), 200, valid.status());
        JsonNode counted = request(id);
        assertEquals("the genuine click counts", 1, counted.path("votes").size());
        assertEquals("teams", counted.path("votes").get(0).path("channel").asText());
        awaitOutboxSettled(id, DATA_OWNERS_NOTIFIED);
    }

    @Test
    public void theHumanTheAgentActsForCannotApproveInSlack() throws Exception {
        String id = submit(dataOwnersExport("slack-self-approval")).path("id").asText();
        PostedMessage toBob = awaitSlackReview(BOB_SLACK, id);
        JsonNode before = request(id);
        long mark = ledger.size();

        // alice is a data owner, and the human analytics-agent acts for
        Click click = slack.click(interactionsUrl(), SLACK_SIGNING_SECRET, toBob, ALICE_SLACK, "approve");
        assertEquals(click.responseBody(), 200, click.status());
        JsonNode refused = awaitEntry(mark, "review.refused", d -> id.equals(d.path("request").asText()));
        assertEquals("alice", refused.path("reviewer").asText());
        assertEquals("self-approval", refused.path("reason").asText());
        assertEquals("slack", refused.path("channel").asText());
        assertEquals("approve", refused.path("verdict").asText());
        assertUnchanged(before, request(id));
        assertTrue(Ledger.describe(ledger.since(mark)),
                Ledger.matching(ledger.since(mark), "review.accepted", d -> id.equals(d.path("request").asText()))
                        .isEmpty());
        slack.awaitResponseUrlPost(p -> p.toString().contains("cannot approve your own request"), WAIT);
        awaitOutboxSettled(id, DATA_OWNERS_NOTIFIED);
    }

    @Test
    public void anEmailLinkDecidesOnce_andOpeningItDecidesNothing() throws Exception {
        String id = submit(privilegeChange("email-refusals")).path("id").asText();
        ReviewMail toDave = mail.awaitReviewMail(DAVE_EMAIL, id, WAIT);
        URI link = toDave.reviewLink().orElseThrow();
        String tokenHash = sha256Hex(lastSegment(link));
        JsonNode before = request(id);
        long mark = ledger.size();

        ReviewBrowser scanner = new ReviewBrowser("Mozilla/5.0 (compatible; mail-link-scanner)");
        ReviewBrowser.Page scanned = scanner.open(link);
        assertEquals(scanned.body(), 200, scanned.status());
        JsonNode viewed = awaitEntry(mark, "channel.viewed", d -> id.equals(d.path("request").asText()));
        assertEquals("link-opened", viewed.path("code").asText());
        assertEquals("dave", viewed.path("reviewer").asText());
        assertEquals(tokenHash, viewed.path("evidence").path("tokenHash").asText());
        assertUnchanged(before, request(id));
        assertNoReviewEntries(mark, id);

        ReviewBrowser dave = new ReviewBrowser();
        ReviewBrowser.Page page = dave.open(link);
        ReviewBrowser.Page first = dave.submit(page, "approve", null);
        assertEquals(first.body(), 200, first.status());
        JsonNode counted = request(id);
        assertEquals("the first use counts", 1, counted.path("votes").size());

        long afterVote = ledger.size();
        ReviewBrowser.Page second = dave.submit(page, "approve", null);
        assertEquals(second.body(), 409, second.status());
        JsonNode used = awaitEntry(afterVote, "channel.refused", d -> id.equals(d.path("request").asText()));
        assertEquals("email", used.path("channel").asText());
        assertEquals("token-used", used.path("code").asText());
        assertEquals("dave", used.path("reviewer").asText());
        assertEquals(tokenHash, used.path("evidence").path("tokenHash").asText());
        assertUnchanged(counted, request(id));
        assertNoReviewEntries(afterVote, id);
        awaitOutboxSettled(id, SECURITY_NOTIFIED);
    }

    // ------------------------------------------------------------------------------------------------- faults

    @Test
    public void slackAnswering429IsTriedAgainAfterItsRetryAfter_andTheMessageIsDeliveredOnce() throws Exception {
        slack.failNext(1, 429, 1);
        String id = submit(dataOwnersExport("slack-429")).path("id").asText();
        PostedMessage toBob = awaitSlackReview(BOB_SLACK, id);
        JsonNode sentEntry = awaitEntry(0, "notification.sent", d -> id.equals(d.path("request").asText())
                && d.path("reviewer").asText().equals("bob"));
        assertEquals("slack", sentEntry.path("channel").asText());
        assertEquals(toBob.ts(), sentEntry.path("reference").path("ts").asText());

        List<ApiCall> calls = slack.calls().stream().filter(c -> c.method().equals("chat.postMessage")
                && c.arguments().getOrDefault("blocks", "").contains(id)).toList();
        assertEquals(calls.toString(), 2, calls.size());
        assertEquals(429, calls.get(0).status());
        assertEquals(200, calls.get(1).status());
        long waitedMillis = (calls.get(1).receivedNanos() - calls.get(0).receivedNanos()) / 1_000_000;
        assertTrue("the second attempt waited for Retry-After: 1, not " + waitedMillis + " ms", waitedMillis >= 950);
        assertEquals("one message reached Slack", 1, slack.messages().stream()
                .filter(m -> m.method().equals("chat.postMessage") && isReviewOf(m, BOB_SLACK, id)).count());

        List<JsonNode> about = ledger.about(id);
        List<JsonNode> retrying = Ledger.matching(about, "notification.retrying",
                d -> d.path("reviewer").asText().equals("bob"));
        assertEquals(Ledger.describe(about), 1, retrying.size());
        assertEquals(1000, retrying.get(0).path("data").path("retryAfterMillis").asLong());
        assertEquals(1, retrying.get(0).path("data").path("attempt").asInt());
        assertEquals("slack", retrying.get(0).path("data").path("channel").asText());
        List<JsonNode> sent = sent(id, "bob", "review");
        assertEquals(Ledger.describe(about), 1, sent.size());
        assertTrue(retrying.get(0).path("seq").asLong() < sent.get(0).path("seq").asLong());
        assertTrue(Ledger.describe(about), Ledger.ofType(about, "notification.failed").isEmpty());
        awaitOutboxSettled(id, DATA_OWNERS_NOTIFIED);
    }

    @Test
    public void emailsQueuedWhileTheSmtpServerIsDownAreSentWhenItIsBack_noneLost() throws Exception {
        String id;
        List<String> noRetryJournaled = new ArrayList<>();
        mail.stop();
        try {
            id = submit(privilegeChange("smtp-outage")).path("id").asText();
            awaitSlackReview(ERIN_SLACK, id); // the other channels go on meanwhile
            // attempts are 200 ms, 400 ms, 800 ms, then every second apart (see setUpChannels): by 3 s several
            // have failed, and each should be journaled
            try {
                Poll.until("notification.retrying for dave and frank", Duration.ofSeconds(3),
                        () -> retrying(id, "dave").size() > 0 && retrying(id, "frank").size() > 0,
                        () -> Ledger.describe(ledger.about(id)));
            } catch (AssertionError e) {
                for (String reviewer : List.of("dave", "frank")) {
                    if (retrying(id, reviewer).isEmpty()) {
                        noRetryJournaled.add(reviewer);
                    }
                }
            }
            assertTrue("nothing was sent while SMTP was down: " + Ledger.describe(ledger.about(id)),
                    sent(id, "dave", "review").isEmpty() && sent(id, "frank", "review").isEmpty());
        } finally {
            mail.start();
        }
        for (String reviewer : List.of("dave", "frank")) {
            String address = reviewer + "@example.com";
            ReviewMail arrived = mail.awaitReviewMail(address, id, WAIT);
            JsonNode sentEntry = awaitEntry(0, "notification.sent", d -> id.equals(d.path("request").asText())
                    && d.path("reviewer").asText().equals(reviewer));
            assertEquals("email", sentEntry.path("channel").asText());
            assertEquals("the journaled delivery is the email that arrived",
                    sha256Hex(lastSegment(arrived.reviewLink().orElseThrow())),
                    sentEntry.path("reference").path("tokenHash").asText());
            assertEquals(1, mail.reviewMails(address, id).size());
            assertEquals(1, sent(id, reviewer, "review").size());
        }
        List<JsonNode> about = ledger.about(id);
        assertTrue(Ledger.describe(about), Ledger.ofType(about, "notification.failed").isEmpty());
        assertTrue("every failed SMTP attempt is journaled as notification.retrying, but none was for "
                + noRetryJournaled + ":" + Ledger.describe(about), noRetryJournaled.isEmpty());
        for (JsonNode retrying : retrying(id, "dave")) {
            assertEquals("email", retrying.path("data").path("channel").asText());
            assertFalse("no Retry-After: the usual backoff", retrying.path("data").has("retryAfterMillis"));
        }
        awaitOutboxSettled(id, SECURITY_NOTIFIED);
    }

    @Test
    public void aNotificationHeldWhileTheSlackFeatureIsUninstalledIsDeliveredOnceWhenItIsBack() throws Exception {
        String id;
        features.uninstallFeature(SLACK_FEATURE);
        boolean reinstalled = false;
        try {
            assertFalse(features.isInstalled(features.getFeature(SLACK_FEATURE)));
            assertTrue("the Slack channel is gone", reviewChannels().stream().noneMatch(c -> c.contains(".slack.")));
            id = submit(dataOwnersExport("slack-uninstalled")).path("id").asText();
            // carol's card proves the request went through the outbox: both reviewers are handled in one pass
            awaitTeamsCard(CAROL_AAD, id);
            awaitEntry(0, "notification.sent", d -> id.equals(d.path("request").asText())
                    && d.path("reviewer").asText().equals("carol"));
            List<JsonNode> aboutBob = ledger.about(id).stream()
                    .filter(e -> e.path("data").path("reviewer").asText().equals("bob")).toList();
            assertTrue("bob's notification waits for Slack: " + Ledger.describe(aboutBob), aboutBob.isEmpty());
            assertTrue(slack.messages().stream().noneMatch(m -> isReviewOf(m, BOB_SLACK, id)));

            features.installFeature(SLACK_FEATURE);
            reinstalled = true;
        } finally {
            if (!reinstalled) {
                features.installFeature(SLACK_FEATURE);
            }
        }
        PostedMessage toBob = awaitSlackReview(BOB_SLACK, id);
        awaitEntry(0, "notification.sent", d -> id.equals(d.path("request").asText())
                && d.path("reviewer").asText().equals("bob"));
        List<JsonNode> about = ledger.about(id);
        assertEquals(Ledger.describe(about), 1, sent(id, "bob", "review").size());
        assertEquals("slack", sent(id, "bob", "review").get(0).path("data").path("channel").asText());
        assertTrue(Ledger.describe(about), Ledger.ofType(about, "notification.failed").isEmpty());
        assertEquals("delivered exactly once", 1, slack.messages().stream()
                .filter(m -> m.method().equals("chat.postMessage") && isReviewOf(m, BOB_SLACK, id)).count());

        // the reinstalled channel takes clicks again
        awaitRoutes(List.of("/hooks/slack"));
        Click click = slack.click(interactionsUrl(), SLACK_SIGNING_SECRET, toBob, BOB_SLACK, "approve");
        assertEquals(click.responseBody(), 200, click.status());
        assertEquals(1, request(id).path("votes").size());
        awaitOutboxSettled(id, DATA_OWNERS_NOTIFIED);
        List<JsonNode> afterAll = ledger.about(id);
        assertTrue(Ledger.describe(afterAll), Ledger.ofType(afterAll, "notification.failed").isEmpty());
    }

    // ------------------------------------------------------------------------------------------------- set-up

    private void setUpChannels() throws Exception {
        int smtpPort = freePort();
        int imapPort = freePort();
        slack = SlackStandIn.start(SLACK_BOT_TOKEN);
        teams = BotConnectorStandIn.start(TEAMS_APP_ID, TEAMS_CLIENT_SECRET, TEAMS_TENANT);
        linkReviewerContacts();

        Map<String, Object> slackConfig = new LinkedHashMap<>();
        slackConfig.put("apiBaseUrl", slack.apiUrl());
        slackConfig.put(".botToken", SLACK_BOT_TOKEN);
        slackConfig.put(".signingSecret", SLACK_SIGNING_SECRET);
        slackConfig.put("teamIds", SlackStandIn.TEAM_ID);
        slackConfig.put("appIds", SlackStandIn.APP_ID);
        slackConfig.put("channel", "");
        slackConfig.put("responseUrlPrefix", slack.responseUrlPrefix());
        slackConfig.put("timeoutMillis", 5000);
        configure("io.countersign.channel.slack", slackConfig);

        Map<String, Object> teamsConfig = new LinkedHashMap<>();
        teamsConfig.put("appId", TEAMS_APP_ID);
        teamsConfig.put(".clientSecret", TEAMS_CLIENT_SECRET);
        teamsConfig.put("tenantId", TEAMS_TENANT);
        teamsConfig.put("serviceUrl", teams.serviceUrl());
        teamsConfig.put("tokenUrl", teams.tokenUrl());
        teamsConfig.put("openIdMetadataUrl", teams.openIdMetadataUrl());
        teamsConfig.put("issuer", BotConnectorStandIn.ISSUER);
        teamsConfig.put("clockSkewSeconds", 300);
        configure("io.countersign.channel.teams", teamsConfig);

        Map<String, Object> emailConfig = new LinkedHashMap<>();
        emailConfig.put("smtpHost", "127.0.0.1");
        emailConfig.put("smtpPort", smtpPort);
        emailConfig.put("startTls", false);
        emailConfig.put("startTlsRequired", false);
        emailConfig.put("username", "");
        emailConfig.put(".password", "");
        emailConfig.put("from", "Countersign <countersign@example.com>");
        emailConfig.put("publicBaseUrl", baseUrl());
        emailConfig.put("connectionTimeoutMillis", 2000);
        configure("io.countersign.channel.email", emailConfig);

        // The shipped order, as the one comma-separated value a .cfg file gives; redelivery every second at most and
        // for about 18 s, so an SMTP outage in a test is retried promptly.
        Map<String, Object> host = new LinkedHashMap<>();
        host.put("order", "slack,teams,email");
        host.put("maximumRedeliveries", 20);
        host.put("redeliveryDelayMillis", 200L);
        host.put("maximumRedeliveryDelayMillis", 1000L);
        configure("io.countersign.channels", host);

        // as an operator would with feature:install; no refresh of what already runs
        features.installFeatures(new LinkedHashSet<>(List.of(SLACK_FEATURE, TEAMS_FEATURE, EMAIL_FEATURE)),
                EnumSet.of(FeaturesService.Option.NoAutoRefreshBundles));
        // Jakarta Mail, which GreenMail needs, is there from now on (exported by countersign-camel)
        mail = new MailServer(smtpPort, imapPort);
        mail.start();
        awaitRoutes(List.of("/hooks/slack", "/hooks/teams", "/review"));
        Poll.until("the three channels registered", WAIT, () -> reviewChannels().size() == 3,
                () -> "channels: " + reviewChannels());
        ledger = new Ledger(api, credentials.reviewerToken("erin"));
    }

    /** Adds channel contacts to the generated directory, keeping everything else, and waits until it is read. */
    private void linkReviewerContacts() throws Exception {
        Map<String, Map<String, String>> contacts = Map.of(
                "alice", Map.of("slack", ALICE_SLACK),
                "bob", Map.of("slack", BOB_SLACK),
                "carol", Map.of("teams", CAROL_AAD),
                "erin", Map.of("slack", ERIN_SLACK));
        Path file = work().resolve("countersign-directory.json");
        ObjectNode root = (ObjectNode) JSON.readTree(file.toFile());
        for (JsonNode reviewer : root.path("reviewers")) {
            Map<String, String> added = contacts.get(reviewer.path("id").asText());
            if (added != null) {
                ObjectNode existing = reviewer.has("contacts") ? (ObjectNode) reviewer.get("contacts")
                        : ((ObjectNode) reviewer).putObject("contacts");
                added.forEach(existing::put);
            }
        }
        Path temp = file.resolveSibling(file.getFileName() + ".itest");
        Files.write(temp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);

        ServiceReference<Directory> reference = bundleContext.getServiceReference(Directory.class);
        Directory directory = bundleContext.getService(reference);
        Poll.until("the directory to list the new contacts", WAIT, () -> contacts.entrySet().stream().allMatch(
                        e -> directory.reviewer(e.getKey()).map(Reviewer::contacts)
                                .map(c -> c.entrySet().containsAll(e.getValue().entrySet())).orElse(false)),
                () -> "carol: " + directory.reviewer("carol"));
    }

    /** Sets these properties on a channel's configuration (from its etc/*.cfg), as config:property-set would. */
    private void configure(String pid, Map<String, Object> values) throws IOException {
        org.osgi.service.cm.Configuration configuration = configurations.getConfiguration(pid, "?");
        Dictionary<String, Object> properties = configuration.getProperties();
        if (properties == null) {
            properties = new Hashtable<>();
        }
        for (Map.Entry<String, Object> value : values.entrySet()) {
            properties.put(value.getKey(), value.getValue());
        }
        configuration.update(properties);
    }

    /** The component names of the registered review channels. */
    private List<String> reviewChannels() throws Exception {
        ServiceReference<?>[] references = bundleContext.getAllServiceReferences("io.countersign.camel.ReviewChannel",
                null);
        List<String> names = new ArrayList<>();
        if (references != null) {
            for (ServiceReference<?> reference : references) {
                names.add(String.valueOf(reference.getProperty("component.name")));
            }
        }
        return names;
    }

    private void awaitRoutes(List<String> prefixes) throws Exception {
        Poll.until("HTTP routes " + prefixes, WAIT, () -> {
            JsonNode routes = api.get("/health", null).body().path("routes");
            List<String> served = new ArrayList<>();
            routes.forEach(r -> served.add(r.asText()));
            return served.containsAll(prefixes);
        }, () -> api.get("/health", null).raw());
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private JsonNode submit(String action) throws Exception {
        Api.Answer answer = api.post("/v1/actions", credentials.agentKey(AGENT), action);
        assertEquals(answer.raw(), 201, answer.status());
        assertEquals(answer.raw(), "pending", answer.text("status"));
        return answer.body();
    }

    /** Two data owners must approve: bob (Slack) and carol (Teams) are asked; alice is the one acted for. */
    private static String dataOwnersExport(String ticket) {
        return action("data.export", "warehouse.customers", "{\"rows\":50000,\"containsPii\":true,\"ticket\":\""
                + ticket + "-" + System.nanoTime() + "\"}");
    }

    /** Two security reviewers must approve: dave (email), erin (Slack) and frank (email) are asked. */
    private static String privilegeChange(String ticket) {
        return action("privilege.escalate", "iam:role/itest-admin", "{\"role\":\"admin\",\"ticket\":\"" + ticket
                + "-" + System.nanoTime() + "\"}");
    }

    private static String action(String action, String resource, String parameters) {
        return Api.action(action, resource, "production", parameters, "alice");
    }

    private JsonNode request(String id) throws Exception {
        Api.Answer answer = api.get("/v1/actions/" + id, credentials.agentKey(AGENT));
        assertEquals(answer.raw(), 200, answer.status());
        return answer.body();
    }

    private CompletableFuture<Api.Answer> longPoll(String id, String agentKey) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return api.get("/v1/actions/" + id + "?wait=30s", agentKey);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** Status, votes and version: a refused click must change none of them. */
    private static void assertUnchanged(JsonNode before, JsonNode after) {
        assertEquals("status", before.path("status"), after.path("status"));
        assertEquals("votes", before.path("votes"), after.path("votes"));
        assertEquals("version", before.path("version"), after.path("version"));
    }

    private static void assertNoReviewEntries(long mark, String id) throws Exception {
        List<JsonNode> since = ledger.since(mark);
        assertTrue(Ledger.describe(since), since.stream().noneMatch(e -> e.path("type").asText().startsWith("review.")
                && id.equals(e.path("data").path("request").asText())));
    }

    /** The data of the first entry of this type from {@code mark} on that matches, waiting for it to be written. */
    private static JsonNode awaitEntry(long mark, String type, Predicate<JsonNode> data) throws Exception {
        List<JsonNode> seen = new ArrayList<>();
        Poll.until("journal entry " + type + " as expected", WAIT, () -> {
            List<JsonNode> found = Ledger.matching(ledger.since(mark), type, data);
            if (!found.isEmpty()) {
                seen.add(found.get(0).path("data"));
                return true;
            }
            return false;
        }, () -> Ledger.describe(Ledger.ofType(ledger.since(mark), type)));
        return seen.get(0);
    }

    private static JsonNode awaitRefusal(long mark, String channel, String code, String bodySha256)
            throws Exception {
        JsonNode entry = awaitEntry(mark, "channel.refused", d -> d.path("channel").asText().equals(channel)
                && d.path("evidence").path("bodySha256").asText().equals(bodySha256));
        assertEquals(entry.toString(), code, entry.path("code").asText());
        return entry;
    }

    private static List<JsonNode> sent(String id, String reviewer, String kind) throws Exception {
        return Ledger.matching(ledger.about(id), "notification.sent",
                d -> d.path("reviewer").asText().equals(reviewer) && d.path("kind").asText().equals(kind));
    }

    private static List<JsonNode> retrying(String id, String reviewer) throws Exception {
        return Ledger.matching(ledger.about(id), "notification.retrying",
                d -> d.path("reviewer").asText().equals(reviewer));
    }

    private static JsonNode vote(List<JsonNode> accepted, String reviewer) {
        return accepted.stream().map(e -> e.path("data")).filter(d -> d.path("reviewer").asText().equals(reviewer))
                .findFirst().orElseThrow(() -> new AssertionError("no vote of " + reviewer + ": "
                        + Ledger.describe(accepted)));
    }

    /**
     * Waits until every reviewer asked has had their message delivered and brought up to the request's latest
     * version, so that no provider traffic of this test runs on into the next one.
     */
    private void awaitOutboxSettled(String id, List<String> reviewers) throws Exception {
        Poll.until("the messages of " + id + " up to date for " + reviewers, WAIT, () -> {
            long version = request(id).path("version").asLong();
            Map<String, Long> shown = new HashMap<>();
            for (JsonNode entry : Ledger.ofType(ledger.about(id), "notification.sent")) {
                shown.merge(entry.path("data").path("reviewer").asText(),
                        entry.path("data").path("version").asLong(-1), Math::max);
            }
            return reviewers.stream().allMatch(r -> shown.getOrDefault(r, -1L) >= version);
        }, () -> "version " + request(id).path("version") + Ledger.describe(ledger.about(id)));
    }

    private static boolean isReviewOf(PostedMessage message, String user, String id) {
        return message.requestedChannel().equals(user) && message.button("approve")
                .map(b -> b.path("value").asText().contains("\"" + id + "\"")).orElse(false);
    }

    private static PostedMessage awaitSlackReview(String user, String id) {
        return slack.awaitMessage(m -> m.method().equals("chat.postMessage") && isReviewOf(m, user, id), WAIT);
    }

    private static SentActivity awaitTeamsCard(String aadObjectId, String id) {
        return teams.awaitActivity(a -> a.kind() == SentActivity.Kind.SENT && a.aadObjectId().equals(aadObjectId)
                && a.action("approve").map(x -> x.path("data").path("requestId").asText().equals(id)).orElse(false),
                WAIT);
    }

    private static String baseUrl() {
        return "http://127.0.0.1:" + System.getProperty("countersign.it.port");
    }

    private static String interactionsUrl() {
        return baseUrl() + "/hooks/slack/interactions";
    }

    private static String teamsMessagesUrl() {
        return baseUrl() + "/hooks/teams/messages";
    }

    private static String bodyHash(Click click) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(click.sentBody()));
    }

    private static String sha256Hex(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(text.getBytes(StandardCharsets.US_ASCII)));
    }

    private static String lastSegment(URI link) {
        String path = link.getPath();
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /** Checks an RS256 JWT against an RSA JWK, as an auditor holding only the journal entry would. */
    private static boolean jwtVerifies(String jwt, JsonNode jwk) throws Exception {
        String[] parts = jwt.split("\\.");
        assertEquals(jwk.path("kid").asText(), jwtPart(jwt, 0).path("kid").asText());
        Base64.Decoder url = Base64.getUrlDecoder();
        PublicKey key = KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(
                new BigInteger(1, url.decode(jwk.path("n").asText())),
                new BigInteger(1, url.decode(jwk.path("e").asText()))));
        Signature verifier = Signature.getInstance("SHA256withRSA");
        verifier.initVerify(key);
        verifier.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        return verifier.verify(url.decode(parts[2]));
    }

    private static JsonNode jwtPart(String jwt, int index) throws IOException {
        return JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[index]));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
