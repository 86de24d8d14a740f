package io.countersign.policy.drools.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Small DRL files for tests. */
final class Drl {
    private Drl() {
    }

    static String file(String... rules) {
        return "package test.rules;\n\nimport io.countersign.policy.model.ActionFact;\n\n" + String.join("\n", rules);
    }

    static String rule(String name, String constraints, String consequence) {
        return "rule \"" + name + "\"\nwhen\n    $a : ActionFact(" + constraints + ")\nthen\n    " + consequence
                + "\nend\n";
    }

    /** A runtime over {@code dir} whose rule set is known to have compiled and been activated. */
    static PolicyRuntime activate(Path dir, java.time.Duration defaultTimeout) {
        PolicyRuntime runtime = new PolicyRuntime(dir, defaultTimeout, Requests.loader());
        ReloadResult result = runtime.reload();
        org.junit.jupiter.api.Assertions.assertEquals(ReloadResult.Status.ACTIVATED, result.status(),
                result.errors()::toString);
        return runtime;
    }

    static Path write(Path dir, String fileName, String content) {
        try {
            return Files.writeString(dir.resolve(fileName), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
