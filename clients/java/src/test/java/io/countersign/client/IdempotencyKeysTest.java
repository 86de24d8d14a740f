package io.countersign.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IdempotencyKeysTest {

    private static final Action DEPLOY = Action.of("deploy.apply", "prod/payments", "production",
            Map.of("replicas", 3, "image", "payments:1.4.2"), "alice");

    @Test
    void theSameActionGivesTheSameKey_whateverTheOrderOfItsParameters() {
        Map<String, Object> reordered = new LinkedHashMap<>();
        reordered.put("image", "payments:1.4.2");
        reordered.put("replicas", 3);
        Action same = Action.of("deploy.apply", "prod/payments", "production", reordered, "alice");

        assertEquals(IdempotencyKeys.derive(DEPLOY, "release", "run-1"),
                IdempotencyKeys.derive(same, "release", "run-1"));
    }

    @Test
    void keysAreVisibleAsciiTheServerAccepts() {
        String key = IdempotencyKeys.derive(DEPLOY, "release", null);
        assertTrue(key.matches("cs1-[0-9a-f]{64}"), key);
    }

    @Test
    void anythingThatMakesTwoSubmissionsDistinctChangesTheKey() {
        String key = IdempotencyKeys.derive(DEPLOY, "release", "run-1");
        Action moreReplicas = Action.of("deploy.apply", "prod/payments", "production",
                Map.of("replicas", 4, "image", "payments:1.4.2"), "alice");
        Action forBob = Action.of("deploy.apply", "prod/payments", "production",
                Map.of("replicas", 3, "image", "payments:1.4.2"), "bob");
        Action staging = Action.of("deploy.apply", "prod/payments", "staging",
                Map.of("replicas", 3, "image", "payments:1.4.2"), "alice");
        for (String other : List.of(IdempotencyKeys.derive(DEPLOY, "release", "run-2"),
                IdempotencyKeys.derive(DEPLOY, "release", null),
                IdempotencyKeys.derive(DEPLOY, "hotfix", "run-1"),
                IdempotencyKeys.derive(moreReplicas, "release", "run-1"),
                IdempotencyKeys.derive(forBob, "release", "run-1"),
                IdempotencyKeys.derive(staging, "release", "run-1"))) {
            assertNotEquals(key, other);
        }
    }

    @Test
    void theDigestIsTheServersDigestOfTheSameAction() {
        // computed by the server's io.countersign.api.json.ActionDigest for this action and requester
        Action export = Action.of("data.export", "warehouse.customers", "production",
                Map.of("rows", 50000, "containsPii", true, "ratio", 0.25), "alice");
        assertEquals(ServerDigest.OF_EXPORT_BY_ANALYTICS_AGENT, export.digest("analytics-agent"));
    }
}
