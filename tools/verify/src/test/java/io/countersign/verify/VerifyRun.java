package io.countersign.verify;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs the verifier's command line in-process and keeps what it printed. */
record VerifyRun(int exitCode, String out, String err) {

    static VerifyRun of(Path bundle, String... options) {
        List<String> args = new ArrayList<>();
        args.add(bundle.toString());
        args.addAll(List.of(options));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Main.run(args.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new VerifyRun(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** The FAIL lines, for assertion messages. */
    String failures() {
        return out.lines().filter(line -> line.startsWith("FAIL") || line.startsWith("WARN")).reduce("", (a, b) -> a + b + "\n")
                + err;
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\n" + out + err;
    }
}
