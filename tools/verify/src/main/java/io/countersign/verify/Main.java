package io.countersign.verify;

import io.countersign.verify.report.ReportCommand;
import java.io.PrintStream;

/**
 * {@code java -jar countersign-verify.jar BUNDLE [--trusted-checkpoint FILE] [--keys FILE] [--json]}; a compliance
 * report zip given as BUNDLE is checked instead ({@link ReportCommand}), and {@code report ...} makes one.
 * Exit status: 0 verified, 1 verification failed, 2 usage error or unreadable input.
 */
public final class Main {
    static final int VERIFIED = 0;
    static final int FAILED = 1;
    static final int UNREADABLE = 2;

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length > 0 && args[0].equals("report")) {
            return ReportCommand.make(args, out, err);
        }
        Arguments arguments;
        try {
            arguments = Arguments.parse(args);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            err.println(Arguments.USAGE);
            return UNREADABLE;
        }
        if (ReportCommand.isReport(arguments.bundle())) {
            return ReportCommand.check(arguments.bundle(), arguments.keys(), out, err);
        }
        int workers = Math.max(1, Runtime.getRuntime().availableProcessors());
        try {
            Report report = new BundleVerifier(arguments, workers).verify();
            if (arguments.json()) {
                JsonReport.print(report, out);
            } else {
                TextReport.print(report, out);
            }
            return report.ok() ? VERIFIED : FAILED;
        } catch (InputException e) {
            if (arguments.json()) {
                JsonReport.printError(e.getMessage(), out);
            } else {
                err.println("ERROR " + e.getMessage());
            }
            return UNREADABLE;
        }
    }
}
