package io.countersign.policy.drools.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.countersign.api.ActionRequest;
import io.countersign.api.ActivePolicy;
import io.countersign.api.Agent;
import io.countersign.api.Decision;
import io.countersign.api.Journal;
import io.countersign.api.JournalEntry;
import io.countersign.api.PolicyContext;
import io.countersign.api.PolicyEngine;
import io.countersign.api.health.Readiness;
import io.countersign.api.health.ReadinessCheck;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link PolicyEngine} service. In {@code governed} mode (the default) the active rule set is the one the journal
 * last recorded as activated: the rules directory is read once, as the bootstrap of an empty journal, and afterwards
 * a rule set goes live only through an approved policy change ({@link PolicyGovernance}). In {@code development}
 * mode the directory is hot reloaded, for one engineer's machine. Immediate, so that the rules compile (and any
 * error is logged) when the configuration arrives, not on the first request.
 */
@Component(service = {PolicyEngine.class, DroolsPolicyEngine.class, ReadinessCheck.class},
        configurationPid = DroolsPolicyEngine.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true)
@Designate(ocd = DroolsPolicyEngine.Config.class)
public final class DroolsPolicyEngine implements PolicyEngine, ReadinessCheck {
    static final String PID = "io.countersign.policy";
    static final String GOVERNED = "governed";
    static final String DEVELOPMENT = "development";
    private static final Duration DEBOUNCE = Duration.ofMillis(200);
    private static final Logger LOG = LoggerFactory.getLogger(DroolsPolicyEngine.class);

    @ObjectClassDefinition(name = "Countersign policy (Drools)",
            description = "Decides every action with the DRL rules in a directory")
    public @interface Config {
        @AttributeDefinition(name = "Rules directory",
                description = "Directory of *.drl files; a relative path is resolved against karaf.base")
        String rulesDir();

        @AttributeDefinition(name = "Mode", description = "governed: rule sets go live only through approved policy"
                + " changes (the directory is the bootstrap of an empty journal); development: the directory is hot"
                + " reloaded, never in production",
                options = {@Option(label = "governed", value = GOVERNED), @Option(label = "development",
                        value = DEVELOPMENT)})
        String mode() default GOVERNED;

        @AttributeDefinition(name = "Hot reload",
                description = "In development mode: rebuild and swap the rule set when a file in the directory changes")
        boolean watch() default true;

        @AttributeDefinition(name = "Default review timeout",
                description = "ISO-8601 duration reviewers have when no rule sets a deadline")
        String defaultReviewTimeout() default "PT1H";
    }

    private final PolicyRuntime runtime;
    private final String mode;
    private final Journal journal;
    private final Clock clock;
    private final AtomicReference<ActivePolicy> active = new AtomicReference<>();
    /** The policy-change entries read at start, for the change component to take once instead of reading again. */
    private final AtomicReference<History> history = new AtomicReference<>();

    /** Every policy-change entry before {@code nextSeq}, in journal order. */
    record History(List<JournalEntry> entries, long nextSeq) {
    }

    @Activate
    public DroolsPolicyEngine(Config config, @Reference Journal journal) throws IOException {
        this(config, journal, Clock.systemUTC());
    }

    DroolsPolicyEngine(Config config, Journal journal, Clock clock) throws IOException {
        this.mode = mode(config);
        this.journal = journal;
        this.clock = clock;
        // the bundle's own loader: it sees the embedded Drools jars, ECJ and the fact model
        runtime = new PolicyRuntime(rulesDir(config), reviewTimeout(config), loader());
        if (mode.equals(DEVELOPMENT)) {
            LOG.warn("policy in DEVELOPMENT mode: rule files in {} go live when they change, without review; never"
                    + " run production like this", runtime.rulesDir());
            runtime.reload();
            active.set(new ActivePolicy(runtime.version(), clock.instant(), null, List.of(), mode));
            if (config.watch()) {
                try {
                    runtime.startWatching(DEBOUNCE);
                } catch (IOException e) {
                    runtime.close();
                    throw e;
                }
            }
        } else {
            startGoverned();
        }
    }

    static ClassLoader loader() {
        return DroolsPolicyEngine.class.getClassLoader();
    }

