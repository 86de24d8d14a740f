package io.countersign.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** {@code java -jar countersign-cli.jar run ...}: see {@link RunOptions#USAGE}. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        System.exit(run(Arrays.asList(args), System.getenv()));
    }

    static int run(List<String> args, Map<String, String> env) throws InterruptedException {
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        if (args.isEmpty() || args.get(0).equals("--help") || args.get(0).equals("help")) {
            err.print(RunOptions.USAGE);
            return args.isEmpty() ? ExitCodes.USAGE : 0;
        }
        if (!args.get(0).equals("run")) {
            err.println("countersign: unknown command " + args.get(0));
            err.print(RunOptions.USAGE);
            return ExitCodes.USAGE;
        }
        RunOptions options;
        try {
            options = RunOptions.parse(args.subList(1, args.size()), env);
        } catch (UsageException e) {
            err.println("countersign: " + e.getMessage());
            err.print(RunOptions.USAGE);
            return ExitCodes.USAGE;
        }
        Clock clock = Clock.systemUTC();
        Progress progress = new Progress(err, Progress.terminal(options.progress(), env), clock);
        return new RunCommand(options, progress, clock).run();
    }
}
