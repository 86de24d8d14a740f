package io.countersign.policy.drools.internal;

import static io.countersign.api.Outcome.ALLOW;
import static io.countersign.api.Outcome.DENY;
import static io.countersign.api.Outcome.REVIEW;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countersign.api.Decision;
import io.countersign.api.GroupQuorum;
import io.countersign.api.Outcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The default rule pack in rules/, one row per situation. */
class RulePackScenarioTest {

    // rule names, as written in rules/*.drl
    static final String EXPORT_NON_PROD = "Export outside production is allowed";
    static final String EXPORT_PII = "Export of personal data needs a data owner";
    static final String EXPORT_PROD = "Export from production needs a data owner";
    static final String EXPORT_UNDECLARED = "Export without a personal-data declaration needs a data owner";
    static final String EXPORT_LARGE = "Large export needs two data owners";
    static final String EXPORT_UNSIZED = "Export of unstated size needs two data owners";
    static final String EXPORT_BULK_PII = "Bulk export of personal data is denied";
    static final String QUERY_NON_PROD = "Query outside production is allowed";
    static final String QUERY_PROD = "Query in production without personal data is allowed";
    static final String QUERY_PROD_PII = "Query of personal data in production needs a data owner";
    static final String DB_CHANGE_PROD = "Database change in production needs a data owner and security";
    static final String WRITE_NON_PROD = "Database write outside production is allowed";
    static final String DELETE_STAGING = "Database delete in staging needs a data owner";
    static final String DELETE_DEV = "Database delete in development is allowed";
    static final String PRIV = "Privilege change needs security review";
    static final String PRIV_PROD = "Privilege change in production needs two security reviewers";
    static final String FW_PROD = "Firewall change in production needs security review";
    static final String FW_STAGING = "Firewall change in staging needs security review";
    static final String FW_DEV = "Firewall change in development is allowed";
    static final String UNKNOWN_PROD = "Unknown action in production needs security review";
    static final String UNKNOWN_ELSEWHERE = "Unknown action outside production needs security review";
    static final String NO_JUSTIFICATION = "Production action without a justification is denied";

    static final Map<String, Integer> DO1 = Map.of("data-owners", 1);
    static final Map<String, Integer> DO2 = Map.of("data-owners", 2);
    static final Map<String, Integer> SEC1 = Map.of("security", 1);
    static final Map<String, Integer> SEC2 = Map.of("security", 2);
    static final Map<String, Integer> DO1_SEC1 = Map.of("data-owners", 1, "security", 1);

    record Row(String name, String action, String environment, String parameters, String justification,
               Outcome outcome, Map<String, Integer> quorums, String timeout, Set<String> rules) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static PolicyRuntime runtime;

    @BeforeAll
    static void loadPack() {
        runtime = new PolicyRuntime(Requests.rulePack(), Duration.ofHours(1), Requests.loader());
        ReloadResult result = runtime.reload();
        assertTrue(result.activated(), () -> "the rule pack must compile: " + result.errors());
    }

    @AfterAll
    static void close() {
        runtime.close();
    }

