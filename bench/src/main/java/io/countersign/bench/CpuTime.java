package io.countersign.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time, to tell what a benchmark used from what its neighbours used on the same cores. */
final class CpuTime {

    private CpuTime() {
    }

    /** Busy CPU time of the whole machine (user, nice, system, irq, softirq, steal), from /proc/stat; 0 elsewhere. */
    static double machineSeconds() {
        try {
            String[] fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long busy = 0;
            for (int i : new int[] {1, 2, 3, 6, 7, 8}) {
                busy += Long.parseLong(fields[i]);
            }
            return busy / 100.0;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** CPU time of this JVM. */
    static double thisProcessSeconds() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean sun
                ? sun.getProcessCpuTime() / 1e9 : 0;
    }
}
