package io.countersign.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What cannot be read at all ends with exit code 2 and says why, never with a verdict. */
class UnreadableInputTest {
    @TempDir
    Path dir;

    private final EvidenceFixture fixture = StandardLog.build();

    @Test
    void aFileThatIsNotAZip() throws Exception {
        Path notZip = Files.writeString(dir.resolve("bundle.zip"), "this is not a zip");

        VerifyRun run = VerifyRun.of(notZip);

        assertEquals(2, run.exitCode(), run.toString());
        assertTrue(run.err().startsWith("ERROR cannot read " + notZip + " as a ZIP file"), run.err());
    }

    @Test
    void aTruncatedZip() throws Exception {
        Path bundle = fixture.requestBundle(StandardLog.REVIEWED).write(dir);
        byte[] bytes = Files.readAllBytes(bundle);
        Files.write(bundle, java.util.Arrays.copyOf(bytes, bytes.length / 2));

        VerifyRun run = VerifyRun.of(bundle);

        assertEquals(2, run.exitCode(), run.toString());
        assertTrue(run.err().contains("as a ZIP file"), run.err());
    }

    @Test
    void aBundleWithoutItsProofs() throws Exception {
        BundleParts parts = fixture.requestBundle(StandardLog.REVIEWED);
        parts.omitted.add(EvidenceBundle.PROOFS);

        VerifyRun run = VerifyRun.of(parts.write(dir));

        assertEquals(2, run.exitCode(), run.toString());
        assertTrue(run.err().contains("ERROR the bundle has no proofs.json member"), run.err());
    }

    @Test
    void aManifestThatIsNotJson() throws Exception {
        BundleParts parts = fixture.requestBundle(StandardLog.REVIEWED);
        parts.replaced.put(EvidenceBundle.MANIFEST, "{\"format\":".getBytes(StandardCharsets.UTF_8));

        VerifyRun run = VerifyRun.of(parts.write(dir));

        assertEquals(2, run.exitCode(), run.toString());
        assertTrue(run.err().contains("ERROR manifest.json is not readable JSON"), run.err());
    }

    @Test
    void aMissingMember_inJson_isAnErrorObject() throws Exception {
        BundleParts parts = fixture.requestBundle(StandardLog.REVIEWED);
        parts.omitted.add(EvidenceBundle.KEYS);

        VerifyRun run = VerifyRun.of(parts.write(dir), "--json");

        assertEquals(2, run.exitCode(), run.toString());
        assertEquals("{\"ok\":false,\"error\":\"the bundle has no keys.json member\"}", run.out().strip());
    }

    @Test
    void aKeysFileThatIsNotAValidListing() throws Exception {
        Path keys = Files.writeString(dir.resolve("keys.json"), "{\"origin\":\"x\",\"keys\":[{\"keyId\":\"00\"}]}");

        VerifyRun run = VerifyRun.of(fixture.requestBundle(StandardLog.REVIEWED).write(dir), "--keys", keys.toString());

        assertEquals(2, run.exitCode(), run.toString());
        assertTrue(run.err().contains("ERROR the keys file " + keys + " is invalid"), run.err());
    }

    @Test
    void aTrustedCheckpointThatIsNotASignedNote() throws Exception {
        Path trusted = Files.writeString(dir.resolve("trusted.note"), "countersign.test/4f1c9a2e\n27\n");

        VerifyRun run = VerifyRun.of(fixture.requestBundle(StandardLog.REVIEWED).write(dir), "--trusted-checkpoint",
                trusted.toString());

        assertEquals(2, run.exitCode(), run.toString());
        assertTrue(run.err().contains("ERROR the trusted checkpoint " + trusted + " is malformed"), run.err());
    }

    @Test
    void badUsage() {
        VerifyRun run = VerifyRun.of(dir.resolve("bundle.zip"), "--keys");

        assertEquals(2, run.exitCode(), run.toString());
        assertTrue(run.err().contains("--keys needs a file"), run.err());
        assertTrue(run.err().contains("usage: java -jar countersign-verify.jar BUNDLE"), run.err());
    }
}
