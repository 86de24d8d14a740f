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
import io.countersign.api.MerkleLog;
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
import java.util.concurrent.Executor;
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
 * <p>
 * A governed start reads the policy history from {@code state.bin} and the journal after it ({@link PolicyRestore}),
 * not the whole journal, and compiles the active rule set on a thread of its own: the service registers at once, is
 * not ready ({@code starting}) until the compile is done, and decisions wait for it.
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

        @AttributeDefinition(name = "State directory", required = false, description = "Where state.bin is kept: the"
                + " positions of the policy's entries in the journal, so that a start reads those and the journal's"
                + " tail instead of the whole journal. Derived data, safe to delete. Empty: ${countersign.data}/policy;"
                + " a relative path is resolved against karaf.base")
        String stateDirectory() default "";

        @AttributeDefinition(name = "Decision wait at start", description = "ISO-8601 duration a decision waits for"
                + " the rule set being compiled at start before it is denied (fail closed)")
        String startWait() default "PT30S";
    }

    static final String STARTING = "the policy is being compiled";

    private final PolicyRuntime runtime;
    private final String mode;
    private final Journal journal;
    private final MerkleLog merkle;
    private final Clock clock;
    private final Duration startWait;
    private final AtomicReference<ActivePolicy> active = new AtomicReference<>();
    /** The policy-change entries read at start, for the change component to take once instead of reading again. */
    private final AtomicReference<PolicyHistory> history = new AtomicReference<>();
    private final PolicyFollower follower;
    private final PolicyStartup startup;

    @Activate
    public DroolsPolicyEngine(Config config, @Reference Journal journal, @Reference MerkleLog merkle)
            throws IOException {
        this(config, journal, merkle, Clock.systemUTC(), PolicyStartup.ownThread());
    }

    /**
     * Outside OSGi without a Merkle log (tools, the benchmark's generator): no {@code state.bin} is kept, and the start
     * is complete when the constructor returns.
     */
    DroolsPolicyEngine(Config config, Journal journal, Clock clock) throws IOException {
        this(config, journal, null, clock, Runnable::run);
    }

    /**
     * @param merkle the journal's tree, for {@code state.bin}; {@code null} keeps none
     * @param starter runs the governed start (the compile) off the activating thread
     */
    DroolsPolicyEngine(Config config, Journal journal, MerkleLog merkle, Clock clock, Executor starter)
            throws IOException {
        this.mode = mode(config);
        this.journal = journal;
        this.merkle = merkle;
        this.clock = clock;
        this.startWait = duration(config.startWait(), "PT30S", "startWait");
        // the bundle's own loader: it sees the embedded Drools jars, ECJ and the fact model
        runtime = new PolicyRuntime(rulesDir(config), duration(config.defaultReviewTimeout(), "PT1H",
                "defaultReviewTimeout"), loader());
        if (mode.equals(DEVELOPMENT)) {
            follower = null;
            startup = PolicyStartup.completed();
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
            PolicyStateFile stateFile = merkle == null ? null : stateFile(config);
            PolicyRestore restored = restore(stateFile);
            follower = restored == null || stateFile == null ? null : follow(stateFile, restored);
            startup = restored == null ? PolicyStartup.completed() : PolicyStartup.run(starter,
                    () -> startGoverned(restored.history().lastActivated()),
                    this::failedToStart);
        }
    }

    static ClassLoader loader() {
        return DroolsPolicyEngine.class.getClassLoader();
    }

    @Deactivate
    void deactivate() {
        // a start still running would journal or install into what is being closed
        startup.await(startWait);
        if (follower != null) {
            follower.close();
        }
        runtime.close();
    }

    /** Waits for the start (bounded): until the rule set compiled, or failed to, nothing decides. */
    @Override
    public Decision decide(ActionRequest request, Agent agent, PolicyContext context) {
        if (!started()) {
            return Decision.failClosed(STARTING + " and did not finish within " + startWait
                    + ": every action is denied until it does", PolicyRuntime.NO_VERSION);
        }
        return runtime.decide(request, agent, context);
    }

    @Override
    public String version() {
        return runtime.version();
    }

    /** The version once the start is done (waiting as long as a decision would): what policy changes build on. */
    String startedVersion() {
        started();
        return runtime.version();
    }

    @Override
    public boolean isReady() {
        return startup.isDone() && runtime.failure() == null;
    }

    /** Not ready while no rule set decides: every request is then denied (fail closed), never approved. */
    @Override
    public Readiness readiness() {
        ObjectNode details = JsonNodeFactory.instance.objectNode().put("version", runtime.version())
                .put("mode", mode);
        if (!startup.isDone()) {
            return Readiness.notReady("policy", "starting", STARTING, Duration.ofSeconds(1), details);
        }
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
    PolicyHistory takeHistory() {
        PolicyHistory taken = history.getAndSet(null);
        return taken != null ? taken : PolicyHistory.EMPTY;
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
        if (!started()) {
            throw new IllegalStateException(STARTING + ": the approved rule set cannot be activated yet");
        }
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

    private void failedToStart(Throwable e) {
        LOG.error("the rule set could not be started", e);
        runtime.failClosed("the rule set could not be started: " + e);
    }

    private boolean started() {
        return startup.isDone() || startup.await(startWait);
    }

    /** The policy history at start; {@code null} (and failed closed) if the journal cannot be read. */
    private PolicyRestore restore(PolicyStateFile stateFile) {
        try {
            PolicyRestore restored = stateFile == null ? PolicyRestore.withoutState(journal)
                    : PolicyRestore.restore(stateFile, journal, merkle);
            history.set(restored.history());
            return restored;
        } catch (RuntimeException e) {
            runtime.failClosed("the journal could not be read for the active rule set: " + e);
            return null;
        }
    }

    /** Keeps {@code state.bin} current from now on; without it the next start reads the whole journal, no worse. */
    private PolicyFollower follow(PolicyStateFile stateFile, PolicyRestore restored) {
        PolicyFollower started = new PolicyFollower(journal, merkle, stateFile, PolicyFollower.Interval.DEFAULT,
                System::nanoTime);
        try {
            started.start(restored);
            return started;
        } catch (RuntimeException e) {
            LOG.warn("policy state {} is not kept: the journal cannot be followed ({}); the next start reads the whole"
                    + " journal", stateFile.path(), e.toString());
            return null;
        }
    }

    /**
     * The last rule set the journal says was activated, recompiled from the journal's copy of its files; an empty
     * journal activates the directory's rule set as the bootstrap. Fails closed: a journaled rule set that no longer
     * compiles leaves no active rule set, never the directory's.
     */
    private void startGoverned(JournalEntry lastActivated) {
        RuleFiles directory = null;
        try {
            directory = RuleFiles.read(runtime.rulesDir());
        } catch (IOException e) {
            LOG.warn("the rules directory cannot be read: {}", e.getMessage());
        }
        if (lastActivated == null) {
            bootstrap(directory);
            return;
        }
        JsonNode entry = lastActivated.data();
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
        return underKarafBase(configured);
    }

    /** {@code null} when neither the configuration nor {@code countersign.data} says where. */
    private static PolicyStateFile stateFile(Config config) {
        String configured = config.stateDirectory();
        if (configured != null && !configured.isBlank()) {
            return new PolicyStateFile(underKarafBase(configured));
        }
        String data = System.getProperty("countersign.data");
        if (data == null || data.isBlank()) {
            LOG.warn("{}: no stateDirectory and no countersign.data: the policy keeps no state.bin, and every start"
                    + " reads the whole journal", PID);
            return null;
        }
        return new PolicyStateFile(Path.of(data.strip(), "policy"));
    }

    private static Path underKarafBase(String configured) {
        Path path = Path.of(configured.strip());
        String base = System.getProperty("karaf.base");
        return path.isAbsolute() || base == null ? path : Path.of(base).resolve(path);
    }

    private static Duration duration(String configured, String unset, String attribute) {
        String text = configured == null ? unset : configured;
        try {
            return Duration.parse(text.strip());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(PID + ": " + attribute + " must be an ISO-8601 duration such as "
                    + unset + ", got " + configured, e);
        }
    }
}
