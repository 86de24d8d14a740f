package io.countersign.journal.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentCursorTest {

    private static final byte[] PAYLOAD = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path directory;

    @Test
    void aSegmentFilledToWithinAHeaderOfItsEnd_endsCleanly() throws Exception {
        Path file = segment(new byte[7]);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            SegmentCursor cursor = new SegmentCursor(channel, 0, 16);
            assertEquals(SegmentCursor.Step.RECORD, cursor.next());
            assertArrayEquals(PAYLOAD, cursor.payload());
            assertEquals(SegmentCursor.Step.END, cursor.next());
            assertEquals(8 + PAYLOAD.length, cursor.recordOffset());
        }
    }

    @Test
    void nonZeroBytesShorterThanAHeaderAtTheEnd_areABadRecord() throws Exception {
        Path file = segment(new byte[] {0, 0, 1});
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            SegmentCursor cursor = new SegmentCursor(channel, 0, 16);
            assertEquals(SegmentCursor.Step.RECORD, cursor.next());
            assertEquals(SegmentCursor.Step.BAD, cursor.next());
            assertTrue(cursor.problem().contains("less than a record header"), cursor.problem());
        }
    }

    @Test
    void aRecordLargerThanTheReadBuffer_isStillRead() throws Exception {
        Path file = segment(new byte[64]);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            SegmentCursor cursor = new SegmentCursor(channel, 0, 4);
            assertEquals(SegmentCursor.Step.RECORD, cursor.next());
            assertArrayEquals(PAYLOAD, cursor.payload());
            assertEquals(SegmentCursor.Step.END, cursor.next());
        }
    }

    private Path segment(byte[] tail) throws Exception {
        ByteBuffer bytes = ByteBuffer.allocate(8 + PAYLOAD.length + tail.length);
        bytes.putInt(PAYLOAD.length).putInt(RawSegments.crc32c(PAYLOAD)).put(PAYLOAD).put(tail);
        return Files.write(directory.resolve("segment-00000000000000000000.log"), bytes.array());
    }
}
