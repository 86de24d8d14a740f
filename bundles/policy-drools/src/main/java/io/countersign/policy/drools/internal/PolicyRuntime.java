package io.countersign.policy.drools.internal;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.countersign.api.Action;
import io.countersign.api.ActionRequest;
import io.countersign.api.Agent;
import io.countersign.api.Decision;
import io.countersign.api.PolicyContext;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The policy engine without OSGi: the rule set from one directory, compiled off the request path
 * and swapped atomically; a rule set that does not compile never replaces one that did. Decisions
 * never throw: every failure is a {@code DENY} naming the failure.
 */
public final class PolicyRuntime implements AutoCloseable {
    /** The version reported while no rule set has ever compiled. */
    public static final String NO_VERSION = "none";

    private static final Logger LOG = LoggerFactory.getLogger(PolicyRuntime.class);

    /** The active rule set, or why there is none. */
    private record Active(CompiledPolicy policy, String failure) {
    }

    private final Path rulesDir;
    private final RuleSetCompiler compiler;
    private final PolicyEvaluator evaluator;
    private final AtomicReference<Active> active =
            new AtomicReference<>(new Active(null, "no rule set has been loaded"));
    private final Object reloadLock = new Object();
    private RulesWatcher watcher;

    /** @param loader sees Drools, ECJ and the fact model: the bundle's class loader inside OSGi */
    public PolicyRuntime(Path rulesDir, Duration defaultReviewTimeout, ClassLoader loader) {
        this.rulesDir = rulesDir.toAbsolutePath().normalize();
        this.compiler = new RuleSetCompiler(loader);
        this.evaluator = new PolicyEvaluator(loader, defaultReviewTimeout);
    }

    public Path rulesDir() {
        return rulesDir;
    }

    public Decision decide(ActionRequest request, Agent agent) {
        return decide(request, agent, PolicyContext.none());
    }

    public Decision decide(ActionRequest request, Agent agent, PolicyContext context) {
        Active current = active.get();
        if (current.policy() == null) {
            return Decision.failClosed(current.failure(), NO_VERSION);
        }
        try {
            return evaluator.evaluate(current.policy(), request, agent, context);
        } catch (Exception | LinkageError | StackOverflowError e) {
            LOG.error("policy {} failed to evaluate request {}", current.policy().version(),
                    request == null ? null : request.id(), e);
            return Decision.failClosed("policy evaluation failed: " + e, current.policy().version());
        }
    }

    /** The version of the active rule set, or {@value #NO_VERSION}. */
    public String version() {
        CompiledPolicy policy = active.get().policy();
        return policy == null ? NO_VERSION : policy.version();
    }

    /** Why no rule set decides (every decision is then a fail-closed denial), or {@code null} while one does. */
    public String failure() {
        Active current = active.get();
        return current.policy() == null ? current.failure() : null;
    }

    /** Reads and compiles the rules directory now, on this thread, and activates it if it compiles. */
    public ReloadResult reload() {
        synchronized (reloadLock) {
            long start = System.nanoTime();
            RuleFiles files;
            try {
                files = RuleFiles.read(rulesDir);
            } catch (IOException | RuntimeException e) {
                return reject(null, List.of("cannot read the rules: " + e.getMessage()), start);
            }
            CompiledPolicy current = active.get().policy();
            if (current != null && current.version().equals(files.version())) {
                return new ReloadResult(ReloadResult.Status.UNCHANGED, files.version(), current.version(),
                        List.of(), current.ruleCount(), elapsedMillis(start));
            }
            CompileResult result;
            try {
                result = compiler.compile(files);
            } catch (RuntimeException | LinkageError e) {
                LOG.error("the rule compiler failed on {}", files.version(), e);
                result = new CompileResult.Failed(files.version(), List.of("the rule compiler failed: " + e));
            }
            if (result instanceof CompileResult.Compiled compiled) {
                return activate(compiled.policy(), start);
            }
            CompileResult.Failed failed = (CompileResult.Failed) result;
            return reject(failed.version(), failed.errors(), start);
        }
    }

