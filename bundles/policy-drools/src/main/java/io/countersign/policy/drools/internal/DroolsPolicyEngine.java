package io.countersign.policy.drools.internal;

import io.countersign.api.ActionRequest;
import io.countersign.api.Agent;
import io.countersign.api.Decision;
import io.countersign.api.PolicyContext;
import io.countersign.api.PolicyEngine;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The {@link PolicyEngine} service: the DRL rule set in {@code rulesDir}, hot reloaded when {@code watch} is on.
 * Immediate, so that the rules compile (and any error is logged) when the configuration arrives, not on the
 * first request.
 */
@Component(service = {PolicyEngine.class, DroolsPolicyEngine.class}, configurationPid = DroolsPolicyEngine.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true)
@Designate(ocd = DroolsPolicyEngine.Config.class)
public final class DroolsPolicyEngine implements PolicyEngine {
    static final String PID = "io.countersign.policy";
    private static final Duration DEBOUNCE = Duration.ofMillis(200);

    @ObjectClassDefinition(name = "Countersign policy (Drools)",
            description = "Decides every action with the DRL rules in a directory")
    public @interface Config {
        @AttributeDefinition(name = "Rules directory",
                description = "Directory of *.drl files; a relative path is resolved against karaf.base")
        String rulesDir();

        @AttributeDefinition(name = "Hot reload",
                description = "Rebuild and swap the rule set when a file in the rules directory changes")
        boolean watch() default true;

        @AttributeDefinition(name = "Default review timeout",
                description = "ISO-8601 duration reviewers have when no rule sets a deadline")
        String defaultReviewTimeout() default "PT1H";
    }

    private final PolicyRuntime runtime;

    @Activate
    public DroolsPolicyEngine(Config config) throws IOException {
        // the bundle's own loader: it sees the embedded Drools jars, ECJ and the fact model
        ClassLoader loader = DroolsPolicyEngine.class.getClassLoader();
        runtime = new PolicyRuntime(rulesDir(config), reviewTimeout(config), loader);
        runtime.reload();
        if (config.watch()) {
            try {
                runtime.startWatching(DEBOUNCE);
            } catch (IOException e) {
                runtime.close();
                throw e;
            }
        }
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

    /** Rebuilds from the rules directory now (for the shell and operators). */
    public ReloadResult reload() {
        return runtime.reload();
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
