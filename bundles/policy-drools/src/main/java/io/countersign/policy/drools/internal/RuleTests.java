package io.countersign.policy.drools.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.countersign.api.Action;
import io.countersign.api.ActionRequest;
import io.countersign.api.Agent;
import io.countersign.api.Decision;
import io.countersign.api.Escalation;
import io.countersign.api.GroupQuorum;
import io.countersign.api.Outcome;
import io.countersign.api.PolicyContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Runs a rule set's test cases, written as data (YAML) by the people who write the rules: each case is a request,
 * optionally what the policy sees beyond it, and the decision expected. Evaluation is exactly production's: the
 * same compiler, the same evaluator and combination, failures fail closed. See docs/policy-tests-and-replay.md.
 */
public final class RuleTests {

    /** The review timeout when no rule sets a deadline: the production default. */
    static final Duration DEFAULT_REVIEW_TIMEOUT = Duration.ofHours(1);
    /** When a case's request arrives unless it says otherwise: a Monday, 10:00 UTC. */
    static final Instant DEFAULT_RECEIVED_AT = Instant.parse("2026-01-05T10:00:00Z");

    private static final Set<String> FILE_KEYS = Set.of("defaults", "cases", "defaultReviewTimeout");
    private static final Set<String> REQUEST_KEYS = Set.of("action", "resource", "environment", "parameters",
            "justification", "onBehalfOf", "agent", "actsFor", "receivedAt");
    private static final Set<String> DEFAULT_KEYS = union(REQUEST_KEYS, Set.of("context"));
    private static final Set<String> CASE_KEYS = Set.of("name", "request", "context", "expect");
    private static final Set<String> CONTEXT_KEYS = Set.of("humanGroups", "sameActionToday", "sameActionLastHour",
            "breakGlass");
    private static final Set<String> EXPECT_KEYS = Set.of("outcome", "quorums", "timeout", "escalations", "channels",
            "stepUp", "breakGlass", "rules", "reasons");
    /** A key given twice in one mapping is an error, not "the last one wins": a case must mean what it says. */
    private static final YAMLMapper YAML = YAMLMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    private RuleTests() {
    }

