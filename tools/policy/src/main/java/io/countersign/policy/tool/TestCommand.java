package io.countersign.policy.tool;

import io.countersign.policy.drools.internal.RuleTestReport;
import io.countersign.policy.drools.internal.RuleTests;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/** {@code test [DIR] [--json]}: the rule tests of a rule set. */
final class TestCommand {

    private TestCommand() {
    }

    static int run(List<String> args, PrintStream out, PrintStream err) {
        Options options;
        try {
            options = Options.parse(args, Set.of(), Set.of("--json"));
            if (options.positional.size() > 1) {
                throw new Options.UsageException("test takes one directory");
            }
        } catch (Options.UsageException e) {
            err.print(e.getMessage() + "\n" + PolicyTool.USAGE);
            return 2;
        }
        Path dir = Path.of(options.positional.isEmpty() ? "rules" : options.positional.get(0));
        if (!Files.isDirectory(dir)) {
            err.println("no rules directory " + dir.toAbsolutePath());
            return 2;
        }
        RuleTestReport report;
        try {
            report = RuleTests.run(dir, TestCommand.class.getClassLoader());
        } catch (IOException e) {
            err.println("cannot read " + dir + ": " + e.getMessage());
            return 2;
        }
        out.print(options.has("--json") ? report.json().toPrettyString() + "\n" : report.text());
        return report.passed() ? 0 : 1;
    }
}
