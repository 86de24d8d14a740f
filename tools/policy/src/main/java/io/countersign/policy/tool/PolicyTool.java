package io.countersign.policy.tool;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/**
 * {@code countersign policy test|replay|submit}: what compliance staff run on a rule set before and while it goes
 * live. Exit codes: 0 done (and passed), 1 the rule tests failed, 2 usage or input errors.
 */
public final class PolicyTool {

    static final String USAGE = """
            usage:
              countersign policy test [DIR] [--json]
                  run DIR/tests/*.yaml against DIR/*.drl (DIR defaults to ./rules)
              countersign policy replay --candidate DIR --from T1 --to T2 [--journal DIR] [--json]
                  what DIR's rules would have decided differently for the requests received in [T1, T2)
                  (ISO-8601 instants or UTC days; the journal defaults to ./data/journal; reviews no rule gives
                  a deadline get --default-review-timeout, PT1H unless given)
              countersign policy submit [DIR] --server URL --token TOKEN [--description TEXT]
                  propose DIR's rules and tests as a policy change, reviewed by the policy admins
            """;

    private PolicyTool() {
    }

    public static void main(String[] args) {
        System.exit(run(Arrays.asList(args), System.out, System.err));
    }

    static int run(List<String> args, PrintStream out, PrintStream err) {
        if (args.isEmpty() || args.get(0).equals("--help") || args.get(0).equals("-h")) {
            (args.isEmpty() ? err : out).print(USAGE);
            return args.isEmpty() ? 2 : 0;
        }
        List<String> rest = args.subList(1, args.size());
        return switch (args.get(0)) {
            case "test" -> TestCommand.run(rest, out, err);
            case "replay" -> ReplayCommand.run(rest, out, err);
            case "submit" -> SubmitCommand.run(rest, out, err);
            default -> {
                err.print("unknown command '" + args.get(0) + "'\n" + USAGE);
                yield 2;
            }
        };
    }
}
