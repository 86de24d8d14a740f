package io.countersign.verify.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class RowsTest {

    @Test
    void linesPutInAnyOrder_areWrittenInOrdinalOrder_acrossIndexChunks() throws Exception {
        int count = (1 << 20) + 1000;
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(15));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (Rows rows = new Rows()) {
            for (int ordinal : order) {
                rows.put(ordinal, ordinal + (ordinal % 7 == 0 ? ",é" : "") + "\r\n");
            }
            assertEquals(count, rows.size());
            rows.writeTo(out, "header\r\n");
        }
        StringBuilder expected = new StringBuilder("header\r\n");
        for (int i = 0; i < count; i++) {
            expected.append(i).append(i % 7 == 0 ? ",é" : "").append("\r\n");
        }
        assertEquals(expected.toString(), out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void percentilesFromCountsAreTheNearestRankOfTheValues() {
        TreeMap<Long, Long> counted = new TreeMap<>();
        counted.put(10L, 1L);
        counted.put(20L, 2L);
        counted.put(30L, 1L);
        assertEquals(20, Figures.percentile(counted, 4, 50));
        assertEquals(30, Figures.percentile(counted, 4, 90));
        assertEquals(10, Figures.percentile(counted, 4, 1));
        assertEquals(0, Figures.percentile(new TreeMap<>(), 0, 50));
    }
}