    /** A test file that cannot be used; the message names the file and what is wrong. */
    static final class InvalidTestFile extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidTestFile(String message) {
            super(message);
        }
    }

    /** One case, ready to run. */
    record Case(String file, int line, String name, ActionRequest request, Agent agent, PolicyContext context,
                Expectation expect, Duration defaultReviewTimeout) {
    }

    /** What a case expects; absent parts are not checked. */
    record Expectation(Outcome outcome, Map<String, Integer> quorums, Duration timeout, List<Escalation> escalations,
                       List<String> channels, Duration breakGlass, boolean breakGlassGiven, Set<String> rules,
                       List<String> reasons, Boolean stepUp) {
    }

    /** Reads {@code DIR/*.drl} and {@code DIR/tests/*.yaml}, then runs them as {@link #run(List, Map, ClassLoader)}. */
    public static RuleTestReport run(Path rulesDir, ClassLoader loader) throws IOException {
        return run(RuleFiles.read(rulesDir).files(), testFiles(rulesDir), loader);
    }

    /** A case and the decision the rules made for it. */
    public record DecidedCase(String file, String name, ActionRequest request, Agent agent, PolicyContext context,
                              Decision decision) {
    }

    /**
     * Every case of {@code DIR/tests} with the decision {@code DIR}'s rules make for it, for checking another
     * rendering of the same policy against this one. Unlike {@link #run(Path, ClassLoader)} it throws on rules that
     * do not compile and test files that cannot be read.
     */
    public static List<DecidedCase> decideAll(Path rulesDir, ClassLoader loader) throws IOException {
        RuleFiles rules = RuleFiles.read(rulesDir);
        CompileResult compiled = new RuleSetCompiler(loader).compile(rules);
        if (compiled instanceof CompileResult.Failed failed) {
            throw new IllegalArgumentException("the rules do not compile: " + failed.errors());
        }
        CompiledPolicy policy = ((CompileResult.Compiled) compiled).policy();
        Map<Duration, PolicyEvaluator> evaluators = new HashMap<>();
        List<DecidedCase> decided = new ArrayList<>();
        for (Map.Entry<String, byte[]> file : testFiles(rulesDir).entrySet()) {
            List<Case> cases;
            try {
                cases = parse(file.getKey(), file.getValue());
            } catch (InvalidTestFile e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
            for (Case testCase : cases) {
                Decision decision = evaluators.computeIfAbsent(testCase.defaultReviewTimeout(),
                        timeout -> new PolicyEvaluator(loader, timeout))
                        .evaluate(policy, testCase.request(), testCase.agent(), testCase.context());
                decided.add(new DecidedCase(testCase.file(), testCase.name(), testCase.request(), testCase.agent(),
                        testCase.context(), decision));
            }
        }
        return decided;
    }

    private static Map<String, byte[]> testFiles(Path rulesDir) throws IOException {
        Map<String, byte[]> tests = new TreeMap<>();
        Path testsDir = rulesDir.resolve("tests");
        if (Files.isDirectory(testsDir)) {
            try (Stream<Path> listing = Files.list(testsDir)) {
                for (Path file : listing.filter(RuleTests::isTestFile).sorted().toList()) {
                    tests.put("tests/" + file.getFileName(), Files.readAllBytes(file));
                }
            }
        }
        return tests;
    }

    /**
     * Compiles the rule files and runs every case of every test file against them. Never throws for bad input: rule
     * files that do not compile and test files that cannot be read are errors in the report.
     *
     * @param testFiles test file contents by name, such as {@code tests/data-export.yaml}
     */
    public static RuleTestReport run(List<RuleFiles.RuleFile> drlFiles, Map<String, byte[]> testFiles,
                                     ClassLoader loader) {
        RuleFiles rules = new RuleFiles(drlFiles, RuleFiles.versionOf(drlFiles));
        CompileResult compiled;
        try {
            compiled = new RuleSetCompiler(loader).compile(rules);
        } catch (RuntimeException | LinkageError e) {
            compiled = new CompileResult.Failed(rules.version(), List.of("the rule compiler failed: " + e));
        }
        List<String> errors = new ArrayList<>();
        List<Case> cases = new ArrayList<>();
        for (Map.Entry<String, byte[]> file : new TreeMap<>(testFiles).entrySet()) {
            try {
                cases.addAll(parse(file.getKey(), file.getValue()));
            } catch (InvalidTestFile e) {
                errors.add(e.getMessage());
            } catch (RuntimeException e) {
                // a value the parser let through but the request model refuses: still the file's fault, not a crash
                errors.add(file.getKey() + ": cannot be used: " + e);
            }
        }
        if (compiled instanceof CompileResult.Failed failed) {
            failed.errors().forEach(error -> errors.add("the rules do not compile: " + error));
            return new RuleTestReport(null, 0, List.of(), errors, List.of());
        }
        CompiledPolicy policy = ((CompileResult.Compiled) compiled).policy();
        Map<Duration, PolicyEvaluator> evaluators = new HashMap<>();
        Set<String> known = Set.copyOf(policy.ruleNames());
        List<RuleTestReport.Failure> failures = new ArrayList<>();
        Set<String> fired = new TreeSet<>();
        for (Case testCase : cases) {
            Decision decision;
            try {
                decision = evaluators.computeIfAbsent(testCase.defaultReviewTimeout(),
                        timeout -> new PolicyEvaluator(loader, timeout))
                        .evaluate(policy, testCase.request(), testCase.agent(), testCase.context());
            } catch (Exception | LinkageError | StackOverflowError e) {
                // as in production: a rule that throws denies the request
                decision = Decision.failClosed("policy evaluation failed: " + e, policy.version());
            }
            fired.addAll(decision.rules());
            List<String> mismatches = mismatches(testCase.expect(), decision, known);
            if (!mismatches.isEmpty()) {
                failures.add(new RuleTestReport.Failure(testCase.file(), testCase.line(), testCase.name(), mismatches,
                        describe(testCase.expect()), describe(decision), decision.rules(), decision.reasons()));
            }
        }
        List<String> uncovered = policy.ruleNames().stream().filter(name -> !fired.contains(name)).toList();
        return new RuleTestReport(policy.version(), cases.size(), failures, errors, uncovered);
    }

    private static boolean isTestFile(Path path) {
        String name = path.getFileName().toString();
        return (name.endsWith(".yaml") || name.endsWith(".yml")) && !name.startsWith(".") && Files.isRegularFile(path);
    }

    // ---- reading test files ----

    static List<Case> parse(String file, byte[] content) throws InvalidTestFile {
        JsonNode root;
        try {
            root = YAML.readTree(content);
        } catch (JsonProcessingException e) {
            throw new InvalidTestFile(file + (e.getLocation() == null ? "" : ":" + e.getLocation().getLineNr())
                    + ": not valid YAML: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new InvalidTestFile(file + ": cannot be read: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new InvalidTestFile(file + ": must be a mapping with 'cases' (and optionally 'defaults')");
        }
        Map<String, Integer> lines = lines(content);
        onlyKeys(file, "the file", root, FILE_KEYS, lines, "");
        Duration defaultReviewTimeout = DEFAULT_REVIEW_TIMEOUT;
        if (root.has("defaultReviewTimeout")) {
            String at = at(file, lines, "/defaultReviewTimeout");
            defaultReviewTimeout = duration(at, "the file", text(at, "the file", root, "defaultReviewTimeout", true));
            if (defaultReviewTimeout.isNegative() || defaultReviewTimeout.isZero()) {
                throw new InvalidTestFile(at + ": 'defaultReviewTimeout' must be positive");
            }
        }
        JsonNode defaults = root.path("defaults");
        if (!defaults.isMissingNode() && !defaults.isObject()) {
            throw new InvalidTestFile(at(file, lines, "/defaults") + ": 'defaults' must be a mapping");
        }
        if (defaults.isObject()) {
            onlyKeys(file, "defaults", defaults, DEFAULT_KEYS, lines, "/defaults");
        }
        JsonNode cases = root.get("cases");
        if (cases == null || !cases.isArray() || cases.isEmpty()) {
            throw new InvalidTestFile(at(file, lines, "/cases") + ": 'cases' must be a non-empty list");
        }
        List<Case> parsed = new ArrayList<>();
        Map<String, Integer> names = new LinkedHashMap<>();
        for (int i = 0; i < cases.size(); i++) {
            JsonNode item = cases.get(i);
            String pointer = "/cases/" + i;
            // every message about this case names the line it starts on
            String in = at(file, lines, pointer);
            String at = "case " + (i + 1);
            if (!item.isObject()) {
                throw new InvalidTestFile(in + ": " + at + " must be a mapping");
            }
            onlyKeys(file, at, item, CASE_KEYS, lines, pointer);
            String name = text(in, at, item, "name", true);
            Integer first = names.putIfAbsent(name, lines.getOrDefault(pointer, 0));
            if (first != null) {
                throw new InvalidTestFile(in + ": two cases are named '" + name + "'"
                        + (first > 0 ? " (the first is on line " + first + ")" : ""));
            }
            String where = "case '" + name + "'";
            ObjectNode request = merged(defaults, item.path("request"), in, where, lines, pointer + "/request", file);
            JsonNode context = mergedContext(defaults.path("context"), item.path("context"), in, where);
            if (!item.has("expect") || !item.get("expect").isObject()) {
                throw new InvalidTestFile(in + ": " + where + " needs 'expect' with at least 'outcome'");
            }
            onlyKeys(file, where + " expect", item.get("expect"), EXPECT_KEYS, lines, pointer + "/expect");
            if (item.path("context").isObject()) {
                onlyKeys(file, where + " context", item.get("context"), CONTEXT_KEYS, lines, pointer + "/context");
            }
            parsed.add(new Case(file, lines.getOrDefault(pointer, 0), name, request(in, where, request), agent(in, where, request),
                    context(in, where, context), expectation(in, where, item.get("expect")), defaultReviewTimeout));
        }
        return parsed;
    }

    /**
     * The line each node of a YAML document starts on, by JSON pointer ({@code /cases/3/request}), so that a message
     * about a case or a key can name its line; empty when the document cannot be read (the tree reader reports that).
     */
    static Map<String, Integer> lines(byte[] content) {
        Map<String, Integer> lines = new HashMap<>();
        try (JsonParser parser = YAML.getFactory().createParser(content)) {
            JsonToken token;
            while ((token = parser.nextToken()) != null) {
                if (token == JsonToken.END_OBJECT || token == JsonToken.END_ARRAY) {
                    continue;
                }
                // a field name's pointer includes the name; a value's (or a container's) is the node's own
                String pointer = parser.getParsingContext().pathAsPointer().toString();
                if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
                    pointer = parser.getParsingContext().getParent() == null ? ""
                            : parser.getParsingContext().getParent().pathAsPointer().toString();
                }
                lines.putIfAbsent(pointer, parser.currentTokenLocation().getLineNr());
            }
        } catch (IOException e) {
            // the tree reader has already accepted the content; lines are a courtesy
        }
        return lines;
    }

    /** {@code file:line} of the node at {@code pointer}, or just {@code file} when its line is not known. */
    private static String at(String file, Map<String, Integer> lines, String pointer) {
        Integer line = lines.get(pointer);
        return line == null || line < 1 ? file : file + ":" + line;
    }

    /** The file's default context overlaid, key by key, with the case's. */
    private static JsonNode mergedContext(JsonNode defaults, JsonNode context, String in, String where)
            throws InvalidTestFile {
        if (context.isMissingNode() || context.isNull()) {
            return defaults;
        }
        if (!context.isObject()) {
            throw new InvalidTestFile(in + ": " + where + ": 'context' must be a mapping");
        }
        if (!defaults.isObject()) {
            return context;
        }
        ObjectNode merged = ((ObjectNode) defaults).deepCopy();
        context.fields().forEachRemaining(e -> merged.set(e.getKey(), e.getValue()));
        return merged;
    }

    /** The file's defaults (request keys only) overlaid with the case's request. */
    private static ObjectNode merged(JsonNode defaults, JsonNode request, String file, String where,
                                     Map<String, Integer> lines, String pointer, String fileName)
            throws InvalidTestFile {
        ObjectNode merged = JsonNodeFactory.instance.objectNode();
        if (defaults.isObject()) {
            defaults.fields().forEachRemaining(e -> {
                if (REQUEST_KEYS.contains(e.getKey())) {
                    merged.set(e.getKey(), e.getValue());
                }
            });
        }
        if (!request.isMissingNode()) {
            if (!request.isObject()) {
                throw new InvalidTestFile(file + ": " + where + ": 'request' must be a mapping");
            }
            onlyKeys(fileName, where + " request", request, REQUEST_KEYS, lines, pointer);
            request.fields().forEachRemaining(e -> merged.set(e.getKey(), e.getValue()));
        }
        return merged;
    }

    private static ActionRequest request(String file, String where, ObjectNode json) throws InvalidTestFile {
        String action = text(file, where, json, "action", true);
        String environment = text(file, where, json, "environment", true);
        String resource = json.has("resource") ? text(file, where, json, "resource", true) : "resource";
        String justification = json.has("justification") ? text(file, where, json, "justification", false)
                : "rule test";
        JsonNode parameters = json.path("parameters");
        if (parameters.isMissingNode() || parameters.isNull()) {
            parameters = JsonNodeFactory.instance.objectNode();
        } else if (!parameters.isObject()) {
            throw new InvalidTestFile(file + ": " + where + ": 'parameters' must be a mapping");
        }
        Instant receivedAt = DEFAULT_RECEIVED_AT;
        if (json.has("receivedAt")) {
            try {
                receivedAt = Instant.parse(text(file, where, json, "receivedAt", true));
            } catch (DateTimeParseException e) {
                throw new InvalidTestFile(file + ": " + where + ": 'receivedAt' must be an instant such as"
                        + " 2026-01-05T10:00:00Z");
            }
        }
        String agent = json.has("agent") ? text(file, where, json, "agent", true) : "rule-test-agent";
        Action body = new Action(action, resource, parameters, environment, agent, strings(file, where, json,
                "onBehalfOf"));
        return new ActionRequest("rule-test", body, justification == null ? "" : justification, "sha256:rule-test",
                receivedAt, null);
    }

    private static Agent agent(String file, String where, ObjectNode json) throws InvalidTestFile {
        String id = json.has("agent") ? text(file, where, json, "agent", true) : "rule-test-agent";
        List<String> actsFor = json.has("actsFor") ? strings(file, where, json, "actsFor")
                : strings(file, where, json, "onBehalfOf");
        return new Agent(id, actsFor);
    }

    private static PolicyContext context(String file, String where, JsonNode json) throws InvalidTestFile {
        if (json.isMissingNode() || json.isNull()) {
            return PolicyContext.none();
        }
        if (!json.isObject()) {
            throw new InvalidTestFile(file + ": " + where + ": 'context' must be a mapping");
        }
        onlyKeys(file, where + " context", json, CONTEXT_KEYS, Map.of(), "");
        Map<String, Set<String>> groups = new TreeMap<>();
        JsonNode humanGroups = json.path("humanGroups");
        if (!humanGroups.isMissingNode()) {
            if (!humanGroups.isObject()) {
                throw new InvalidTestFile(file + ": " + where + ": 'humanGroups' maps each human to a list of groups");
            }
            for (Iterator<String> humans = humanGroups.fieldNames(); humans.hasNext(); ) {
                String human = humans.next();
                groups.put(human, new TreeSet<>(strings(file, where, humanGroups, human)));
            }
        }
        long today = count(file, where, json, "sameActionToday");
        long lastHour = count(file, where, json, "sameActionLastHour");
        JsonNode breakGlass = json.path("breakGlass");
        if (!breakGlass.isMissingNode() && !breakGlass.isBoolean()) {
            throw new InvalidTestFile(file + ": " + where + ": 'breakGlass' must be true or false");
        }
        return new PolicyContext(groups, today, lastHour, breakGlass.asBoolean(false));
    }

    private static Expectation expectation(String file, String where, JsonNode json) throws InvalidTestFile {
        onlyKeys(file, where + " expect", json, EXPECT_KEYS, Map.of(), "");
        String outcomeText = text(file, where, json, "outcome", true);
        Outcome outcome;
        try {
            outcome = Outcome.valueOf(outcomeText.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidTestFile(file + ": " + where + ": 'outcome' must be ALLOW, DENY or REVIEW, not "
                    + outcomeText);
        }
        boolean review = outcome == Outcome.REVIEW;
        for (String key : List.of("quorums", "timeout", "escalations", "channels", "stepUp")) {
            if (json.has(key) && !review) {
                throw new InvalidTestFile(file + ": " + where + ": '" + key + "' belongs to a REVIEW expectation");
            }
        }
        Map<String, Integer> quorums = null;
        if (review) {
            JsonNode quorumsJson = json.path("quorums");
            if (!quorumsJson.isObject() || quorumsJson.isEmpty()) {
                throw new InvalidTestFile(file + ": " + where + ": a REVIEW expectation states 'quorums', such as"
                        + " {data-owners: 1}");
            }
            quorums = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = quorumsJson.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                if (!entry.getValue().canConvertToInt() || !entry.getValue().isIntegralNumber()
                        || entry.getValue().intValue() < 1) {
                    throw new InvalidTestFile(file + ": " + where + ": quorum of " + entry.getKey()
                            + " must be a whole number of approvals");
                }
                quorums.put(entry.getKey(), entry.getValue().intValue());
            }
        }
        Duration timeout = json.has("timeout") ? duration(file, where, text(file, where, json, "timeout", true))
                : null;
        List<Escalation> escalations = null;
        if (json.has("escalations")) {
            escalations = new ArrayList<>();
            JsonNode steps = json.get("escalations");
            if (!steps.isArray()) {
                throw new InvalidTestFile(file + ": " + where + ": 'escalations' is a list of {after, group}");
            }
            for (JsonNode step : steps) {
                if (!step.isObject()) {
                    throw new InvalidTestFile(file + ": " + where + ": each escalation is {after, group}");
                }
                escalations.add(new Escalation(duration(file, where, text(file, where, step, "after", true)),
                        text(file, where, step, "group", true)));
            }
        }
        List<String> channels = json.has("channels") ? strings(file, where, json, "channels") : null;
        Duration breakGlass = null;
        boolean breakGlassGiven = json.has("breakGlass");
        if (breakGlassGiven) {
            String value = text(file, where, json, "breakGlass", true);
            breakGlass = value.equalsIgnoreCase("none") || value.equalsIgnoreCase("false") ? null
                    : duration(file, where, value);
        }
        Set<String> rules = json.has("rules") ? new TreeSet<>(strings(file, where, json, "rules")) : null;
        List<String> reasons = json.has("reasons") ? strings(file, where, json, "reasons") : List.of();
        Boolean stepUp = null;
        if (json.has("stepUp")) {
            if (!json.get("stepUp").isBoolean()) {
                throw new InvalidTestFile(file + ": " + where + ": 'stepUp' must be true or false");
            }
            stepUp = json.get("stepUp").asBoolean();
        }
        return new Expectation(outcome, quorums, timeout, escalations, channels, breakGlass, breakGlassGiven, rules,
                reasons, stepUp);
    }

    // ---- comparing ----

    static List<String> mismatches(Expectation expect, Decision actual, Set<String> known) {
        List<String> mismatches = new ArrayList<>();
        if (expect.rules() != null) {
            // a renamed or deleted rule: say so, rather than only that it did not fire
            for (String rule : expect.rules()) {
                if (!known.contains(rule)) {
                    mismatches.add("no rule is named '" + rule + "' in the rule set");
                }
            }
        }
        if (expect.outcome() != actual.outcome()) {
            mismatches.add("outcome: expected " + expect.outcome() + ", got " + actual.outcome());
        }
        if (actual.route() != null && expect.outcome() == Outcome.REVIEW) {
            Map<String, Integer> quorums = new TreeMap<>();
            actual.route().quorums().forEach(q -> quorums.put(q.group(), q.approvals()));
            if (!quorums.equals(expect.quorums())) {
                mismatches.add("quorums: expected " + quorums(expect.quorums()) + ", got " + quorums(quorums));
            }
            if (expect.timeout() != null && !expect.timeout().equals(actual.route().timeout())) {
                mismatches.add("timeout: expected " + expect.timeout() + ", got " + actual.route().timeout());
            }
            if (expect.escalations() != null && !expect.escalations().equals(actual.route().escalations())) {
                mismatches.add("escalations: expected " + steps(expect.escalations()) + ", got "
                        + steps(actual.route().escalations()));
            }
            if (expect.channels() != null && !expect.channels().equals(actual.route().channels())) {
                mismatches.add("channels: expected " + expect.channels() + ", got " + actual.route().channels());
            }
            if (expect.stepUp() != null && expect.stepUp() != actual.route().stepUp()) {
                mismatches.add("step-up: expected " + (expect.stepUp() ? "required" : "not required") + ", got "
                        + (actual.route().stepUp() ? "required" : "not required"));
            }
        }
        if (expect.breakGlassGiven()) {
            Duration got = actual.breakGlass() == null ? null : actual.breakGlass().grantTtl();
            if (!java.util.Objects.equals(expect.breakGlass(), got)) {
                mismatches.add("break-glass: expected " + (expect.breakGlass() == null ? "none" : expect.breakGlass())
                        + ", got " + (got == null ? "none" : got));
            }
        }
        if (expect.rules() != null && !expect.rules().equals(new TreeSet<>(actual.rules()))) {
            Set<String> missing = new TreeSet<>(expect.rules());
            missing.removeAll(actual.rules());
            Set<String> extra = new TreeSet<>(actual.rules());
            extra.removeAll(expect.rules());
            mismatches.add("rules fired: " + (missing.isEmpty() ? "" : "did not fire " + missing + " ")
                    + (extra.isEmpty() ? "" : "fired too " + extra));
        }
        for (String reason : expect.reasons()) {
            if (!actual.reasons().contains(reason)) {
                mismatches.add("reason missing: " + reason);
            }
        }
        return mismatches;
    }

    /** A decision on one line: outcome, route (quorums, timeout, escalations, channels) and break-glass. */
    public static String describe(Decision decision) {
        StringBuilder text = new StringBuilder(decision.outcome().name());
        if (decision.route() != null) {
            Map<String, Integer> quorums = new LinkedHashMap<>();
            for (GroupQuorum quorum : decision.route().quorums()) {
                quorums.put(quorum.group(), quorum.approvals());
            }
            text.append(' ').append(quorums(quorums)).append(", timeout ").append(decision.route().timeout());
            if (!decision.route().escalations().isEmpty()) {
                text.append(", escalations ").append(steps(decision.route().escalations()));
            }
            if (!decision.route().channels().isEmpty()) {
                text.append(", channels ").append(String.join(", ", decision.route().channels()));
            }
            if (decision.route().stepUp()) {
                text.append(", step-up");
            }
        }
        if (decision.breakGlass() != null) {
            text.append(", break-glass ").append(decision.breakGlass().grantTtl());
        }
        return text.toString();
    }

    private static String describe(Expectation expect) {
        StringBuilder text = new StringBuilder(expect.outcome().name());
        if (expect.quorums() != null) {
            text.append(' ').append(quorums(expect.quorums()));
        }
        if (expect.timeout() != null) {
            text.append(", timeout ").append(expect.timeout());
        }
        if (expect.escalations() != null) {
            text.append(", escalations ").append(expect.escalations().isEmpty() ? "none" : steps(expect.escalations()));
        }
        if (expect.channels() != null) {
            text.append(", channels ").append(expect.channels().isEmpty() ? "any" : String.join(", ",
                    expect.channels()));
        }
        if (expect.stepUp() != null) {
            text.append(expect.stepUp() ? ", step-up" : ", no step-up");
        }
        if (expect.breakGlassGiven()) {
            text.append(", break-glass ").append(expect.breakGlass() == null ? "none" : expect.breakGlass());
        }
        return text.toString();
    }

    private static String quorums(Map<String, Integer> quorums) {
        List<String> parts = new ArrayList<>();
        quorums.forEach((group, approvals) -> parts.add(group + "×" + approvals));
        return String.join(" + ", parts);
    }

    private static String steps(List<Escalation> steps) {
        return String.join(", ", steps.stream().map(s -> s.group() + " after " + s.after()).toList());
    }

    // ---- small readers ----

    /** An unknown key is a mistake (a misspelt one would silently be ignored): the message names its line. */
    private static void onlyKeys(String file, String where, JsonNode json, Set<String> known,
                                 Map<String, Integer> lines, String pointer) throws InvalidTestFile {
        for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                String key = pointer + "/" + name.replace("~", "~0").replace("/", "~1");
                throw new InvalidTestFile(at(file, lines, key) + ": " + where + ": unknown key '" + name
                        + "'; expected one of " + new TreeSet<>(known));
            }
        }
    }

    private static String text(String file, String where, JsonNode json, String key, boolean required)
            throws InvalidTestFile {
        JsonNode value = json.get(key);
        if (value == null || value.isNull()) {
            if (required) {
                throw new InvalidTestFile(file + ": " + where + ": '" + key + "' is required");
            }
            return null;
        }
        if (!value.isValueNode()) {
            throw new InvalidTestFile(file + ": " + where + ": '" + key + "' must be a single value");
        }
        return value.asText();
    }

    private static List<String> strings(String file, String where, JsonNode json, String key) throws InvalidTestFile {
        JsonNode value = json.get(key);
        if (value == null || value.isNull()) {
            return List.of();
        }
        if (value.isValueNode()) {
            return List.of(value.asText());
        }
        if (!value.isArray()) {
            throw new InvalidTestFile(file + ": " + where + ": '" + key + "' must be a list");
        }
        List<String> values = new ArrayList<>();
        for (JsonNode item : value) {
            if (!item.isValueNode()) {
                throw new InvalidTestFile(file + ": " + where + ": '" + key + "' must be a list of strings");
            }
            values.add(item.asText());
        }
        return values;
    }

    private static long count(String file, String where, JsonNode json, String key) throws InvalidTestFile {
        JsonNode value = json.get(key);
        if (value == null) {
            return 0;
        }
        if (!value.isIntegralNumber() || value.longValue() < 0) {
            throw new InvalidTestFile(file + ": " + where + ": '" + key + "' must be a whole number ≥ 0");
        }
        return value.longValue();
    }

    private static Duration duration(String file, String where, String text) throws InvalidTestFile {
        try {
            return Duration.parse(text);
        } catch (DateTimeParseException e) {
            throw new InvalidTestFile(file + ": " + where + ": '" + text + "' is not an ISO-8601 duration such as"
                    + " PT30M");
        }
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new LinkedHashSet<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }
}
