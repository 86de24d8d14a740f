package io.countersign.verify;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes valid evidence from scratch, following docs/evidence-format.md: a journal of request chains,
 * checkpoints signed as C2SP notes, RFC 9162 proofs, and the bundles that export them. Tests change the scenarios before appending, or the {@link BundleParts} before zipping.
 */
final class EvidenceFixture {
    static final String ORIGIN = "countersign.test/4f1c9a2e";
    static final String AGENT = "agent-7";
    static final String REQUESTER_PRINCIPAL = "alice";
    static final Duration GRANT_LIFETIME = Duration.ofMinutes(5);

    /** A signed tree head as written. */
    record TestCheckpoint(long size, byte[] root, Instant time, String note) {
    }

    final TestKey key = new TestKey(ORIGIN, 7);
    final TestLog log;
    final List<TestCheckpoint> checkpoints = new ArrayList<>();

    EvidenceFixture() {
        this(null);
    }

    /** A fixture whose entries go to {@code sink} instead of memory (for large logs). */
    EvidenceFixture(OutputStream sink) {
        this.log = new TestLog(sink);
    }

    // ---- scenarios -------------------------------------------------------------------------------

    /** request.received → policy.decided(REVIEW) → review.accepted×2 → request.approved → grant.issued → grant.consumed → execution.reported */
    RequestScenario reviewedRequest(String request) {
        RequestScenario scenario = received(request, "db.drop-table");
        String digest = (String) scenario.data(EntryTypes.REQUEST_RECEIVED).get("digest");
        scenario.add(EntryTypes.POLICY_DECIDED, decision("REVIEW", "pending"));
        scenario.add(EntryTypes.REVIEW_ACCEPTED, review(digest, "bob", "approve"));
        scenario.add(EntryTypes.REVIEW_ACCEPTED, review(digest, "carol", "approve"));
        scenario.add(EntryTypes.REQUEST_APPROVED, closing("approved", "quorum reached"));
        scenario.add(EntryTypes.GRANT_ISSUED, grant(request, digest, List.of("bob", "carol")));
        return withUse(scenario, request, digest);
    }

    /** request.received → policy.decided(ALLOW) → grant.issued → grant.consumed → execution.reported */
    RequestScenario allowedRequest(String request) {
        RequestScenario scenario = received(request, "s3.read");
        String digest = (String) scenario.data(EntryTypes.REQUEST_RECEIVED).get("digest");
        scenario.add(EntryTypes.POLICY_DECIDED, decision("ALLOW", "allowed"));
        scenario.add(EntryTypes.GRANT_ISSUED, grant(request, digest, List.of()));
        return withUse(scenario, request, digest);
    }

    /** request.received → policy.decided(REVIEW) → review.accepted(deny) → request.denied: no grant. */
    RequestScenario deniedRequest(String request) {
        RequestScenario scenario = received(request, "iam.grant-admin");
        String digest = (String) scenario.data(EntryTypes.REQUEST_RECEIVED).get("digest");
        scenario.add(EntryTypes.POLICY_DECIDED, decision("REVIEW", "pending"));
        scenario.add(EntryTypes.REVIEW_ACCEPTED, review(digest, "bob", "deny"));
        return scenario.add(EntryTypes.REQUEST_DENIED, closing("denied", "denied by bob"));
    }

    private RequestScenario received(String request, String verb) {
        Map<String, Object> action = new LinkedHashMap<>();
        action.put("action", verb);
        action.put("resource", "prod/orders/" + request);
        action.put("parameters", new TreeMap<>(Map.of("table", "orders", "cascade", true, "limit", 1000)));
        action.put("environment", "production");
        action.put("requester", AGENT);
        action.put("onBehalfOf", List.of(REQUESTER_PRINCIPAL));
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("action", action);
        data.put("digest", digest(action));
        data.put("justification", "nightly clean-up of the orders table");
        data.put("agent", new LinkedHashMap<>(Map.of("id", AGENT, "actsFor", REQUESTER_PRINCIPAL)));
        data.put("idempotencyKey", "idem-" + request);
        return new RequestScenario(request).add(EntryTypes.REQUEST_RECEIVED, data);
    }

    static String digest(Object action) {
        byte[] hash = TestMerkleTree.hash(TestCanonicalJson.write(action).getBytes(StandardCharsets.UTF_8));
        return "sha256:" + HexFormat.of().formatHex(hash);
    }

