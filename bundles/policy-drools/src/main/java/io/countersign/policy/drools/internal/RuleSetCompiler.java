package io.countersign.policy.drools.internal;

import io.countersign.policy.drools.internal.RuleFiles.RuleFile;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.kie.api.KieBase;
import org.kie.api.io.Resource;
import org.kie.api.io.ResourceType;
import org.kie.internal.builder.KnowledgeBuilder;
import org.kie.internal.builder.KnowledgeBuilderFactory;
import org.kie.internal.builder.KnowledgeBuilderResult;
import org.kie.internal.builder.ResultSeverity;
import org.kie.internal.io.ResourceFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Compiles DRL files into a {@link CompiledPolicy} with the embedded Drools, on the caller's thread. */
final class RuleSetCompiler {
    private static final Logger LOG = LoggerFactory.getLogger(RuleSetCompiler.class);

    /** Sessions kept for reuse per rule set: enough for every thread that decides at once on this machine. */
    private static final int IDLE_SESSIONS = 32;

    private final ClassLoader loader;
    private final FiredRules firedRules = new FiredRules();

    /** @param loader sees Drools, ECJ and the fact model: the bundle's class loader inside OSGi */
    RuleSetCompiler(ClassLoader loader) {
        this.loader = loader;
    }

    CompileResult compile(RuleFiles rules) {
        return Tccl.call(loader, () -> build(rules));
    }

    private CompileResult build(RuleFiles rules) {
        Properties properties = new Properties();
        // the default (native javac through javax.tools) cannot see bundle classes inside OSGi
        properties.setProperty("drools.dialect.java.compiler", "ECLIPSE");
        KnowledgeBuilder builder = KnowledgeBuilderFactory.newKnowledgeBuilder(
                KnowledgeBuilderFactory.newKnowledgeBuilderConfiguration(properties, loader));
        List<String> names = new ArrayList<>();
        for (RuleFile file : rules.files()) {
            Resource resource = ResourceFactory.newByteArrayResource(file.content());
            resource.setSourcePath(file.name());
            builder.add(resource, ResourceType.DRL);
            names.add(file.name());
        }
        for (KnowledgeBuilderResult warning : builder.getResults(ResultSeverity.WARNING)) {
            LOG.warn("rule set {}: {}", rules.version(), describe(warning));
        }
        if (builder.hasErrors()) {
            List<String> errors = builder.getErrors().stream().map(RuleSetCompiler::describe).toList();
            return new CompileResult.Failed(rules.version(), errors);
        }
        KieBase kieBase = builder.newKieBase();
        ReusableSessions sessions = new ReusableSessions(kieBase, firedRules, IDLE_SESSIONS);
        List<String> ruleNames = kieBase.getKiePackages().stream().flatMap(p -> p.getRules().stream())
                .map(org.kie.api.definition.rule.Rule::getName).sorted().toList();
        return new CompileResult.Compiled(new CompiledPolicy(rules.version(), names, ruleNames, sessions,
                firedRules));
    }

    /** {@code file.drl:line: message} on one line, for logs, reload results and fail-closed reasons. */
    static String describe(KnowledgeBuilderResult result) {
        StringBuilder text = new StringBuilder();
        Resource resource = result.getResource();
        text.append(resource == null || resource.getSourcePath() == null ? "(rule set)" : resource.getSourcePath());
        int[] lines = result.getLines();
        if (lines != null && lines.length > 0 && lines[0] > 0) {
            text.append(':').append(lines[0]);
        }
        return text.append(": ").append(result.getMessage().strip().replaceAll("\\s*\\R\\s*", " ")).toString();
    }
}
