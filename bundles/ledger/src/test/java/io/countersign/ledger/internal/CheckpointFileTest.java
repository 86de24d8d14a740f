package io.countersign.ledger.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.countersign.api.Checkpoint;
import io.countersign.api.Signature;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Opening the checkpoints file: line by line, whatever its size, with the recovery rules of a crash. */
class CheckpointFileTest {

    @TempDir
    Path dir;

    private static Checkpoint checkpoint(long size) {
        byte[] root = new byte[32];
        root[0] = (byte) size;
        return CheckpointNote.signed("test.example/ledger", size, root, Instant.parse("2026-11-22T10:00:00Z")
                .plusMillis(size), new Signature("0a0b0c0d", new byte[64]));
    }

    private Path fileWith(int checkpoints) throws IOException {
        try (CheckpointFile file = CheckpointFile.open(dir)) {
            for (int size = 1; size <= checkpoints; size++) {
                file.append(checkpoint(size));
            }
        }
        return dir.resolve(CheckpointFile.NAME);
    }

    @Test
    void aFileTooLargeToReadWholeIsReadLineByLineAndAnOverlongLineRefusesTheOpenAtItsOffset() throws Exception {
        Path path = fileWith(3);
        long damagedAt = Files.size(path);
        try (RandomAccessFile raw = new RandomAccessFile(path.toFile(), "rw")) {
            raw.setLength(3L << 30); // sparse: a hole of zeros up to 3 GiB, more than one byte array can hold
        }
        IOException refused = assertThrows(IOException.class, () -> CheckpointFile.open(dir).close());
        assertTrue(refused.getMessage().contains("at byte " + damagedAt + ": a line longer than "
                + CheckpointFile.MAX_LINE_BYTES + " bytes"), refused.getMessage());
    }

    @Test
    void linesSpanningManyReadChunksAllLoad() throws Exception {
        Path path = fileWith(600);
        assertTrue(Files.size(path) > 2 * 64 * 1024, "the file spans several read chunks");
        try (CheckpointFile file = CheckpointFile.open(dir)) {
            assertEquals(600, file.latest().size());
            for (long size = 1; size <= 600; size++) {
                assertEquals(checkpoint(size).note(), file.ofSize(size).note());
            }
        }
    }

    @Test
    void withoutItsIndex_aDamagedLineBeforeTheLastRefusesTheOpenNamingItsOffset() throws Exception {
        Path path = fileWith(3);
        int second = damageSecondLine(path);
        Files.delete(dir.resolve(CheckpointIndex.NAME));
        IOException refused = assertThrows(IOException.class, () -> CheckpointFile.open(dir).close());
        assertTrue(refused.getMessage().contains("at byte " + second + " holds no readable checkpoint"),
                refused.getMessage());
    }

    @Test
    void withItsIndex_theOpenReadsOnlyTheLastLine_andADamagedEarlierLineIsReportedWhenRead() throws Exception {
        Path path = fileWith(3);
        int second = damageSecondLine(path);
        try (CheckpointFile file = CheckpointFile.open(dir)) {
            assertEquals(3, file.latest().size());
            assertEquals(checkpoint(1).note(), file.ofSize(1).note());
            IOException refused = assertThrows(IOException.class, () -> file.ofSize(2));
            assertTrue(refused.getMessage().contains("at byte " + second + " holds no readable checkpoint"),
                    refused.getMessage());
        }
    }

    @Test
    void aMissingIndexIsRebuiltOnOpen() throws Exception {
        fileWith(300);
        Files.delete(dir.resolve(CheckpointIndex.NAME));
        assertLookupsAnswer(300);
        assertEquals(300 * CheckpointIndex.RECORD_BYTES, Files.size(dir.resolve(CheckpointIndex.NAME)));
    }

    @Test
    void anIndexBehindTheFile_asAfterACrash_isCompletedFromTheLinesAfterIt() throws Exception {
        fileWith(300);
        Path index = dir.resolve(CheckpointIndex.NAME);
        try (RandomAccessFile raw = new RandomAccessFile(index.toFile(), "rw")) {
            raw.setLength(120L * CheckpointIndex.RECORD_BYTES + 5); // and a record cut short
        }
        assertLookupsAnswer(300);
        assertEquals(300 * CheckpointIndex.RECORD_BYTES, Files.size(index));
    }

    @Test
    void anIndexThatDisagreesWithTheFileAtItsEnd_isRebuiltOnOpen() throws Exception {
        fileWith(300);
        Path index = dir.resolve(CheckpointIndex.NAME);
        byte[] stale = Files.readAllBytes(index);
        Files.delete(dir.resolve(CheckpointFile.NAME));
        fileWith(20); // another, shorter file: the old index points past its end
        Files.write(index, stale);
        assertLookupsAnswer(20);
        assertEquals(20 * CheckpointIndex.RECORD_BYTES, Files.size(index));
    }

    @Test
    void anIndexRecordDamagedInTheMiddleIsFoundOnLookup_andTheIndexRebuilt() throws Exception {
        fileWith(300);
        Path index = dir.resolve(CheckpointIndex.NAME);
        byte[] records = Files.readAllBytes(index);
        records[100 * CheckpointIndex.RECORD_BYTES + 7] ^= 0x40; // line 100 now claims another size
        records[150 * CheckpointIndex.RECORD_BYTES + 15] ^= 0x01; // line 150 now starts a byte later
        Files.write(index, records);
        assertLookupsAnswer(300);
    }

    private void assertLookupsAnswer(int checkpoints) throws IOException {
        try (CheckpointFile file = CheckpointFile.open(dir)) {
            assertEquals(checkpoints, file.latest().size());
            for (long size = 1; size <= checkpoints; size++) {
                assertEquals(checkpoint(size).note(), file.ofSize(size).note(), "size " + size);
                assertEquals(checkpoint(size).note(), file.covering(size - 1).note(), "covering " + (size - 1));
            }
            assertEquals(null, file.ofSize(checkpoints + 1));
            assertEquals(null, file.covering(checkpoints));
        }
    }

    private static int damageSecondLine(Path path) throws IOException {
        byte[] content = Files.readAllBytes(path);
        int second = new String(content, StandardCharsets.ISO_8859_1).indexOf('\n') + 1;
        content[second] = 'x';
        Files.write(path, content);
        return second;
    }

    @Test
    void aLastLineCutShortByACrashIsDroppedAndCutOff() throws Exception {
        Path path = fileWith(2);
        long complete = Files.size(path);
        Files.write(path, "{\"note\":\"test.exa".getBytes(StandardCharsets.UTF_8),
                StandardOpenOption.APPEND);
        try (CheckpointFile file = CheckpointFile.open(dir)) {
            assertEquals(2, file.latest().size());
            assertEquals(complete, Files.size(path));
            file.append(checkpoint(3));
        }
        try (CheckpointFile reopened = CheckpointFile.open(dir)) {
            assertEquals(3, reopened.latest().size());
        }
    }
}
