package io.countersign.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.Test;

/**
 * ledger-network/scripts/install-fabric.sh with a Fabric release archive: the shared one (beside the checkout) is
 * installed because its SHA-256 is pinned; a changed copy of it is refused before anything is unpacked; a second
 * run finds it installed.
 */
public class InstallFabricIT {

    private static final Path SCRIPT = Path.of(System.getProperty("countersign.root"),
            "ledger-network/scripts/install-fabric.sh").toAbsolutePath().normalize();
    private static final Path SHARED_ARCHIVE = Path.of(System.getProperty("countersign.root"),
            "../shared/fabric/hyperledger-fabric-linux-amd64-3.1.5.tar.xz").toAbsolutePath().normalize();

    record Run(int exitCode, String output) {
    }

    @Test
    public void theSharedArchiveIsInstalled_aChangedOneIsRefusedUnpacked_andARerunDoesNothing() throws Exception {
        if (!Files.isRegularFile(SHARED_ARCHIVE)) {
            System.err.println("SKIPPED InstallFabricIT: no Fabric release archive at " + SHARED_ARCHIVE);
        }
        assumeTrue("the shared Fabric archive is beside the checkout: " + SHARED_ARCHIVE,
                Files.isRegularFile(SHARED_ARCHIVE));
        Path work = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "install-fabric-");
        Path home = work.resolve("fabric");

        Path tampered = work.resolve("hyperledger-fabric-linux-amd64-3.1.5.tar.xz");
        byte[] bytes = Files.readAllBytes(SHARED_ARCHIVE);
        bytes[bytes.length / 2] ^= 1;
        Files.write(tampered, bytes);
        Run refused = install(home, work, tampered);
        assertEquals(refused.output(), 1, refused.exitCode());
        assertTrue(refused.output(), refused.output().contains("pinned neither in"));
        assertTrue("every way to provide Fabric is named: " + refused.output(),
                refused.output().contains("FABRIC_HOME=DIR") && refused.output().contains("COUNTERSIGN_FABRIC_ARCHIVE=")
                        && refused.output().contains("go install"));
        assertFalse("nothing unpacked from a refused archive", Files.exists(home.resolve("bin/peer")));

        Run installed = install(home, work, SHARED_ARCHIVE);
        assertEquals(installed.output(), 0, installed.exitCode());
        assertTrue(installed.output(), installed.output().contains("(pinned)"));
        Process version = new ProcessBuilder(home.resolve("bin/peer").toString(), "version").start();
        String reported = new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(reported, reported.contains("Version: v3.1.5") || reported.contains("Version: 3.1.5"));
        assertTrue(Files.isExecutable(home.resolve("builders/ccaas/bin/release")));
        assertTrue(Files.isRegularFile(home.resolve("config/core.yaml")));

        Run again = install(home, work, tampered);
        assertEquals("installed already: the archive is not even looked at", 0, again.exitCode());
        assertEquals(again.output(), "", again.output().trim());
    }

    private static Run install(Path home, Path work, Path archive) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder("bash", SCRIPT.toString());
        Map<String, String> environment = builder.environment();
        environment.put("FABRIC_HOME", home.toString());
        environment.put("XDG_CACHE_HOME", work.resolve("cache").toString());
        environment.put("COUNTERSIGN_FABRIC_ARCHIVE", archive.toString());
        // neither the official download nor the Go proxy may be what installs it here
        environment.put("COUNTERSIGN_FABRIC_RELEASE_URL", "file://" + work.resolve("no-such-release.tar.gz"));
        environment.put("PATH", "/usr/bin:/bin");
        builder.redirectErrorStream(true);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(120, TimeUnit.SECONDS));
        return new Run(process.exitValue(), output);
    }
}
