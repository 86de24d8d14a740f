package io.countersign.policy.drools.internal;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.Journal;
import io.countersign.api.JournalEntry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * Writes a journal as a node does: the policy entries {@link PolicyGovernance} and the engine write, with the fields
 * they write, between entries of other bundles.
 */
final class PolicyJournal {

    private static final String[] OTHER_TYPES = {"request.received", "policy.decided", "review.recorded",
        "notification.sent"};

    private final Journal journal;
    private int others;

    PolicyJournal(Journal journal) {
        this.journal = journal;
    }

    /** A rule set that compiles and allows {@code db.query}, naming {@code n} in its reason. */
    static Map<String, String> ruleSet(int n) {
        Map<String, String> files = new TreeMap<>();
        files.put("rules.drl", Drl.file(Drl.rule("Allows queries " + n, "action == \"db.query\"",
                "$a.allow(\"rule set " + n + "\");")));
        files.put("tests/rules.yaml", "cases: []\n");
        return files;
    }

    static String version(Map<String, String> files) {
        return RuleFiles.versionOf(PolicyEntries.ruleFiles(files));
    }

    /** {@code count} entries of other types, none of them a policy change. */
    void others(int count) {
        List<CompletableFuture<JournalEntry>> batch = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ObjectNode data = JsonNodeFactory.instance.objectNode().put("request", UUID.randomUUID().toString())
                    .put("n", others);
            batch.add(journal.append(OTHER_TYPES[others++ % OTHER_TYPES.length], data));
            // within the journal's queue: an append beyond it would be refused
            if (batch.size() == 1_000 || i == count - 1) {
                CompletableFuture.allOf(batch.toArray(CompletableFuture[]::new)).join();
                batch.clear();
            }
        }
    }

    void bootstrap(Map<String, String> files) {
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        data.put("version", version(files));
        data.put("bootstrap", true);
        data.putArray("approvers");
        data.put("mode", DroolsPolicyEngine.GOVERNED);
        data.put("at", Instant.now().toString());
        data.set("files", PolicyEntries.files(files));
        append(PolicyEntries.ACTIVATED, data);
    }

    /** Journals a proposal the way {@link PolicyGovernance} does; returns its change id. */
    String propose(String author, Map<String, String> files, String baseVersion) {
        String id = UUID.randomUUID().toString();
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        data.put("change", id);
        data.put("reviewRequest", "review-" + id);
        data.put("author", author);
        data.put("description", "change " + id);
        data.put("version", version(files));
        data.put("baseVersion", baseVersion);
        data.put("testCases", 0);
        data.put("at", Instant.now().toString());
        data.set("files", PolicyEntries.files(files));
        append(PolicyEntries.PROPOSED, data);
        return id;
    }

    void activate(String change, Map<String, String> files, String previousVersion, List<String> approvers) {
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        data.put("version", version(files));
        data.put("previousVersion", previousVersion);
        data.put("change", change);
        data.put("reviewRequest", "review-" + change);
        approvers.forEach(data.putArray("approvers")::add);
        data.put("mode", DroolsPolicyEngine.GOVERNED);
        data.put("at", Instant.now().toString());
        data.set("files", PolicyEntries.files(files));
        append(PolicyEntries.ACTIVATED, data);
    }

    void close(String change, String status) {
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        data.put("change", change);
        data.put("reviewRequest", "review-" + change);
        data.put("status", status);
        data.put("detail", "the review request was " + status);
        data.put("at", Instant.now().toString());
        append(PolicyEntries.CLOSED, data);
    }

    /**
     * A history of policy changes among other entries: the bootstrap, an activated change, a denied one, one left
     * pending and an expired one, with {@code 0 .. maxOthers} other entries before each; {@code afterEachStep} runs
     * after every step (a cut point). Ends with rule set 2 active.
     */
    void history(Random random, int maxOthers, Runnable afterEachStep) {
        List<Runnable> steps = List.of(
                () -> bootstrap(ruleSet(1)),
                () -> {
                    String first = propose("grace", ruleSet(2), version(ruleSet(1)));
                    others(random.nextInt(maxOthers + 1));
                    afterEachStep.run();
                    activate(first, ruleSet(2), version(ruleSet(1)), List.of("heidi", "ivan"));
                },
                () -> {
                    String denied = propose("heidi", ruleSet(3), version(ruleSet(2)));
                    others(random.nextInt(maxOthers + 1));
                    afterEachStep.run();
                    close(denied, "denied");
                },
                () -> propose("ivan", ruleSet(4), version(ruleSet(2))),
                () -> {
                    String expired = propose("grace", ruleSet(5), version(ruleSet(2)));
                    close(expired, "expired");
                });
        for (Runnable step : steps) {
            others(random.nextInt(maxOthers + 1));
            afterEachStep.run();
            step.run();
            afterEachStep.run();
        }
        others(random.nextInt(maxOthers + 1));
        afterEachStep.run();
    }

    private void append(String type, ObjectNode data) {
        journal.append(type, data).join();
    }
}