    private static Map<String, Object> decision(String outcome, String status) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("outcome", outcome);
        data.put("status", status);
        data.put("reasons", List.of("production change"));
        data.put("rules", List.of("prod-needs-two"));
        data.put("policyVersion", "2026-11-01.3");
        return data;
    }

    private static Map<String, Object> review(String digest, String reviewer, String verdict) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("digest", digest);
        data.put("reviewer", reviewer);
        data.put("verdict", verdict);
        data.put("groups", List.of("dba"));
        data.put("comment", "looks right");
        return data;
    }

    private static Map<String, Object> closing(String status, String cause) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("status", status);
        data.put("cause", cause);
        return data;
    }

    private static Map<String, Object> grant(String request, String digest, List<String> approvers) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("grant", "grant-" + request);
        data.put("agent", AGENT);
        data.put("digest", digest);
        data.put("approvers", approvers);
        return data;
    }

    private static RequestScenario withUse(RequestScenario scenario, String request, String digest) {
        Map<String, Object> consumed = new LinkedHashMap<>();
        consumed.put("grant", "grant-" + request);
        consumed.put("digest", digest);
        consumed.put("by", AGENT);
        scenario.add(EntryTypes.GRANT_CONSUMED, consumed);
        Map<String, Object> executed = new LinkedHashMap<>(consumed);
        executed.put("outcome", "success");
        executed.put("affected", 1);
        executed.put("detail", "dropped 1 table");
        return scenario.add(EntryTypes.EXECUTION_REPORTED, executed);
    }

    // ---- appending -------------------------------------------------------------------------------

    /** Appends the scenarios' steps round-robin, so that chains interleave as they do in a real journal. */
    void append(RequestScenario... scenarios) {
        int longest = 0;
        for (RequestScenario scenario : scenarios) {
            longest = Math.max(longest, scenario.steps.size());
        }
        for (int i = 0; i < longest; i++) {
            for (RequestScenario scenario : scenarios) {
                if (i < scenario.steps.size()) {
                    appendStep(scenario.steps.get(i));
                }
            }
        }
    }

    TestLog.LogEntry appendStep(RequestScenario.Step step) {
        Instant now = log.nextTime();
        Map<String, Object> data = step.data();
        switch (step.type()) {
            case EntryTypes.REQUEST_RECEIVED -> data.putIfAbsent("receivedAt", now.toString());
            case EntryTypes.GRANT_ISSUED -> {
                Instant issued = now.truncatedTo(ChronoUnit.SECONDS);
                data.putIfAbsent("issuedAt", issued.toString());
                data.putIfAbsent("expiresAt", issued.plus(GRANT_LIFETIME).toString());
            }
            default -> data.putIfAbsent("at", now.toString());
        }
        return log.append(step.type(), data);
    }

    // ---- checkpoints and proofs ------------------------------------------------------------------

    TestCheckpoint checkpoint() {
        int size = (int) log.size();
        byte[] root = log.tree.root(size);
        Instant time = log.lastTime();
        TestCheckpoint checkpoint = new TestCheckpoint(size, root, time, note(ORIGIN, size, root, time, key));
        checkpoints.add(checkpoint);
        return checkpoint;
    }

    static String noteText(String origin, long size, byte[] root, Instant time) {
        return origin + "\n" + size + "\n" + Base64.getEncoder().encodeToString(root) + "\ntime " + time + "\n";
    }

    static String note(String origin, long size, byte[] root, Instant time, TestKey signer) {
        return signer.signNote(noteText(origin, size, root, time));
    }

    Map<String, Object> inclusionProof(long leaf, long size) {
        return inclusionProof(log.tree, leaf, size);
    }

    static Map<String, Object> inclusionProof(TestMerkleTree tree, long leaf, long size) {
        Map<String, Object> proof = new LinkedHashMap<>();
        proof.put("leafIndex", leaf);
        proof.put("treeSize", size);
        proof.put("leafHash", b64(tree.leafHash((int) leaf)));
        proof.put("path", tree.inclusion((int) leaf, (int) size).stream().map(EvidenceFixture::b64).toList());
        return proof;
    }

    Map<String, Object> consistencyProof(long from, long to) {
        return consistencyProof(log.tree, from, to);
    }

    static Map<String, Object> consistencyProof(TestMerkleTree tree, long from, long to) {
        Map<String, Object> proof = new LinkedHashMap<>();
        proof.put("fromSize", from);
        proof.put("toSize", to);
        proof.put("path", tree.consistency((int) from, (int) to).stream().map(EvidenceFixture::b64).toList());
        return proof;
    }

    static String b64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    Map<String, Object> keysJson(TestKey... keys) {
        Map<String, Object> listing = new LinkedHashMap<>();
        listing.put("origin", ORIGIN);
        listing.put("keys", Arrays.stream(keys).map(TestKey::listing).toList());
        return listing;
    }

    // ---- bundles ---------------------------------------------------------------------------------

    TestCheckpoint newest() {
        return checkpoints.get(checkpoints.size() - 1);
    }

    /** A request bundle as exported when {@code newest} was the newest checkpoint. */
    BundleParts requestBundle(String request) {
        TestCheckpoint newest = newest();
        List<TestLog.LogEntry> selected = log.entries().stream()
                .filter(e -> e.seq() < newest.size() && request.equals(e.request())).toList();
        Map<String, Object> scope = new LinkedHashMap<>();
        scope.put("kind", "request");
        scope.put("request", request);
        return bundle(selected, scope, newest);
    }

    /** A range bundle: from the last entry before {@code from} to the first entry after {@code to}. */
    BundleParts rangeBundle(Instant from, Instant to) {
        return rangeBundle(from, to, newest());
    }

    BundleParts rangeBundle(Instant from, Instant to, TestCheckpoint newest) {
        List<TestLog.LogEntry> logged = log.entries().subList(0, (int) newest.size());
        int start = 0;
        int end = logged.size() - 1;
        for (TestLog.LogEntry entry : logged) {
            if (entry.time().isBefore(from)) {
                start = (int) entry.seq();
            }
        }
        for (TestLog.LogEntry entry : logged) {
            if (entry.time().isAfter(to)) {
                end = (int) entry.seq();
                break;
            }
        }
        Map<String, Object> scope = new LinkedHashMap<>();
        scope.put("kind", "range");
        scope.put("from", from.toString());
        scope.put("to", to.toString());
        return bundle(logged.subList(start, end + 1), scope, newest);
    }

    private BundleParts bundle(List<TestLog.LogEntry> selected, Map<String, Object> scope, TestCheckpoint newest) {
        BundleParts parts = new BundleParts();
        selected.forEach(entry -> parts.entries.add(entry.line()));
        List<TestCheckpoint> included = new ArrayList<>();
        included.add(newest);
        for (long runEnd : runEnds(selected)) {
            TestCheckpoint covering = checkpoints.stream()
                    .filter(c -> c.size() > runEnd && c.size() <= newest.size())
                    .min(Comparator.comparingLong(TestCheckpoint::size)).orElseThrow();
            if (!included.contains(covering)) {
                included.add(covering);
            }
            parts.inclusion.add(inclusionProof(runEnd, covering.size()));
        }
        included.sort(Comparator.comparingLong(TestCheckpoint::size));
        included.forEach(c -> parts.checkpoints.add(c.note()));
        for (int i = 1; i < included.size(); i++) {
            parts.consistency.add(consistencyProof(included.get(i - 1).size(), included.get(i).size()));
        }
        parts.keys = keysJson(key);
        parts.manifest.put("format", "countersign-evidence/1");
        parts.manifest.put("origin", ORIGIN);
        parts.manifest.put("createdAt", newest.time().toString());
        parts.manifest.put("scope", scope);
        parts.recount();
        return parts;
    }

    /** A range bundle of the whole log whose lines were streamed to {@code entriesFile}. */
    BundleParts wholeLogBundle(Path entriesFile, Instant firstTime) {
        TestCheckpoint newest = newest();
        BundleParts parts = new BundleParts();
        parts.entriesFile = entriesFile;
        parts.checkpoints.add(newest.note());
        parts.inclusion.add(inclusionProof(newest.size() - 1, newest.size()));
        parts.keys = keysJson(key);
        Map<String, Object> scope = new LinkedHashMap<>();
        scope.put("kind", "range");
        scope.put("from", firstTime.toString());
        scope.put("to", newest.time().toString());
        parts.manifest.put("format", "countersign-evidence/1");
        parts.manifest.put("origin", ORIGIN);
        parts.manifest.put("createdAt", newest.time().toString());
        parts.manifest.put("scope", scope);
        parts.manifest.put("entries", newest.size());
        parts.manifest.put("firstSeq", 0);
        parts.manifest.put("lastSeq", newest.size() - 1);
        return parts;
    }

    private static List<Long> runEnds(List<TestLog.LogEntry> selected) {
        List<Long> ends = new ArrayList<>();
        for (int i = 0; i < selected.size(); i++) {
            boolean last = i == selected.size() - 1 || selected.get(i + 1).seq() != selected.get(i).seq() + 1;
            if (last) {
                ends.add(selected.get(i).seq());
            }
        }
        return ends;
    }
}
