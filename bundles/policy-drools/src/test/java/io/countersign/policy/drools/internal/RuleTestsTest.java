package io.countersign.policy.drools.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** What the rule-test runner reports when something is wrong, and that it says it clearly. */
class RuleTestsTest {

    private static List<RuleFiles.RuleFile> defaultPack() throws IOException {
        return RuleFiles.read(Requests.rulePack()).files();
    }

    private static Map<String, byte[]> defaultTests() throws IOException {
        Map<String, byte[]> tests = new TreeMap<>();
        try (Stream<Path> files = Files.list(Requests.rulePack().resolve("tests"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
                tests.put("tests/" + file.getFileName(), Files.readAllBytes(file));
            }
        }
        return tests;
    }

    private static byte[] yaml(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aDeliberatelyWrongCaseFailsWithAClearReport() throws IOException {
        Map<String, byte[]> tests = defaultTests();
        tests.put("tests/wrong.yaml", yaml("""
                cases:
                  - name: a production export is allowed (it is not)
                    request:
                      action: data.export
                      environment: production
                      onBehalfOf: [alice]
                      parameters: {rows: 50000, containsPii: true}
                      justification: quarterly report
                    expect:
                      outcome: ALLOW
                """));
        RuleTestReport report = RuleTests.run(defaultPack(), tests, Requests.loader());

        assertFalse(report.passed());
        assertEquals(1, report.failures().size());
        RuleTestReport.Failure failure = report.failures().get(0);
        assertEquals("tests/wrong.yaml", failure.file());
        assertEquals(2, failure.line());
        assertEquals("a production export is allowed (it is not)", failure.caseName());
        assertEquals("REVIEW data-owners×2, timeout PT2H", failure.actual());
        String text = report.text();
        assertTrue(text.contains("FAIL tests/wrong.yaml › a production export is allowed (it is not) (line 2)"), text);
        assertTrue(text.contains("outcome: expected ALLOW, got REVIEW"), text);
        assertTrue(text.contains("expected:    ALLOW"), text);
        assertTrue(text.contains("actual:      REVIEW data-owners×2, timeout PT2H"), text);
        assertTrue(text.contains("rules fired: Export of personal data needs a data owner; Export from production"
                + " needs a data owner; Large export needs two data owners"), text);
        assertTrue(text.contains("FAILED " + report.cases() + " cases, " + (report.cases() - 1) + " passed, 1 failed"),
                text);
        assertEquals(false, report.json().path("passed").asBoolean());
        assertEquals("tests/wrong.yaml", report.json().path("failures").get(0).path("file").asText());
    }

    @Test
    void eachPartOfARouteIsCompared() throws IOException {
        Map<String, byte[]> tests = defaultTests();
        tests.put("tests/route.yaml", yaml("""
                defaults: {action: db.write, environment: production, onBehalfOf: [dave], justification: fix}
                cases:
                  - name: wrong quorum
                    expect: {outcome: REVIEW, quorums: {security: 1}}
                  - name: wrong timeout and break-glass
                    expect: {outcome: REVIEW, quorums: {data-owners: 1, security: 1}, timeout: PT2H, breakGlass: none}
                  - name: wrong rules and a missing reason
                    expect:
                      outcome: REVIEW
                      quorums: {data-owners: 1, security: 1}
                      rules: [Database change in production needs a data owner and security]
                      reasons: [a reason no rule gives]
                  - name: escalations and channels are exact when stated
                    expect: {outcome: REVIEW, quorums: {data-owners: 1, security: 1}, escalations: [{after: PT30M, group: security-leads}], channels: [email]}
                  - name: step-up is compared when stated
                    expect: {outcome: REVIEW, quorums: {data-owners: 1, security: 1}, stepUp: true}
                  - name: step-up that the rules ask for is compared too
                    request: {action: iam.admin.grant}
                    expect: {outcome: REVIEW, quorums: {security: 1}, stepUp: false}
                """));
        RuleTestReport report = RuleTests.run(defaultPack(), tests, Requests.loader());
        Map<String, List<String>> mismatches = new TreeMap<>();
        report.failures().forEach(f -> mismatches.put(f.caseName(), f.mismatches()));
        assertEquals(List.of("quorums: expected security×1, got data-owners×1 + security×1"),
                mismatches.get("wrong quorum"));
        assertEquals(List.of("timeout: expected PT2H, got PT1H", "break-glass: expected none, got PT10M"),
                mismatches.get("wrong timeout and break-glass"));
        assertEquals(List.of("rules fired: fired too [Production database write may break glass]",
                "reason missing: a reason no rule gives"), mismatches.get("wrong rules and a missing reason"));
        assertEquals(List.of("escalations: expected security-leads after PT30M, got ",
                "channels: expected [email], got []"), mismatches.get("escalations and channels are exact when stated"));
        assertEquals(List.of("step-up: expected required, got not required"),
                mismatches.get("step-up is compared when stated"));
        assertEquals(List.of("step-up: expected not required, got required"),
                mismatches.get("step-up that the rules ask for is compared too"));
        assertEquals(6, report.failures().size(), report.text());
    }

    @Test
    void aRuleNoCaseMakesFireFailsTheRun() throws IOException {
        Map<String, byte[]> tests = defaultTests();
        tests.remove("tests/network.yaml");
        RuleTestReport report = RuleTests.run(defaultPack(), tests, Requests.loader());
        assertFalse(report.passed());
        assertTrue(report.failures().isEmpty());
        assertEquals(List.of("Firewall change in development is allowed", "Firewall change in production needs"
                + " security review", "Firewall change in staging needs security review"), report.uncoveredRules());
        assertTrue(report.text().contains("UNTESTED no case makes these rules fire: Firewall change in development"),
                report.text());
    }

    @Test
    void badTestFilesAreErrorsNamingTheFile() throws IOException {
        Map<String, byte[]> tests = defaultTests();
        tests.put("tests/broken.yaml", yaml("cases:\n  - name: x\n    expect: {outcome: ALLOW\n"));
        tests.put("tests/unknown-key.yaml", yaml("cases:\n  - name: x\n    request: {action: a, environment: staging,"
                + " rows: 5}\n    expect: {outcome: ALLOW}\n"));
        tests.put("tests/no-quorum.yaml", yaml("cases:\n  - name: x\n    request: {action: a, environment: staging}\n"
                + "    expect: {outcome: REVIEW}\n"));
        tests.put("tests/twice.yaml", yaml("cases:\n  - {name: x, request: {action: a, environment: staging},"
                + " expect: {outcome: DENY}}\n  - {name: x, request: {action: a, environment: staging},"
                + " expect: {outcome: DENY}}\n"));
        RuleTestReport report = RuleTests.run(defaultPack(), tests, Requests.loader());
        assertFalse(report.passed());
        List<String> errors = new ArrayList<>(report.errors());
        assertEquals(4, errors.size(), errors::toString);
        assertTrue(errors.get(0).startsWith("tests/broken.yaml:3: not valid YAML"), errors.get(0));
        assertTrue(errors.get(1).startsWith("tests/no-quorum.yaml:2: case 'x': a REVIEW expectation states"
                + " 'quorums'"), errors.get(1));
        assertEquals("tests/twice.yaml:3: two cases are named 'x' (the first is on line 2)", errors.get(2));
        assertTrue(errors.get(3).startsWith("tests/unknown-key.yaml:3: case 'x' request: unknown key 'rows'"),
                errors.get(3));
        assertTrue(report.text().contains("ERROR tests/broken.yaml"), report.text());
    }

    @Test
    void errorsNameTheLineOfTheCaseOrOfTheKey() throws IOException {
        Map<String, byte[]> tests = Map.of(
                "tests/misspelt.yaml", yaml("""
                        defaults: {action: db.query, environment: staging}
                        cases:
                          - name: fine
                            expect: {outcome: ALLOW}
                          - name: misspelt expectation
                            expect:
                              outcome: REVIEW
                              quorums: {security: 1}
                              timout: PT1H
                        """),
                "tests/twice-the-key.yaml", yaml("""
                        cases:
                          - name: two expectations
                            request: {action: db.query, environment: staging}
                            expect: {outcome: ALLOW}
                            expect: {outcome: DENY}
                        """),
                "tests/bad-duration.yaml", yaml("""
                        cases:
                          - name: a
                            request: {action: db.query, environment: staging}
                            expect: {outcome: ALLOW}
                          - name: b
                            request: {action: db.delete, environment: staging}
                            expect: {outcome: REVIEW, quorums: {data-owners: 1}, timeout: four hours}
                        """),
                "tests/defaults.yaml", yaml("""
                        defaults:
                          action: db.query
                          enviroment: staging
                        cases:
                          - {name: a, expect: {outcome: ALLOW}}
                        """));
        List<String> errors = RuleTests.run(defaultPack(), tests, Requests.loader()).errors();
        assertEquals(List.of(
                "tests/bad-duration.yaml:5: case 'b': 'four hours' is not an ISO-8601 duration such as PT30M",
                "tests/defaults.yaml:3: defaults: unknown key 'enviroment'; expected one of [action, actsFor, agent,"
                        + " context, environment, justification, onBehalfOf, parameters, receivedAt, resource]",
                "tests/misspelt.yaml:9: case 'misspelt expectation' expect: unknown key 'timout'; expected one of"
                        + " [breakGlass, channels, escalations, outcome, quorums, reasons, rules, stepUp, timeout]",
                "tests/twice-the-key.yaml:5: not valid YAML: Duplicate field 'expect'"), errors);
    }

    @Test
    void aCaseNamingARuleThatDoesNotExistSaysSo() throws IOException {
        Map<String, byte[]> tests = defaultTests();
        tests.put("tests/renamed.yaml", yaml("""
                cases:
                  - name: the old name of the rule
                    request: {action: db.query, environment: staging}
                    expect: {outcome: ALLOW, rules: [Queries outside production are allowed]}
                """));
        RuleTestReport report = RuleTests.run(defaultPack(), tests, Requests.loader());
        assertEquals(1, report.failures().size(), report::text);
        assertEquals(List.of("no rule is named 'Queries outside production are allowed' in the rule set",
                "rules fired: did not fire [Queries outside production are allowed] fired too [Query outside"
                        + " production is allowed]"), report.failures().get(0).mismatches());
    }

    @Test
    void aFileMaySetTheDefaultReviewTimeoutProductionUses() throws IOException {
        List<RuleFiles.RuleFile> rules = List.of(new RuleFiles.RuleFile("plain.drl", yaml(Drl.file(
                Drl.rule("Review without a deadline", "action == \"x\"", "$a.review(\"security\", 1, \"why\");")))));
        String cases = """
                cases:
                  - name: no rule sets a deadline
                    request: {action: x, environment: staging}
                    expect: {outcome: REVIEW, quorums: {security: 1}, timeout: PT1H}
                """;
        assertTrue(RuleTests.run(rules, Map.of("tests/a.yaml", yaml(cases)), Requests.loader()).passed());
        RuleTestReport longer = RuleTests.run(rules, Map.of("tests/a.yaml", yaml("defaultReviewTimeout: PT8H\n"
                + cases)), Requests.loader());
        assertEquals(List.of("timeout: expected PT1H, got PT8H"), longer.failures().get(0).mismatches());
    }

    @Test
    void rulesThatDoNotCompileAreAnErrorAndNothingRuns() throws IOException {
        List<RuleFiles.RuleFile> broken = new ArrayList<>(defaultPack());
        broken.add(new RuleFiles.RuleFile("zz-broken.drl", yaml(Drl.file(Drl.rule("Broken", "nonsense ==",
                "$a.allow(\"x\");")))));
        RuleTestReport report = RuleTests.run(broken, defaultTests(), Requests.loader());
        assertFalse(report.passed());
        assertNull(report.version());
        assertEquals(0, report.cases());
        assertTrue(report.errors().get(0).startsWith("the rules do not compile: zz-broken.drl"), report.errors()
                .toString());
    }

    @Test
    void noCasesAtAllIsNotAPass() throws IOException {
        RuleTestReport report = RuleTests.run(defaultPack(), Map.of(), Requests.loader());
        assertFalse(report.passed());
        assertTrue(report.text().contains("there are no test cases"), report.text());
    }

    @Test
    void theContextOfACaseReachesTheRules() throws IOException {
        List<RuleFiles.RuleFile> rules = List.of(new RuleFiles.RuleFile("finance.drl", yaml(Drl.file(
                Drl.rule("Finance", "onBehalfOfGroups contains \"finance\", sameActionToday > 3", "$a.deny(\"no\");"),
                Drl.rule("Default", "action == \"data.export\"", "$a.allow(\"yes\");")))));
        Map<String, byte[]> tests = Map.of("tests/finance.yaml", yaml("""
                defaults: {action: data.export, environment: staging, onBehalfOf: [carl]}
                cases:
                  - name: carl in finance on his fifth export today
                    context: {humanGroups: {carl: [finance]}, sameActionToday: 4}
                    expect: {outcome: DENY}
                  - name: carl in finance on his first export today
                    context: {humanGroups: {carl: [finance]}}
                    expect: {outcome: ALLOW, rules: [Default]}
                """));
        RuleTestReport report = RuleTests.run(rules, tests, Requests.loader());
        assertTrue(report.passed(), report::text);
    }
}
