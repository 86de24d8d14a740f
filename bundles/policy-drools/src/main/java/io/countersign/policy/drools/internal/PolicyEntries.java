package io.countersign.policy.drools.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The journal entries of policy changes ({@code policy.proposed}, {@code policy.activated},
 * {@code policy.change.closed}) and the rule files they carry in full, so the journal alone says, and restores,
 * which rules decided when. They name the review request as {@code reviewRequest}: they are not part of its chain.
 */
final class PolicyEntries {

    static final String PROPOSED = "policy.proposed";
    static final String ACTIVATED = "policy.activated";
    static final String CLOSED = "policy.change.closed";

    private static final Pattern RULE_FILE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}\\.drl");
    private static final Pattern TEST_FILE = Pattern.compile("tests/[A-Za-z0-9][A-Za-z0-9._-]{0,99}\\.ya?ml");

    private PolicyEntries() {
    }

    /** An entry about policy changes (not {@code policy.decided}, which belongs to a request). */
    static boolean isPolicyChange(String type) {
        return type.equals(PROPOSED) || type.equals(ACTIVATED) || type.equals(CLOSED);
    }

    static boolean isRuleFile(String name) {
        return RULE_FILE.matcher(name).matches();
    }

    static boolean isTestFile(String name) {
        return TEST_FILE.matcher(name).matches();
    }

    static ObjectNode files(Map<String, String> files) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        new TreeMap<>(files).forEach(json::put);
        return json;
    }

    static Map<String, String> files(JsonNode json) {
        Map<String, String> files = new TreeMap<>();
        json.fields().forEachRemaining(e -> files.put(e.getKey(), e.getValue().asText()));
        return files;
    }

    /** The {@code *.drl} files of a file map, in name order, as the compiler reads them. */
    static List<RuleFiles.RuleFile> ruleFiles(Map<String, String> files) {
        List<RuleFiles.RuleFile> rules = new ArrayList<>();
        new TreeMap<>(files).forEach((name, text) -> {
            if (isRuleFile(name)) {
                rules.add(new RuleFiles.RuleFile(name, text.getBytes(StandardCharsets.UTF_8)));
            }
        });
        return rules;
    }

    static Map<String, byte[]> testFiles(Map<String, String> files) {
        Map<String, byte[]> tests = new TreeMap<>();
        files.forEach((name, text) -> {
            if (isTestFile(name)) {
                tests.put(name, text.getBytes(StandardCharsets.UTF_8));
            }
        });
        return tests;
    }

    /** A directory's rule files and tests as a file map. */
    static Map<String, String> filesOf(RuleFiles rules, Map<String, byte[]> tests) {
        Map<String, String> files = new TreeMap<>();
        rules.files().forEach(file -> files.put(file.name(), new String(file.content(), StandardCharsets.UTF_8)));
        tests.forEach((name, bytes) -> files.put(name, new String(bytes, StandardCharsets.UTF_8)));
        return files;
    }
}
