package io.countersign.policy.drools.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.countersign.api.Decision;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Builds and evaluations run with the engine's loader as TCCL, and give the caller's back afterwards. */
class TcclTest {
    @TempDir
    Path dir;

    @Test
    void theEnginesLoaderIsTheTcclInsideAndTheCallersIsRestored() throws Exception {
        Drl.write(dir, "tccl.drl", Drl.file(Drl.rule("Reports the TCCL", "action == \"db.query\"",
                "$a.allow(String.valueOf(Thread.currentThread().getContextClassLoader().getName()));")));
        Thread thread = Thread.currentThread();
        ClassLoader callers = thread.getContextClassLoader();
        try (URLClassLoader bundle = new URLClassLoader("bundle-loader", new URL[0], Requests.loader());
             URLClassLoader sentinel = new URLClassLoader("caller-loader", new URL[0], null)) {
            thread.setContextClassLoader(sentinel);
            try (PolicyRuntime runtime = new PolicyRuntime(dir, Duration.ofHours(1), bundle)) {
                assertEquals(ReloadResult.Status.ACTIVATED, runtime.reload().status());
                assertSame(sentinel, thread.getContextClassLoader());

                Decision decision = runtime.decide(Requests.request("db.query", "staging", "{}"), Requests.AGENT);
                assertEquals(List.of("bundle-loader"), decision.reasons());
                assertSame(sentinel, thread.getContextClassLoader());
            }
        } finally {
            thread.setContextClassLoader(callers);
        }
    }
}
