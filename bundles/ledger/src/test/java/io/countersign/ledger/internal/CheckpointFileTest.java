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
    void aDamagedLineBeforeTheLastRefusesTheOpenNamingItsOffset() throws Exception {
        Path path = fileWith(3);
        byte[] content = Files.readAllBytes(path);
        int second = new String(content, StandardCharsets.ISO_8859_1).indexOf('\n') + 1;
        content[second] = 'x';
        Files.write(path, content);
        IOException refused = assertThrows(IOException.class, () -> CheckpointFile.open(dir).close());
        assertTrue(refused.getMessage().contains("at byte " + second + " holds no readable checkpoint"),
                refused.getMessage());
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
