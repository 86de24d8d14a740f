package io.countersign.itests;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.Test;

/**
 * bin/countersign-java, as an operator's starts and stops use it: the class data archive of an installation is written
 * at its first clean stop, checked and used by the next start, dropped (not mapped: a damaged archive would crash the
 * JVM) when it is not the file that was checked, and COUNTERSIGN_CDS=off gives Karaf's own command line back.
 */
public class ClassDataSharingIT {

    @Test
    public void theArchiveIsWrittenAtACleanStop_checkedAndUsedNextTime_andADamagedOneIsDropped() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "cds-");
        try (Distribution distribution = Distribution.unpack(dir.resolve("countersign"))) {
            Path cds = distribution.data().resolve("karaf/cds");
            Path archive = cds.resolve("countersign.jsa");
            Path written = cds.resolve("countersign.jsa.written");

            distribution.start();
            assertFalse("Karaf's java.base patch is dropped", commandLine(distribution).contains("--patch-module"));
            assertFalse(mapsArchive(distribution));
            distribution.stop();
            assertTrue("a clean stop writes the archive", Files.size(written) > 1_000_000);

            distribution.start();
            assertTrue("the next start checked it and uses it", Files.exists(archive) && !Files.exists(written));
            assertTrue("the JVM maps it", mapsArchive(distribution));
            awaitReady(distribution);
            distribution.stop();

            try (RandomAccessFile file = new RandomAccessFile(archive.toFile(), "rw")) {
                file.setLength(file.length() / 2); // as a copy of the data directory cut short would leave it
            }
            distribution.start();
            assertFalse("a damaged archive is not mapped", mapsArchive(distribution));
            awaitReady(distribution);
            distribution.stop();
            assertTrue("and a new one is written", Files.exists(written));

            distribution.withEnvironment("COUNTERSIGN_CDS", "off").start();
            assertTrue("COUNTERSIGN_CDS=off runs Karaf's command line", commandLine(distribution)
                    .contains("--patch-module"));
            awaitReady(distribution);
        }
    }

    private static void awaitReady(Distribution distribution) throws Exception {
        Poll.until("readiness", java.time.Duration.ofSeconds(60),
                () -> distribution.api().get("/v1/health/ready", null).status() == 200 ? Boolean.TRUE : null);
    }

    private static String commandLine(Distribution distribution) throws Exception {
        byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(distribution.jvm().pid()), "cmdline"));
        return new String(raw, StandardCharsets.UTF_8).replace('\0', ' ');
    }

    private static boolean mapsArchive(Distribution distribution) throws Exception {
        return Files.readString(Path.of("/proc", Long.toString(distribution.jvm().pid()), "maps"))
                .contains("countersign.jsa");
    }
}
