package io.countersign.core.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.countersign.core.internal.RequestIndex.Kind;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run file is exactly the format of docs/restart-design.md §5.4. */
class RequestIndexFormatTest {

    @TempDir
    Path directory;

    @Test
    void runFileLayout() throws Exception {
        FakeMerkleLog journal = new FakeMerkleLog(1_000);
        try (RequestIndex index = RequestIndex.open(directory, journal, 1_000, RequestIndexTest.SMALL)) {
            for (int seq = 0; seq < 128; seq++) {
                index.add(Kind.ENTRY, "same", seq);
            }
            index.add(Kind.KEY, "agent\u0000key", 200);
            index.advanceTo(300);
            index.flush();
        }
        ByteBuffer file = ByteBuffer.wrap(Files.readAllBytes(directory.resolve(IndexRun.fileName(0, 300))));
        int blocks = 2;
        assertEquals(blocks * 4096 + blocks * 16 + 8 + 8 + 32 + 8 + 4 + 4 + 8, file.capacity());

        byte[] same = sha256Prefix("same");
        byte[] keyed = sha256Prefix("agent\u0000key");
        boolean sameFirst = Arrays.compareUnsigned(same, keyed) < 0;
        byte[] firstKey = sameFirst ? same : keyed;
        assertArrayEquals(firstKey, Arrays.copyOfRange(file.array(), 0, 16));
        if (sameFirst) {
            assertEquals(0, file.getLong(16), "seq");
            assertEquals(1, file.get(24), "kind ENTRY");
            assertEquals(1, file.getLong(32 + 16));
        } else {
            assertEquals(200, file.getLong(16));
            assertEquals(3, file.get(24), "kind KEY");
        }
        assertArrayEquals(new byte[7], Arrays.copyOfRange(file.array(), 25, 32));
        for (int block = 0; block < blocks; block++) {
            int at = block * 4096;
            assertEquals(block == 0 ? 127 : 2, file.getShort(at + 127 * 32));
            CRC32C crc = new CRC32C();
            crc.update(file.array(), at, 4092);
            assertEquals((int) crc.getValue(), file.getInt(at + 4092));
        }

        int footer = blocks * 4096;
        assertArrayEquals(firstKey, Arrays.copyOfRange(file.array(), footer, footer + 16));
        byte[] secondFence = Arrays.copyOfRange(file.array(), 4096, 4096 + 16);
        assertArrayEquals(secondFence, Arrays.copyOfRange(file.array(), footer + 16, footer + 32));
        int fields = footer + blocks * 16;
        assertEquals(0, file.getLong(fields));
        assertEquals(300, file.getLong(fields + 8));
        assertArrayEquals(journal.root(300), Arrays.copyOfRange(file.array(), fields + 16, fields + 48));
        assertEquals(129, file.getLong(fields + 48));
        assertEquals(blocks, file.getInt(fields + 56));
        CRC32C crc = new CRC32C();
        crc.update(file.array(), footer, fields + 60 - footer);
        assertEquals((int) crc.getValue(), file.getInt(fields + 60));
        assertEquals("CSRIDX01", new String(file.array(), fields + 64, 8, StandardCharsets.US_ASCII));
    }

    private static byte[] sha256Prefix(String key) throws Exception {
        return Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)), 16);
    }

    @Test
    void aKeySpanningBlocksIsFoundWhereverItStarts() throws IOException {
        FakeMerkleLog journal = new FakeMerkleLog(100_000);
        ReferenceIndex reference = new ReferenceIndex(11, 5);
        try (RequestIndex index = RequestIndex.open(directory, journal, 100_000, RequestIndexTest.SMALL)) {
            reference.feed(index, 3_000);
            index.advanceTo(reference.next());
            index.flush();
            reference.assertAnswers(index, Long.MAX_VALUE);
        }
    }
}
