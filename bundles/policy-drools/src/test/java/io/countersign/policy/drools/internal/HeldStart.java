package io.countersign.policy.drools.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/** Holds the engine's start until the test releases it, which then runs it on a thread of its own. */
final class HeldStart implements Executor {

    private final CompletableFuture<Runnable> start = new CompletableFuture<>();

    @Override
    public void execute(Runnable command) {
        start.complete(command);
    }

    void release() {
        Thread thread = new Thread(start.join(), "held-policy-start");
        thread.start();
    }
}
