package io.countersign.siem.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonlFileTransportTest {

    @TempDir
    Path dir;

    @Test
    void rotatesAndKeepsAtMostMaxFiles() throws Exception {
        Path file = dir.resolve("siem/export.jsonl");
        JsonlFileTransport transport = new JsonlFileTransport(file, 1000, 3);
        for (int batch = 0; batch < 20; batch++) {
            List<SiemEvent> events = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                long seq = batch * 5L + i;
                events.add(new SiemEvent(seq, "h", Instant.EPOCH, "t", 1, "{\"seq\":" + seq + ",\"pad\":\""
                        + "x".repeat(40) + "\"}"));
            }
            assertEquals(batch * 5L + 5, transport.send(events));
        }
        transport.close();
        assertTrue(Files.exists(transport.rotated(2)));
        assertFalse(Files.exists(transport.rotated(3)));
        long total = 0;
        long previous = -1;
        for (Path p : List.of(transport.rotated(2), transport.rotated(1), file)) {
            assertTrue(Files.size(p) <= 1000, p + " " + Files.size(p));
            total += Files.size(p);
            for (String line : Files.readAllLines(p)) {
                long seq = Long.parseLong(line.replaceAll("^\\{\"seq\":(\\d+),.*", "$1"));
                assertTrue(previous < 0 || seq == previous + 1, "in order across files");
                previous = seq;
            }
        }
        assertEquals(99, previous);
        assertTrue(total <= 3000);
    }
}
