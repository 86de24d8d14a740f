package io.countersign.siem.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Gives the calling thread a lower CPU priority on Linux, so that a sink catching up a backlog yields the CPU to the
 * approval path instead of sharing it equally: on Linux the nice value belongs to each thread, and
 * {@code renice -p <tid>} sets it for that thread alone. Java offers no way to do this ({@link Thread#setPriority} is
 * ignored on Linux unless the JVM runs with root's {@code -XX:ThreadPriorityPolicy=1}). Raising a nice value needs
 * no privilege. Where there is no {@code /proc/thread-self} or no {@code renice}, nothing changes.
 */
final class ThreadNiceness {

    private ThreadNiceness() {
    }

    /** Sets the calling thread's nice value to {@code niceness} (1–19); the reason it could not, or null. */
    static String lower(int niceness) {
        if (niceness < 1 || niceness > 19) {
            throw new IllegalArgumentException("niceness must be 1 to 19, got " + niceness);
        }
        Path self = Path.of("/proc/thread-self/stat");
        if (!Files.isReadable(self)) {
            return "no /proc/thread-self (not Linux)";
        }
        try {
            String tid = Files.readString(self, StandardCharsets.US_ASCII).split(" ", 2)[0];
            // the absolute form: util-linux before 2.39 reads "-n N" as absolute and later ones as an increment
            // its output goes to a file, so a renice that hangs cannot block the sink beyond the timeout
            Path output = Files.createTempFile("countersign-renice", ".txt");
            try {
                Process renice = new ProcessBuilder("renice", Integer.toString(niceness), "-p", tid)
                        .redirectErrorStream(true).redirectOutput(output.toFile()).start();
                if (!renice.waitFor(10, TimeUnit.SECONDS)) {
                    renice.destroyForcibly();
                    return "renice did not finish";
                }
                return renice.exitValue() == 0 ? null
                        : "renice failed: " + Files.readString(output, StandardCharsets.UTF_8).strip();
            } finally {
                Files.deleteIfExists(output);
            }
        } catch (IOException e) {
            return "renice could not run: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** The calling thread's nice value, from {@code /proc/thread-self/stat} (field 19); 0 where unknown. */
    static int current() {
        try {
            String stat = Files.readString(Path.of("/proc/thread-self/stat"), StandardCharsets.US_ASCII);
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Integer.parseInt(fields[16]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