    /** Compiles a rule set off the request path without activating it (governed mode journals before it swaps). */
    CompileResult compile(RuleFiles files) {
        try {
            return compiler.compile(files);
        } catch (RuntimeException | LinkageError e) {
            LOG.error("the rule compiler failed on {}", files.version(), e);
            return new CompileResult.Failed(files.version(), List.of("the rule compiler failed: " + e));
        }
    }

    /** Makes a compiled rule set the active one, atomically: requests being evaluated finish on the old one. */
    void install(CompiledPolicy policy) {
        synchronized (reloadLock) {
            activate(policy, System.nanoTime());
        }
    }

    /** Leaves no active rule set: every decision is a denial naming {@code why}. */
    void failClosed(String why) {
        synchronized (reloadLock) {
            active.set(new Active(null, why));
            LOG.error("no rule set is active, every action is denied: {}", why);
        }
    }

    /** Reloads whenever a file in the rules directory changes, once changes have been quiet for {@code debounce}. */
    public synchronized void startWatching(Duration debounce) throws IOException {
        if (watcher == null) {
            watcher = new RulesWatcher(rulesDir, debounce, this::reload);
            watcher.start();
            // a change made between the last reload and the watch registration would go unseen until the next one
            reload();
        }
    }

    @Override
    public synchronized void close() {
        if (watcher != null) {
            watcher.close();
            watcher = null;
        }
    }

    private ReloadResult activate(CompiledPolicy policy, long start) {
        warmUp(policy);
        active.set(new Active(policy, null));
        long millis = elapsedMillis(start);
        if (policy.ruleCount() == 0) {
            LOG.warn("rule set {} from {} has no rules: every action will be denied", policy.version(), rulesDir);
        }
        LOG.info("rule set {} activated: {} rules from {} in {} ms", policy.version(), policy.ruleCount(),
                policy.files(), millis);
        return new ReloadResult(ReloadResult.Status.ACTIVATED, policy.version(), policy.version(), List.of(),
                policy.ruleCount(), millis);
    }

    private ReloadResult reject(String version, List<String> errors, long start) {
        Active current = active.get();
        if (current.policy() == null) {
            String first = errors.isEmpty() ? "unknown error" : errors.get(0);
            String more = errors.size() > 1 ? " (and " + (errors.size() - 1) + " more)" : "";
            active.set(new Active(null, "no valid rule set: " + first + more));
        }
        String keeps = current.policy() == null ? "no rule set is active: every action is denied"
                : current.policy().version() + " stays active";
        LOG.error("rule set {} from {} rejected, {}: {}", version == null ? "(unreadable)" : version, rulesDir, keeps,
                String.join("; ", errors));
        return new ReloadResult(ReloadResult.Status.REJECTED, version, version(), errors,
                current.policy() == null ? 0 : current.policy().ruleCount(), elapsedMillis(start));
    }

    /** The first execute on a new rule base builds lazy structures; pay for it here, not on a request. */
    private void warmUp(CompiledPolicy policy) {
        Action action = new Action("countersign.warm-up", "none", JsonNodeFactory.instance.objectNode(),
                "development", "countersign", List.of());
        ActionRequest request = new ActionRequest("warm-up", action, "warm-up", "sha256:", Instant.EPOCH, null);
        try {
            Decision decision = evaluator.evaluate(policy, request, new Agent("countersign", List.of()),
                    PolicyContext.none());
            LOG.debug("warm-up of {}: {} by {}", policy.version(), decision.outcome(), decision.rules());
        } catch (Exception | LinkageError | StackOverflowError e) {
            LOG.debug("warm-up of {} failed (requests will fail the same way)", policy.version(), e);
        }
    }

    private static long elapsedMillis(long start) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }
}
