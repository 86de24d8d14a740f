package io.countersign.siem.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ThreadNicenessTest {

    @Test
    void onLinuxOnlyTheCallingThreadGetsTheNiceValue() throws Exception {
        assumeTrue(Files.isReadable(Path.of("/proc/thread-self/stat")), "Linux only");
        int before = ThreadNiceness.current();
        AtomicReference<String> problem = new AtomicReference<>("not run");
        AtomicReference<Integer> after = new AtomicReference<>();
        Thread sink = new Thread(() -> {
            problem.set(ThreadNiceness.lower(12));
            after.set(ThreadNiceness.current());
        });
        sink.start();
        sink.join();
        assertNull(problem.get());
        assertEquals(12, after.get());
        assertEquals(before, ThreadNiceness.current(), "the other threads keep theirs");
    }

    @Test
    void outOfRangeIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> ThreadNiceness.lower(0));
        assertThrows(IllegalArgumentException.class, () -> ThreadNiceness.lower(20));
    }
}
