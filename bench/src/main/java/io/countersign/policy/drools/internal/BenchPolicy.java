package io.countersign.policy.drools.internal;

import io.countersign.api.Journal;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Clock;

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
}
