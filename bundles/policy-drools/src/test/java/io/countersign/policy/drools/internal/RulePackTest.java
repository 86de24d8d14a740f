package io.countersign.policy.drools.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countersign.api.Decision;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The default pack in rules/ passes its own rule tests (rules/tests/*.yaml), which make every rule fire: the table in
 * rules/README.md is those cases. What the cases cannot say is checked here.
 */
class RulePackTest {

    @Test
    void theDefaultPackPassesItsRuleTests() throws IOException {
        RuleTestReport report = RuleTests.run(Requests.rulePack(), Requests.loader());
        assertTrue(report.passed(), report::text);
        assertTrue(report.cases() >= 35, "cases: " + report.cases());
    }

    @Test
    void theCoverageCheckSeesEveryRuleInTheFiles() throws IOException {
        RuleTestReport report = RuleTests.run(Requests.rulePack(), Requests.loader());
        PolicyRuntime runtime = new PolicyRuntime(Requests.rulePack(), Duration.ofHours(1), Requests.loader());
        try {
            assertEquals(ruleNamesIn(Requests.rulePack()).size(), runtime.reload().ruleCount());
            assertEquals(runtime.version(), report.version());
        } finally {
            runtime.close();
        }
    }

    @Test
    void reasonsAreForPeopleAndNameWhatTheyAreAbout() {
        PolicyRuntime runtime = Drl.activate(Requests.rulePack(), Duration.ofHours(1));
        try {
            Decision unknown = runtime.decide(Requests.request("s3.bucket.delete", "production", "{}"),
                    Requests.AGENT);
            assertTrue(unknown.reasons().get(0).contains("s3.bucket.delete"), unknown.reasons().toString());
            Decision allowedButReviewed = runtime.decide(Requests.request("data.export", "staging",
                    "{\"rows\": 10, \"containsPii\": true}"), Requests.AGENT);
            assertEquals(List.of("export of personal data needs a data owner's approval"),
                    allowedButReviewed.reasons(), "the allow rule fired but did not decide");
        } finally {
            runtime.close();
        }
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
}
