package io.countersign.policy.drools.internal;

import io.countersign.api.ActionRequest;
import io.countersign.api.Agent;
import io.countersign.api.Decision;
import io.countersign.api.PolicyContext;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A rule set compiled from a directory for evaluation outside the running engine (replay of history), deciding
 * exactly as production does: same compiler, same combination, failures fail closed.
 */
public final class CandidatePolicy {

    private final CompiledPolicy policy;
    private final PolicyEvaluator evaluator;

    private CandidatePolicy(CompiledPolicy policy, PolicyEvaluator evaluator) {
        this.policy = policy;
        this.evaluator = evaluator;
    }

    /** Rules that do not compile; the messages name file and line. */
    public static final class CompileFailure extends Exception {
        private static final long serialVersionUID = 1L;
        private final List<String> errors;

        CompileFailure(List<String> errors) {
            super(String.join("\n", errors));
            this.errors = List.copyOf(errors);
        }

        public List<String> errors() {
            return errors;
        }
    }

    /** Compiles {@code DIR/*.drl}. */
    public static CandidatePolicy compile(Path rulesDir, Duration defaultReviewTimeout, ClassLoader loader)
            throws IOException, CompileFailure {
        CompileResult result = new RuleSetCompiler(loader).compile(RuleFiles.read(rulesDir));
        if (result instanceof CompileResult.Failed failed) {
            throw new CompileFailure(failed.errors());
        }
        return new CandidatePolicy(((CompileResult.Compiled) result).policy(),
                new PolicyEvaluator(loader, defaultReviewTimeout));
    }

    public String version() {
        return policy.version();
    }

    public List<String> ruleNames() {
        return policy.ruleNames();
    }

    public Decision decide(ActionRequest request, Agent agent, PolicyContext context) {
        try {
            return evaluator.evaluate(policy, request, agent, context);
        } catch (Exception | LinkageError | StackOverflowError e) {
            return Decision.failClosed("policy evaluation failed: " + e, policy.version());
        }
    }
}