    @Deactivate
    void deactivate() {
        runtime.close();
    }

    @Override
    public Decision decide(ActionRequest request, Agent agent, PolicyContext context) {
        return runtime.decide(request, agent, context);
    }

    @Override
    public String version() {
        return runtime.version();
    }

    @Override
    public boolean isReady() {
        return runtime.failure() == null;
    }

    /** Not ready while no rule set decides: every request is then denied (fail closed), never approved. */
    @Override
    public Readiness readiness() {
        ObjectNode details = JsonNodeFactory.instance.objectNode().put("version", runtime.version())
                .put("mode", mode);
        String failure = runtime.failure();
        return failure == null ? Readiness.ready("policy", details)
                : Readiness.notReady("policy", "policy-failed-closed", failure, Duration.ofSeconds(30), details);
    }

    /** Rebuilds from the rules directory now; development mode only, a governed policy changes only by approval. */
    public ReloadResult reload() {
        if (!mode.equals(DEVELOPMENT)) {
            throw new IllegalStateException("the policy is governed: propose the change for review instead");
        }
        ReloadResult result = runtime.reload();
        if (result.activated()) {
            active.set(new ActivePolicy(runtime.version(), clock.instant(), null, List.of(), mode));
        }
        return result;
    }

    ActivePolicy active() {
        ActivePolicy current = active.get();
        return current != null ? current : new ActivePolicy(runtime.version(), null, null, List.of(), mode);
    }

    String mode() {
        return mode;
    }

    /**
     * The policy-change entries this engine read at start, handed over once: the change component then reads only
     * the journal after them. Empty (from seq 0) when it read none (development mode) or they were taken already.
     */
    History takeHistory() {
        History taken = history.getAndSet(null);
        return taken != null ? taken : new History(List.of(), 0);
    }

    Path rulesDir() {
        return runtime.rulesDir();
    }

    CompileResult compile(RuleFiles files) {
        return runtime.compile(files);
    }

    /**
     * Activates an approved rule set: journals {@code policy.activated} with its files, and only once that is durable
     * swaps it in, so the journal never lacks a rule set that decided.
     */
    void activateApproved(CompiledPolicy policy, Map<String, String> files, String change, String reviewRequest,
                          List<String> approvers) {
        Instant at = clock.instant();
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        data.put("version", policy.version());
        data.put("previousVersion", runtime.version());
        data.put("change", change);
        data.put("reviewRequest", reviewRequest);
        approvers.forEach(data.putArray("approvers")::add);
        data.put("mode", mode);
        data.put("at", at.toString());
        data.set("files", PolicyEntries.files(files));
        journal.append(PolicyEntries.ACTIVATED, data).join();
        runtime.install(policy);
        active.set(new ActivePolicy(policy.version(), at, change, approvers, mode));
    }

    /**
     * The last rule set the journal says was activated, recompiled from the journal's copy of its files; an empty
     * journal activates the directory's rule set as the bootstrap. Fails closed: a journaled rule set that no longer
     * compiles, or a journal that cannot be read, leaves no active rule set, never the directory's.
     */
    private void startGoverned() {
        JsonNode[] last = new JsonNode[1];
        List<JournalEntry> policyEntries = new ArrayList<>();
        long[] next = new long[1];
        try {
            journal.replay(0, entry -> {
                next[0] = entry.seq() + 1;
                if (PolicyEntries.isPolicyChange(entry.type())) {
                    policyEntries.add(entry);
                    if (entry.type().equals(PolicyEntries.ACTIVATED)) {
                        last[0] = entry.data();
                    }
                }
            });
            history.set(new History(policyEntries, next[0]));
        } catch (RuntimeException e) {
            runtime.failClosed("the journal could not be read for the active rule set: " + e);
            return;
        }
        RuleFiles directory = null;
        try {
            directory = RuleFiles.read(runtime.rulesDir());
        } catch (IOException e) {
            LOG.warn("the rules directory cannot be read: {}", e.getMessage());
        }
        if (last[0] == null) {
            bootstrap(directory);
            return;
        }
        JsonNode entry = last[0];
        Map<String, String> files = PolicyEntries.files(entry.path("files"));
        RuleFiles rules = new RuleFiles(PolicyEntries.ruleFiles(files), RuleFiles.versionOf(PolicyEntries.ruleFiles(
                files)));
        String version = entry.path("version").asText();
        if (!rules.version().equals(version)) {
            runtime.failClosed("the journaled rule set " + version + " does not match its files (" + rules.version()
                    + ")");
            return;
        }
        CompileResult result = runtime.compile(rules);
        if (result instanceof CompileResult.Failed failed) {
            runtime.failClosed("the approved rule set " + version + " no longer compiles: " + failed.errors());
            return;
        }
        runtime.install(((CompileResult.Compiled) result).policy());
        List<String> approvers = new ArrayList<>();
        entry.path("approvers").forEach(a -> approvers.add(a.asText()));
        active.set(new ActivePolicy(version, Instant.parse(entry.path("at").asText()),
                entry.hasNonNull("change") ? entry.get("change").asText() : null, approvers, mode));
        if (directory != null && !directory.version().equals(version)) {
            LOG.warn("the rules in {} ({}) differ from the approved rule set {}: they are not used; propose them as a"
                    + " policy change to have them reviewed", runtime.rulesDir(), directory.version(), version);
        }
    }

