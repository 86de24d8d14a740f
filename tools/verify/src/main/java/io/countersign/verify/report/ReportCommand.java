package io.countersign.verify.report;

import io.countersign.verify.VerifiedEvidence;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipFile;

/**
 * {@code countersign-verify report BUNDLE --framework soc2|iso27001|nist-800-53 --out REPORT.zip [--keys FILE]
 * [--sample N] [--pages DIR]} makes a report (and, with --pages, a PNG of each page of its PDF); {@code countersign-verify REPORT.zip [--keys FILE]} checks one. Exit status as the
 * verifier's: 0 made or verified, 1 the check failed, 2 usage error or unreadable input.
 */
public final class ReportCommand {

    public static final String USAGE = "usage: java -jar countersign-verify.jar report BUNDLE --framework "
            + "soc2|iso27001|nist-800-53 --out REPORT.zip [--keys FILE] [--sample N] [--pages DIR]";

    private ReportCommand() {
    }

    /** Whether {@code file} is a report zip rather than an evidence bundle. */
    public static boolean isReport(Path file) {
        if (!Files.isRegularFile(file)) {
            return false;
        }
        try (ZipFile zip = new ZipFile(file.toFile())) {
            return zip.getEntry(ReportFormat.MANIFEST) != null;
        } catch (IOException e) {
            return false;
        }
    }

    public static int make(String[] args, PrintStream out, PrintStream err) {
        Path bundle = null;
        Path keys = null;
        Path target = null;
        String framework = null;
        int sample = Sample.DEFAULT_SIZE;
        Path pages = null;
        try {
            for (int i = 1; i < args.length; i++) {
                switch (args[i]) {
                    case "--framework" -> framework = value(args, ++i);
                    case "--out" -> target = Path.of(value(args, ++i));
                    case "--keys" -> keys = Path.of(value(args, ++i));
                    case "--sample" -> sample = Integer.parseInt(value(args, ++i));
                    case "--pages" -> pages = Path.of(value(args, ++i));
                    default -> {
                        if (args[i].startsWith("--") || bundle != null) {
                            throw new IllegalArgumentException("unexpected argument " + args[i]);
                        }
                        bundle = Path.of(args[i]);
                    }
                }
            }
            if (bundle == null || framework == null || target == null) {
                throw new IllegalArgumentException("a bundle, --framework and --out are needed");
            }
            if (sample < 0) {
                throw new IllegalArgumentException("--sample cannot be negative");
            }
            Framework.parse(framework);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            err.println(USAGE);
            return 2;
        }
        try {
            ComplianceReport.write(bundle, keys, framework, sample, target);
            out.println("REPORT " + target + " (" + framework + ")");
            if (pages != null) {
                for (Path page : ComplianceReport.pdfPages(target, pages)) {
                    out.println("PAGE " + page);
                }
            }
            return 0;
        } catch (VerifiedEvidence.Rejected e) {
            err.println("ERROR " + e.getMessage());
            return 1;
        } catch (IOException e) {
            err.println("ERROR " + e.getMessage());
            return 2;
        }
    }

    public static int check(Path report, Path keys, PrintStream out, PrintStream err) {
        try {
            ComplianceReport.Check check = ComplianceReport.check(report, keys);
            if (check.ok()) {
                out.println("VERIFIED report " + report + ": " + check.framework() + ", " + check.period() + ", "
                        + check.population() + " requests; the evidence verifies and every figure, row, exception "
                        + "and sampled request is what it gives");
                return 0;
            }
            out.println("FAILED report " + report + ": " + check.differences().size() + " member(s) differ from "
                    + "what the evidence gives");
            check.differences().forEach(difference -> out.println("  " + difference));
            return 1;
        } catch (VerifiedEvidence.Rejected e) {
            out.println("FAILED report " + report + ": " + e.getMessage());
            return 1;
        } catch (IOException e) {
            err.println("ERROR " + e.getMessage());
            return 2;
        }
    }

    private static String value(String[] args, int index) {
        if (index >= args.length) {
            throw new IllegalArgumentException(args[index - 1] + " needs a value");
        }
        return args[index];
    }
}
