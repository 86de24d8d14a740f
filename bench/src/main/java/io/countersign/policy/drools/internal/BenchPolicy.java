package io.countersign.policy.drools.internal;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.Agent;
import io.countersign.api.GroupQuorum;
import io.countersign.api.Journal;
import io.countersign.api.ReviewRoute;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The node's policy engine outside OSGi for the restart benchmark's history generator: governed mode on the given
 * journal, so an empty journal gets the same {@code policy.activated} bootstrap entry (rule files and tests in full)
 * that a node writes on its first start, stamped with the generator's simulated clock. Bench code only; it lives in
 * the engine's package because the constructor taking a clock is package-private.
 */
public final class BenchPolicy {

    private BenchPolicy() {
    }

    public static DroolsPolicyEngine governed(Path rulesDir, Journal journal, Clock clock) throws IOException {
        DroolsPolicyEngine.Config config = (DroolsPolicyEngine.Config) Proxy.newProxyInstance(
                DroolsPolicyEngine.Config.class.getClassLoader(), new Class<?>[] {DroolsPolicyEngine.Config.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "rulesDir" -> rulesDir.toAbsolutePath().toString();
                    case "mode" -> DroolsPolicyEngine.GOVERNED;
                    case "watch" -> false;
                    case "defaultReviewTimeout" -> "PT1H";
                    case "annotationType" -> DroolsPolicyEngine.Config.class;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> "BenchPolicy.Config(" + rulesDir + ")";
                    default -> method.getDefaultValue();
                });
        return new DroolsPolicyEngine(config, journal, clock);
    }

    /** Releases the engine's sessions (its deactivation). */
    public static void close(DroolsPolicyEngine engine) {
        engine.deactivate();
    }

    // ---- policy changes, as PolicyGovernance makes them ---------------------------------------------------------

    /** The action of a policy change's review request, and who raises it. */
    public static final String CHANGE_ACTION = PolicyGovernance.ACTION;
    public static final Agent CHANGE_RAISED_BY = PolicyGovernance.RAISED_BY;

    /** A rule set proposed for review (PolicyGovernance.proposeChecked): what its review request and entry carry. */
    public record Proposal(String change, String author, String description, String version, String baseVersion,
                           int testCases, Map<String, String> files, ReviewRoute route, String reason,
                           ObjectNode parameters) {

        /** The {@code policy.proposed} entry's data, once the review request {@code reviewRequest} is raised. */
        public ObjectNode entry(String reviewRequest, Instant at) {
            ObjectNode data = JsonNodeFactory.instance.objectNode();
            data.put("change", change);
            data.put("reviewRequest", reviewRequest);
            data.put("author", author);
            data.put("description", description);
            data.put("version", version);
            data.put("baseVersion", baseVersion);
            data.put("testCases", testCases);
            data.put("at", at.toString());
            data.set("files", PolicyEntries.files(files));
            return data;
        }
    }

    /** A directory's rule files and tests as the file map a policy admin proposes (NAME.drl, tests/NAME.yaml). */
    public static Map<String, String> files(Path rulesDir) throws IOException {
        Map<String, String> files = new TreeMap<>();
        for (Path dir : List.of(rulesDir, rulesDir.resolve("tests"))) {
            try (Stream<Path> list = Files.list(dir)) {
                for (Path file : list.filter(Files::isRegularFile).toList()) {
                    String name = (dir.equals(rulesDir) ? "" : "tests/") + file.getFileName();
                    if (PolicyEntries.isRuleFile(name) || PolicyEntries.isTestFile(name)) {
                        files.put(name, Files.readString(file));
                    }
                }
            }
        }
        return files;
    }

    /**
     * Checks a proposed rule set as the governance does (it compiles and passes its tests, it is not the active one)
     * and returns what the review request and the {@code policy.proposed} entry carry: the default route, two
     * approvals of policy-admins within P2D.
     */
    public static Proposal propose(DroolsPolicyEngine engine, String change, String author,
                                   Map<String, String> files, String description) {
        RuleTestReport report = RuleTests.run(PolicyEntries.ruleFiles(files), PolicyEntries.testFiles(files),
                DroolsPolicyEngine.loader());
        if (!report.passed()) {
            throw new IllegalArgumentException("the proposed rule set fails its tests:\n" + report.text());
        }
        String base = engine.startedVersion();
        if (report.version().equals(base)) {
            throw new IllegalArgumentException("rule set " + base + " is already active");
        }
        ObjectNode parameters = JsonNodeFactory.instance.objectNode();
        parameters.put("change", change);
        parameters.put("version", report.version());
        parameters.put("baseVersion", base);
        var listed = parameters.putArray("files");
        new TreeMap<>(files).forEach((name, text) -> listed.addObject().put("name", name).put("sha256",
                sha256(text)));
        parameters.putObject("tests").put("cases", report.cases());
        ReviewRoute route = new ReviewRoute(List.of(new GroupQuorum("policy-admins", 2)), Duration.ofDays(2), 1);
        String reason = "policy change by " + author + (description.isEmpty() ? "" : ": " + description)
                + "; rule set " + report.version() + " passes its " + report.cases() + " test cases; it goes live"
                + " only when 2 members of policy-admins other than the author approve";
        return new Proposal(change, author, description, report.version(), base, report.cases(),
                new TreeMap<>(files), route, reason, parameters);
    }

    /** PolicyGovernance.settle of an approved change: compiled again, then journaled and installed by the engine. */
    public static String activate(DroolsPolicyEngine engine, Proposal proposal, String reviewRequest,
                                  List<String> approvers) {
        List<RuleFiles.RuleFile> rules = PolicyEntries.ruleFiles(proposal.files());
        CompileResult compiled = engine.compile(new RuleFiles(rules, RuleFiles.versionOf(rules)));
        if (compiled instanceof CompileResult.Failed || !compiled.version().equals(proposal.version())) {
            throw new IllegalStateException("the approved rule set no longer compiles to " + proposal.version());
        }
        engine.activateApproved(((CompileResult.Compiled) compiled).policy(), proposal.files(), proposal.change(),
                reviewRequest, approvers);
        return engine.version();
    }

    private static String sha256(String text) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