    static Stream<Row> rows() {
        return Stream.of(
                // data exports
                allow("small non-personal export from staging", "data.export", "staging",
                        "{\"rows\": 500, \"containsPii\": false}", EXPORT_NON_PROD),
                allow("export of exactly 10,000 rows from development is not large", "data.export", "development",
                        "{\"rows\": 10000, \"containsPii\": false}", EXPORT_NON_PROD),
                review("export of 10,001 rows from staging", "data.export", "staging",
                        "{\"rows\": 10001, \"containsPii\": false}", DO2, "PT4H", EXPORT_NON_PROD, EXPORT_LARGE),
                review("export of rows given as a string is still sized", "data.export", "staging",
                        "{\"rows\": \"20000\", \"containsPii\": false}", DO2, "PT4H", EXPORT_NON_PROD, EXPORT_LARGE),
                review("export of personal data from staging", "data.export", "staging",
                        "{\"rows\": 10, \"containsPii\": true}", DO1, "PT2H", EXPORT_NON_PROD, EXPORT_PII),
                review("non-personal export from production", "data.export", "production",
                        "{\"rows\": 10, \"containsPii\": false}", DO1, "PT2H", EXPORT_PROD),
                review("personal export of 10,000 rows from production", "data.export", "production",
                        "{\"rows\": 10000, \"containsPii\": true}", DO1, "PT2H", EXPORT_PII, EXPORT_PROD),
                review("large personal export from production: 2 approvals, shortest deadline", "data.export",
                        "production", "{\"rows\": 50000, \"containsPii\": true}", DO2, "PT2H", EXPORT_PII,
                        EXPORT_PROD, EXPORT_LARGE),
                review("export that does not state its size", "data.export", "staging",
                        "{\"containsPii\": false}", DO2, "PT4H", EXPORT_NON_PROD, EXPORT_UNSIZED),
                review("export that does not declare personal data", "data.export", "staging", "{\"rows\": 10}",
                        DO1, "PT2H", EXPORT_NON_PROD, EXPORT_UNDECLARED),
                deny("bulk export of personal data", "data.export", "production",
                        "{\"rows\": 2000000, \"containsPii\": true}", "ticket OPS-1234", EXPORT_PII, EXPORT_PROD,
                        EXPORT_LARGE, EXPORT_BULK_PII),
                review("personal export of exactly a million rows is large, not bulk", "data.export", "production",
                        "{\"rows\": 1000000, \"containsPii\": true}", DO2, "PT2H", EXPORT_PII, EXPORT_PROD,
                        EXPORT_LARGE),
                deny("export from production without a justification", "data.export", "production",
                        "{\"rows\": 10, \"containsPii\": false}", "  ", EXPORT_PROD, NO_JUSTIFICATION),
                // database
                allow("query in staging", "db.query", "staging", "{}", QUERY_NON_PROD),
                allow("query in development", "db.query", "development", "{\"containsPii\": true}", QUERY_NON_PROD),
                allow("query in production without personal data", "db.query", "production",
                        "{\"containsPii\": false}", QUERY_PROD),
                review("query of personal data in production", "db.query", "production", "{\"containsPii\": true}",
                        DO1, "PT1H", QUERY_PROD_PII),
                new Row("query in production needs no justification", "db.query", "production", "{}", "", ALLOW,
                        Map.of(), null, Set.of(QUERY_PROD)),
                review("write in production: two groups", "db.write", "production", "{}", DO1_SEC1, "PT1H",
                        DB_CHANGE_PROD),
                review("delete in production: two groups", "db.delete", "production", "{}", DO1_SEC1, "PT1H",
                        DB_CHANGE_PROD),
                review("write in a misspelt environment counts as production", "db.write", "prod", "{}", DO1_SEC1,
                        "PT1H", DB_CHANGE_PROD),
                allow("write in staging", "db.write", "staging", "{}", WRITE_NON_PROD),
                allow("write in development", "db.write", "development", "{}", WRITE_NON_PROD),
                review("delete in staging", "db.delete", "staging", "{}", DO1, "PT4H", DELETE_STAGING),
                allow("delete in development", "db.delete", "development", "{}", DELETE_DEV),
                deny("delete in production without a justification", "db.delete", "production", "{}", "",
                        DB_CHANGE_PROD, NO_JUSTIFICATION),
                // privileges
                review("role change in production: two security reviewers", "iam.role.change", "production", "{}",
                        SEC2, "PT1H", PRIV, PRIV_PROD),
                review("privilege escalation in production", "privilege.escalate", "production", "{}", SEC2, "PT1H",
                        PRIV, PRIV_PROD),
                review("privilege escalation in staging", "privilege.escalate", "staging", "{}", SEC1, "PT4H", PRIV),
                review("role change in development", "iam.role.change", "development", "{}", SEC1, "PT4H", PRIV),
                // network
                review("firewall change in production", "network.security_group.change", "production", "{}", SEC1,
                        "PT1H", FW_PROD),
                review("firewall change in staging", "network.security_group.change", "staging", "{}", SEC1, "PT4H",
                        FW_STAGING),
                allow("firewall change in development", "network.security_group.change", "development", "{}",
                        FW_DEV),
                // everything else
                review("unknown action in production", "s3.bucket.delete", "production", "{}", SEC1, "PT1H",
                        UNKNOWN_PROD),
                review("unknown action in development", "s3.bucket.delete", "development", "{}", SEC1, "PT4H",
                        UNKNOWN_ELSEWHERE),
                deny("unknown action in production without a justification", "s3.bucket.delete", "production", "{}",
                        "", UNKNOWN_PROD, NO_JUSTIFICATION));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void decides(Row row) {
        Decision decision = runtime.decide(
                Requests.request(row.action(), row.environment(), row.parameters(), row.justification()),
                Requests.AGENT);

        assertEquals(row.outcome(), decision.outcome(), () -> "reasons: " + decision.reasons());
        assertEquals(row.rules(), new HashSet<>(decision.rules()), "rules fired");
        assertEquals(decision.rules().size(), row.rules().size(), "each rule fires once");
        assertEquals(runtime.version(), decision.policyVersion());
        assertFalse(decision.reasons().isEmpty(), "a decision always gives a reason");
        if (row.outcome() == REVIEW) {
            Map<String, Integer> quorums = decision.route().quorums().stream()
                    .collect(Collectors.toMap(GroupQuorum::group, GroupQuorum::approvals));
            assertEquals(row.quorums(), quorums);
            assertEquals(Duration.parse(row.timeout()), decision.route().timeout());
            assertEquals(1, decision.route().denialsToReject());
        } else {
            assertNull(decision.route());
        }
        if (row.outcome() == DENY) {
            List<String> denyReasons = List.of(
                    "actions in production, other than read-only queries, need a justification a reviewer can read",
                    "exports of more than 1,000,000 rows of personal data are not permitted; export aggregates or"
                            + " a sample");
            assertEquals(1, decision.reasons().size(), "only the denying rule's reason");
            assertTrue(denyReasons.contains(decision.reasons().get(0)), decision.reasons().toString());
        }
    }

    @Test
    void reasonsComeFromTheRulesThatDecided() {
        Decision decision = runtime.decide(Requests.request("data.export", "production",
                "{\"rows\": 50000, \"containsPii\": true}"), Requests.AGENT);
        assertEquals(List.of("export of personal data needs a data owner's approval",
                "export of data from production needs a data owner's approval",
                "export of more than 10,000 rows needs two data owners' approval"), sorted(decision.reasons()));

        Decision allowedWithEscalation = runtime.decide(Requests.request("data.export", "staging",
                "{\"rows\": 10, \"containsPii\": true}"), Requests.AGENT);
        assertEquals(List.of("export of personal data needs a data owner's approval"),
                allowedWithEscalation.reasons(), "the allow rule fired but did not decide");

        Decision unknown = runtime.decide(Requests.request("s3.bucket.delete", "production", "{}"),
                Requests.AGENT);
        assertTrue(unknown.reasons().get(0).contains("s3.bucket.delete"), unknown.reasons().toString());
    }

    @Test
    void everyRuleInThePackIsCoveredByARow() throws IOException {
        Set<String> inPack = ruleNamesIn(Requests.rulePack());
        Set<String> covered = rows().flatMap(r -> r.rules().stream()).collect(Collectors.toCollection(TreeSet::new));
        Set<String> uncovered = new TreeSet<>(inPack);
        uncovered.removeAll(covered);
        assertTrue(uncovered.isEmpty(), "rules without a scenario row: " + uncovered);
        Set<String> unknown = new TreeSet<>(covered);
        unknown.removeAll(inPack);
        assertTrue(unknown.isEmpty(), "rows name rules that are not in the pack: " + unknown);
        assertEquals(inPack.size(), runtime.reload().ruleCount());
    }

    @Test
    void versionIsTheHashOfThePack() {
        assertTrue(runtime.version().matches("sha256:[0-9a-f]{64}"), runtime.version());
        assertEquals(ReloadResult.Status.UNCHANGED, runtime.reload().status());
    }

    /** Reasons are in firing order; compare them in a fixed order so that rule order can change freely. */
    private static List<String> sorted(List<String> reasons) {
        return reasons.stream().sorted((a, b) -> rank(a) - rank(b)).toList();
    }

    private static int rank(String reason) {
        return reason.contains("personal") ? 0 : reason.contains("production") ? 1 : 2;
    }

    static Set<String> ruleNamesIn(Path dir) throws IOException {
        Pattern rule = Pattern.compile("^\\s*rule\\s+\"([^\"]+)\"", Pattern.MULTILINE);
        Set<String> names = new TreeSet<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".drl")).toList()) {
                Matcher m = rule.matcher(Files.readString(file));
                while (m.find()) {
                    names.add(m.group(1));
                }
            }
        }
        return names;
    }

    private static Row allow(String name, String action, String env, String params, String... rules) {
        return new Row(name, action, env, params, "ticket OPS-1234", ALLOW, Map.of(), null, Set.of(rules));
    }

    private static Row deny(String name, String action, String env, String params, String justification,
                            String... rules) {
        return new Row(name, action, env, params, justification, DENY, Map.of(), null, Set.of(rules));
    }

    private static Row review(String name, String action, String env, String params, Map<String, Integer> quorums,
                              String timeout, String... rules) {
        return new Row(name, action, env, params, "ticket OPS-1234", REVIEW, new LinkedHashMap<>(quorums), timeout,
                Set.of(rules));
    }
}
