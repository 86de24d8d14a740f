package io.countersign.siem.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.JournalEntry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** One entry of every type in docs/evidence-format.md §6 and §9.4, with the members that section names. */
final class Samples {

    static final String ORIGIN = "countersign.test/log";
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String R = "\"request\":\"r-1\"";
    private static final String D = "\"digest\":\"sha256:" + "ab".repeat(32) + "\"";

    /** type, data JSON */
    static final String[][] DATA = {
        {"request.received", "{" + R + ",\"action\":{\"action\":\"data.export\",\"resource\":\"warehouse.customers\","
                + "\"parameters\":{\"rows\":50000},\"environment\":\"production\",\"requester\":\"analytics-agent\","
                + "\"onBehalfOf\":[\"alice\"]}," + D + ",\"justification\":\"q3\",\"receivedAt\":\"2026-12-07T10:00:00Z\","
                + "\"agent\":{\"id\":\"analytics-agent\",\"actsFor\":[\"alice\"]}}"},
        {"breakglass.invoked", "{" + R + ",\"agent\":\"analytics-agent\",\"onBehalfOf\":[\"alice\"],\"reason\":\"outage\","
                + "\"at\":\"2026-12-07T10:00:00Z\"}"},
        {"policy.decided", "{" + R + ",\"at\":\"2026-12-07T10:00:00Z\",\"outcome\":\"REVIEW\",\"status\":\"pending\","
                + "\"reasons\":[\"pii\"],\"rules\":[\"pii-export\"],\"policyVersion\":\"sha256:" + "cd".repeat(32) + "\"}"},
        {"request.escalated", "{" + R + ",\"level\":1,\"group\":\"security\",\"at\":\"2026-12-07T10:05:00Z\"}"},
        {"standing.used", "{" + R + ",\"standing\":\"s-1\",\"approver\":\"bob\",\"use\":1,\"maxUses\":3,"
                + "\"at\":\"2026-12-07T10:00:00Z\"}"},
        {"review.accepted", "{" + R + "," + D + ",\"reviewer\":\"bob\",\"verdict\":\"approve\",\"at\":\"2026-12-07T10:01:00Z\","
                + "\"groups\":[\"data-owners\"],\"channel\":\"teams\",\"comment\":\"ok\",\"evidence\":{\"replayKey\":\"k\","
                + "\"digestShown\":\"sha256:x\",\"artifact\":{\"jwt\":\"eyJhbGciOiJSUzI1NiJ9.secret-jwt.sig\"}}}"},
        {"review.refused", "{" + R + ",\"reviewer\":\"mallory\",\"groups\":[],\"verdict\":\"approve\","
                + "\"reason\":\"self-approval\",\"detail\":\"requester\",\"channel\":\"api\"}"},
        {"review.refused", "{" + R + ",\"reviewer\":\"carol\",\"groups\":[\"data-owners\"],\"verdict\":\"approve\","
                + "\"reason\":\"not-pending\",\"detail\":\"closed\",\"channel\":\"slack\"}"},
        {"request.approved", "{" + R + ",\"at\":\"2026-12-07T10:02:00Z\",\"status\":\"approved\",\"cause\":\"quorum\"}"},
        {"request.denied", "{" + R + ",\"at\":\"2026-12-07T10:02:00Z\",\"status\":\"denied\",\"cause\":\"denied by bob\"}"},
        {"request.expired", "{" + R + ",\"at\":\"2026-12-07T10:02:00Z\",\"status\":\"expired\",\"cause\":\"deadline\"}"},
        {"grant.issued", "{" + R + ",\"grant\":\"g-1\",\"agent\":\"analytics-agent\"," + D + ",\"approvers\":[\"bob\"],"
                + "\"issuedAt\":\"2026-12-07T10:02:00Z\",\"expiresAt\":\"2026-12-07T10:17:00Z\",\"keyId\":\"k1\"}"},
        {"grant.consumed", "{" + R + ",\"grant\":\"g-1\"," + D + ",\"by\":\"analytics-agent\",\"at\":\"2026-12-07T10:03:00Z\"}"},
        {"grant.refused", "{" + R + ",\"grant\":\"g-1\",\"reason\":\"action-mismatch\",\"detail\":\"rows\","
                + "\"presentedDigest\":\"sha256:ff\",\"by\":\"analytics-agent\",\"at\":\"2026-12-07T10:03:00Z\"}"},
        {"grant.refused", "{" + R + ",\"grant\":\"g-1\",\"reason\":\"expired\",\"detail\":\"late\","
                + "\"presentedDigest\":\"sha256:ff\",\"by\":\"analytics-agent\",\"at\":\"2026-12-07T10:30:00Z\"}"},
        {"execution.reported", "{" + R + ",\"grant\":\"g-1\"," + D + ",\"outcome\":\"failure\",\"by\":\"analytics-agent\","
                + "\"at\":\"2026-12-07T10:04:00Z\",\"affected\":0,\"detail\":\"timeout\"}"},
        {"notification.sent", "{" + R + ",\"notification\":\"n-1\",\"channel\":\"slack\",\"reviewer\":\"bob\","
                + "\"address\":\"U1\",\"kind\":\"review\",\"version\":1,\"reference\":{\"channel\":\"C1\",\"ts\":\"1.2\"},"
                + "\"at\":\"2026-12-07T10:00:01Z\"}"},
        {"notification.retrying", "{" + R + ",\"notification\":\"n-1\",\"channel\":\"slack\",\"reviewer\":\"bob\","
                + "\"address\":\"U1\",\"kind\":\"review\",\"version\":1,\"attempt\":1,\"error\":\"429\","
                + "\"retryAfterMillis\":30000,\"at\":\"2026-12-07T10:00:01Z\"}"},
        {"notification.failed", "{" + R + ",\"notification\":\"n-1\",\"channel\":\"slack\",\"reviewer\":\"bob\","
                + "\"address\":\"U1\",\"kind\":\"review\",\"version\":1,\"attempts\":5,\"error\":\"down\","
                + "\"fallback\":\"email\",\"at\":\"2026-12-07T10:00:01Z\"}"},
        {"notification.unreachable", "{" + R + ",\"reviewer\":\"dave\",\"detail\":\"no contact\","
                + "\"at\":\"2026-12-07T10:00:01Z\"}"},
        {"channel.refused", "{\"channel\":\"slack\",\"code\":\"bad-signature\",\"detail\":\"v0 mismatch | x=1\\nnext\","
                + "\"at\":\"2026-12-07T10:00:01Z\",\"evidence\":{\"timestamp\":\"1\"}}"},
        {"channel.refused", "{\"channel\":\"slack\",\"code\":\"suppressed\",\"count\":1234,\"detail\":\"over the rate\","
                + "\"at\":\"2026-12-07T10:00:02Z\",\"evidence\":{}}"},
        {"access.refused", "{\"surface\":\"intake-rest\",\"code\":\"credential-unknown\",\"status\":401,"
                + "\"at\":\"2026-12-07T10:00:03Z\",\"detail\":\"an agent API key is required (POST /v1/actions)\","
                + "\"client\":\"hmac-sha256:0123456789abcdef0123456789abcdef\",\"refusals\":4981,\"suppressed\":4980,"
                + "\"suppressedSince\":\"2026-12-07T09:59:03Z\",\"suppressedUntil\":\"2026-12-07T10:00:02Z\","
                + "\"suppressedClients\":12}"},
        {"access.refused", "{\"surface\":\"intake-mcp\",\"code\":\"credential-missing\",\"status\":401,"
                + "\"at\":\"2026-12-07T10:01:00Z\",\"detail\":\"300 refusals were counted\",\"refusals\":300,"
                + "\"suppressed\":300,\"suppressedSince\":\"2026-12-07T10:00:00Z\","
                + "\"suppressedUntil\":\"2026-12-07T10:00:59Z\",\"suppressedClients\":1}"},
        {"channel.viewed", "{" + R + ",\"channel\":\"email\",\"code\":\"link-opened\",\"detail\":\"GET\","
                + "\"at\":\"2026-12-07T10:00:02Z\",\"evidence\":{},\"reviewer\":\"bob\"}"},
        {"standing.granted", "{" + R + ",\"standing\":{\"id\":\"s-1\",\"approver\":\"bob\",\"group\":\"data-owners\","
                + "\"agent\":\"analytics-agent\",\"onBehalfOf\":[\"alice\"],\"action\":\"db.query\","
                + "\"environment\":\"staging\",\"bounds\":[{\"parameter\":\"rows\",\"op\":\"<\",\"value\":1000}],"
                + "\"validFrom\":\"2026-12-07T10:00:00Z\",\"validUntil\":\"2026-12-07T10:30:00Z\",\"maxUses\":3,"
                + "\"reason\":\"incident\"},\"at\":\"2026-12-07T10:00:00Z\"}"},
        {"standing.revoked", "{" + R + ",\"standing\":\"s-1\",\"by\":\"bob\",\"at\":\"2026-12-07T10:10:00Z\"}"},
        {"policy.activated", "{" + R + ",\"version\":\"sha256:" + "cd".repeat(32) + "\",\"at\":\"2026-12-07T09:00:00Z\","
                + "\"mode\":\"governed\",\"approvers\":[],\"files\":{\"default.drl\":\"rule \\\"x\\\" when then end\"},"
                + "\"bootstrap\":true}"},
        {"policy.proposed", "{" + R + ",\"change\":\"c-1\",\"reviewRequest\":\"r-9\",\"author\":\"erin\","
                + "\"description\":\"tighten\",\"version\":\"sha256:ee\",\"baseVersion\":\"sha256:cd\",\"testCases\":4,"
                + "\"at\":\"2026-12-07T09:00:00Z\",\"files\":{\"a.drl\":\"x\"}}"},
        {"policy.change.closed", "{" + R + ",\"change\":\"c-1\",\"reviewRequest\":\"r-9\",\"status\":\"denied\","
                + "\"detail\":\"no\",\"at\":\"2026-12-07T09:30:00Z\"}"},
        {"anchor.confirmed", "{\"from\":0,\"to\":30,\"checkpoints\":[30],\"root\":\"AAAA\",\"channel\":\"countersign\","
                + "\"chaincode\":\"anchors\",\"txId\":\"beef\",\"block\":57,\"mspId\":\"OperatorMSP\"}"},
        {"some.future.type", "{\"x\":1}"},
    };

    private Samples() {
    }

    static List<JournalEntry> all() {
        List<JournalEntry> entries = new ArrayList<>();
        String prev = "sha256:" + "00".repeat(32);
        for (int i = 0; i < DATA.length; i++) {
            JournalEntry entry = entry(i, DATA[i][0], DATA[i][1], prev);
            entries.add(entry);
            prev = entry.hash();
        }
        return entries;
    }

    static JournalEntry entry(long seq, String type, String json, String prev) {
        try {
            ObjectNode data = (ObjectNode) MAPPER.readTree(json);
            Instant time = Instant.parse("2026-12-07T10:00:00.123456Z").plusSeconds(seq);
            byte[] bytes = JournalEntry.canonicalBytes(seq, time, type, data, prev);
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(prev.getBytes(StandardCharsets.US_ASCII));
            String hash = "sha256:" + HexFormat.of().formatHex(sha.digest(bytes));
            return new JournalEntry(seq, time, type, data, prev, hash);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