    private void bootstrap(RuleFiles directory) {
        if (directory == null) {
            runtime.failClosed("no rule set was ever activated and the rules directory " + runtime.rulesDir()
                    + " cannot be read");
            return;
        }
        CompileResult result = runtime.compile(directory);
        if (result instanceof CompileResult.Failed failed) {
            runtime.failClosed("no valid rule set: the bootstrap rules in " + runtime.rulesDir() + " do not compile: "
                    + failed.errors());
            return;
        }
        CompiledPolicy policy = ((CompileResult.Compiled) result).policy();
        Map<String, byte[]> tests;
        try {
            tests = testsOf(runtime.rulesDir());
        } catch (IOException e) {
            tests = Map.of();
        }
        Instant at = clock.instant();
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        data.put("version", policy.version());
        data.put("bootstrap", true);
        data.putArray("approvers");
        data.put("mode", mode);
        data.put("at", at.toString());
        data.set("files", PolicyEntries.files(PolicyEntries.filesOf(directory, tests)));
        journal.append(PolicyEntries.ACTIVATED, data).join();
        runtime.install(policy);
        active.set(new ActivePolicy(policy.version(), at, null, List.of(), mode));
        LOG.info("policy bootstrap: rule set {} from {} is active and journaled; from now on it changes only through"
                + " approved policy changes", policy.version(), runtime.rulesDir());
    }

    static Map<String, byte[]> testsOf(Path rulesDir) throws IOException {
        Map<String, byte[]> tests = new java.util.TreeMap<>();
        Path dir = rulesDir.resolve("tests");
        if (java.nio.file.Files.isDirectory(dir)) {
            try (var listing = java.nio.file.Files.list(dir)) {
                for (Path file : listing.filter(f -> PolicyEntries.isTestFile("tests/" + f.getFileName())).sorted()
                        .toList()) {
                    tests.put("tests/" + file.getFileName(), java.nio.file.Files.readAllBytes(file));
                }
            }
        }
        return tests;
    }

    private static String mode(Config config) {
        String mode = config.mode() == null ? GOVERNED : config.mode().strip();
        if (!mode.equals(GOVERNED) && !mode.equals(DEVELOPMENT)) {
            throw new IllegalArgumentException(PID + ": mode must be governed or development, got " + mode);
        }
        return mode;
    }

    private static Path rulesDir(Config config) {
        String configured = config.rulesDir();
        if (configured == null || configured.isBlank()) {
            throw new IllegalArgumentException(PID + ": rulesDir is not configured");
        }
        Path path = Path.of(configured.strip());
        String base = System.getProperty("karaf.base");
        return path.isAbsolute() || base == null ? path : Path.of(base).resolve(path);
    }

    private static Duration reviewTimeout(Config config) {
        try {
            return Duration.parse(config.defaultReviewTimeout().strip());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(PID + ": defaultReviewTimeout must be an ISO-8601 duration such as"
                    + " PT1H, got " + config.defaultReviewTimeout(), e);
        }
    }
}
