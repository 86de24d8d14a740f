package io.countersign.policy.drools.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * What running a rule set's test cases showed.
 *
 * @param version the rule set's version hash, or {@code null} when it did not compile
 * @param cases how many cases ran
 * @param failures the cases whose decision was not the expected one
 * @param errors rule files that do not compile and test files that cannot be read, each naming its file
 * @param uncoveredRules rules that no case made fire
 */
public record RuleTestReport(String version, int cases, List<Failure> failures, List<String> errors,
                             List<String> uncoveredRules) {

    /** One case whose decision was not the expected one; {@code line} is where the case starts (0 if unknown). */
    public record Failure(String file, int line, String caseName, List<String> mismatches, String expected, String actual,
                          List<String> rulesFired, List<String> reasons) {
        public Failure {
            mismatches = List.copyOf(mismatches);
            rulesFired = List.copyOf(rulesFired);
            reasons = List.copyOf(reasons);
        }
    }

    public RuleTestReport {
        failures = List.copyOf(failures);
        errors = List.copyOf(errors);
        uncoveredRules = List.copyOf(uncoveredRules);
    }

    /** Every case passed, every file was read, and every rule was made to fire by some case. */
    public boolean passed() {
        return failures.isEmpty() && errors.isEmpty() && uncoveredRules.isEmpty() && cases > 0;
    }

    /** The report for a person: each failure with expected and actual and the rules that fired, then a summary. */
    public String text() {
        StringBuilder text = new StringBuilder();
        for (String error : errors) {
            text.append("ERROR ").append(error).append('\n');
        }
        for (Failure failure : failures) {
            text.append("FAIL ").append(failure.file()).append(" › ").append(failure.caseName())
                    .append(failure.line() > 0 ? " (line " + failure.line() + ")" : "").append('\n');
            for (String mismatch : failure.mismatches()) {
                text.append("  ").append(mismatch).append('\n');
            }
            text.append("  expected:    ").append(failure.expected()).append('\n');
            text.append("  actual:      ").append(failure.actual()).append('\n');
            text.append("  rules fired: ").append(failure.rulesFired().isEmpty() ? "(none)"
                    : String.join("; ", failure.rulesFired())).append('\n');
            text.append("  reasons:     ").append(failure.reasons().isEmpty() ? "(none)"
                    : String.join("; ", failure.reasons())).append('\n');
        }
        if (!uncoveredRules.isEmpty()) {
            text.append("UNTESTED no case makes these rules fire: ").append(String.join("; ", uncoveredRules))
                    .append('\n');
        }
        if (cases == 0 && errors.isEmpty()) {
            text.append("ERROR there are no test cases: write them in tests/*.yaml next to the rules\n");
        }
        text.append(passed() ? "PASSED " : "FAILED ").append(cases).append(" cases, ")
                .append(cases - failures.size()).append(" passed, ").append(failures.size()).append(" failed");
        if (!errors.isEmpty()) {
            text.append(", ").append(errors.size()).append(errors.size() == 1 ? " error" : " errors");
        }
        if (!uncoveredRules.isEmpty()) {
            text.append(", ").append(uncoveredRules.size()).append(" untested ")
                    .append(uncoveredRules.size() == 1 ? "rule" : "rules");
        }
        text.append("; rule set ").append(version == null ? "(did not compile)" : version).append('\n');
        return text.toString();
    }

    public ObjectNode json() {
        JsonNodeFactory factory = JsonNodeFactory.instance;
        ObjectNode json = factory.objectNode();
        json.put("passed", passed());
        if (version == null) {
            json.putNull("version");
        } else {
            json.put("version", version);
        }
        json.put("cases", cases);
        json.put("failed", failures.size());
        ArrayNode failed = json.putArray("failures");
        for (Failure failure : failures) {
            ObjectNode item = failed.addObject();
            item.put("file", failure.file());
            item.put("line", failure.line());
            item.put("case", failure.caseName());
            failure.mismatches().forEach(item.putArray("mismatches")::add);
            item.put("expected", failure.expected());
            item.put("actual", failure.actual());
            failure.rulesFired().forEach(item.putArray("rulesFired")::add);
            failure.reasons().forEach(item.putArray("reasons")::add);
        }
        errors.forEach(json.putArray("errors")::add);
        uncoveredRules.forEach(json.putArray("untestedRules")::add);
        return json;
    }
}
