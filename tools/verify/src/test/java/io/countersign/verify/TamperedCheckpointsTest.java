package io.countersign.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Forged, foreign, forked and out-of-validity-key checkpoints, in the range bundle of seqs 7 to 21 (checkpoints 22 and 27). */
class TamperedCheckpointsTest {
    @TempDir
    Path dir;

    private final EvidenceFixture fixture = StandardLog.build();
    private final BundleParts range = StandardLog.range(fixture);
    private final EvidenceFixture.TestCheckpoint newest = fixture.newest();

    @Test
    void aCheckpointWhoseBodyChanged_underTheOldSignature_doesNotVerify() throws Exception {
        String otherRoot = EvidenceFixture.b64(fixture.log.tree.root(26));
        range.checkpoints.set(1, newest.note().replace(EvidenceFixture.b64(newest.root()), otherRoot));

        VerifyRun run = VerifyRun.of(range.write(dir));

        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.out().contains("FAIL checkpoint size 27: signature by key " + fixture.key.keyId() + " does not verify"),
                run.failures());
    }

    @Test
    void checkpointsSignedByAnotherKey_doNotVerify_whenTheRealKeyIsPinned() throws Exception {
        TestKey rogue = new TestKey(EvidenceFixture.ORIGIN, 66);
        range.checkpoints.replaceAll(note -> rogue.signNote(note.substring(0, note.indexOf("\n\n") + 1)));
        range.keys = fixture.keysJson(rogue);
        Path pinned = writeJson("pinned.json", fixture.keysJson(fixture.key));

        VerifyRun run = VerifyRun.of(range.write(dir), "--keys", pinned.toString());

        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.out().contains("FAIL checkpoint size 27: no signature by a trusted key (signed only by unknown key "
                + rogue.keyId()), run.failures());
        assertTrue(run.out().contains("WARN the bundle's keys.json lists key " + rogue.keyId() + ", which is not pinned"),
                run.failures());
    }

    @Test
    void aCheckpointSignedOverAnotherRoot_failsTheInclusionProofAgainstIt() throws Exception {
        EvidenceFixture.TestCheckpoint covering = fixture.checkpoints.get(2);
        byte[] wrongRoot = fixture.log.tree.root(21);
        range.checkpoints.set(0, EvidenceFixture.note(EvidenceFixture.ORIGIN, 22, wrongRoot, covering.time(), fixture.key));

        VerifyRun run = VerifyRun.of(range.write(dir));

        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.out().contains("FAIL inclusion seq 21: not shown to be in the log: against the checkpoint of size 22,"
                + " the proof leads to root " + EvidenceFixture.b64(covering.root()) + ", not to the checkpoint's root "
                + EvidenceFixture.b64(wrongRoot)), run.failures());
        assertTrue(run.out().contains("FAIL consistency size 27: forked view"), run.failures());
    }

    @Test
    void twoCheckpointsOfOneSizeWithDifferentRoots_areAForkedView() throws Exception {
        range.checkpoints.add(EvidenceFixture.note(EvidenceFixture.ORIGIN, 27, fixture.log.tree.root(26), newest.time(),
                fixture.key));

        VerifyRun run = VerifyRun.of(range.write(dir));

        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.out().contains("FAIL checkpoint size 27: forked view: two checkpoints of size 27 with different roots"),
                run.failures());
    }

    @Test
    void aNewerCheckpointOfAnotherHistory_failsItsConsistencyProof() throws Exception {
        TestMerkleTree fork = fixture.log.tree.copy();
        fork.replace(20, TestMerkleTree.hash(new byte[] {1}));
        range.checkpoints.set(1, EvidenceFixture.note(EvidenceFixture.ORIGIN, 27, fork.root(27), newest.time(), fixture.key));
        range.consistency.set(0, EvidenceFixture.consistencyProof(fork, 22, 27));

        VerifyRun run = VerifyRun.of(range.write(dir));

        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.out().contains("FAIL consistency size 27: forked view: the checkpoints of size 22 and 27 are not"
                + " consistent: the proof does not lead to the root of size 22"), run.failures());
    }

    @Test
    void aTrustedCheckpointOfTheSameSizeWithAnotherRoot_isAForkedView() throws Exception {
        TestMerkleTree fork = fixture.log.tree.copy();
        fork.replace(3, TestMerkleTree.hash(new byte[] {2}));
        Path trusted = Files.writeString(dir.resolve("trusted.note"),
                EvidenceFixture.note(EvidenceFixture.ORIGIN, 27, fork.root(27), newest.time(), fixture.key));

        VerifyRun run = VerifyRun.of(range.write(dir), "--trusted-checkpoint", trusted.toString());

        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.out().contains("FAIL trusted-checkpoint size 27: forked view: the bundle's checkpoint of size 27 has root "
                + EvidenceFixture.b64(newest.root()) + " but the trusted one has " + EvidenceFixture.b64(fork.root(27))),
                run.failures());
    }

    @Test
    void anOlderTrustedCheckpoint_needsAConsistencyProofFromItsSize() throws Exception {
        Path trusted = Files.writeString(dir.resolve("trusted.note"), fixture.checkpoints.get(0).note());

        VerifyRun run = VerifyRun.of(range.write(dir), "--trusted-checkpoint", trusted.toString());

        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.out().contains("FAIL trusted-checkpoint size 27: no consistency proof from size 5 to size 27"),
                run.failures());
    }

    @Test
    void aCheckpointSignedAfterItsKeyWasRetired_isRejected() throws Exception {
        fixture.key.retiredAt = Instant.parse("2026-11-22T10:00:00.025Z").toString();
        range.keys = fixture.keysJson(fixture.key);

        VerifyRun run = VerifyRun.of(range.write(dir));

        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.out().contains("FAIL checkpoint size 27: signed by key " + fixture.key.keyId()
                + " at 2026-11-22T10:00:00.027Z, after the key was retired"), run.failures());
    }

    @Test
    void aCheckpointSignedBeforeItsKeyWasCreated_isRejected() throws Exception {
        fixture.key.createdAt = "2026-11-22T10:00:00.025Z";
        range.keys = fixture.keysJson(fixture.key);

        VerifyRun run = VerifyRun.of(range.write(dir));

        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.out().contains("FAIL checkpoint size 22: signed by key " + fixture.key.keyId()
                + " at 2026-11-22T10:00:00.022Z, before the key was created"), run.failures());
        assertTrue(!run.out().contains("FAIL checkpoint size 27"), run.failures());
    }

    @Test
    void aKeyIsValidFromItsCreationToItsRetirement_bothIncluded() throws Exception {
        fixture.key.createdAt = fixture.checkpoints.get(2).time().toString();
        fixture.key.retiredAt = newest.time().toString();
        range.keys = fixture.keysJson(fixture.key);

        VerifyRun run = VerifyRun.of(range.write(dir));

        assertEquals(0, run.exitCode(), run.toString());
    }

    @Test
    void aKeysListingWhoseKeyIdIsWrong_isRejected() throws Exception {
        range.keys = fixture.keysJson(fixture.key);
        @SuppressWarnings("unchecked")
        var listed = (java.util.List<java.util.Map<String, Object>>) range.keys.get("keys");
        listed.get(0).put("keyId", "00000000");

        VerifyRun run = VerifyRun.of(range.write(dir));

        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.out().contains("FAIL keys: keys.json: key 00000000: keyId does not match its name and publicKey,"
                + " which give " + fixture.key.keyId()), run.failures());
    }

    private Path writeJson(String name, Object value) throws Exception {
        return Files.writeString(dir.resolve(name), new ObjectMapper().writeValueAsString(value));
    }
}
