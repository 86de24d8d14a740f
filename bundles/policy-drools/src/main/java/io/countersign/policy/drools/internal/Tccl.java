package io.countersign.policy.drools.internal;

import java.util.function.Supplier;

/**
 * Runs code with the bundle's class loader as the thread context class loader. kie-api finds its
 * services (KieServices, the builder factories, the MVEL components) through the TCCL and caches
 * the first lookup, even a failed one, so every KIE call, the first above all, must go through here.
 */
final class Tccl {
    private Tccl() {
    }

    static <T> T call(ClassLoader loader, Supplier<T> body) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            return body.get();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    static void run(ClassLoader loader, Runnable body) {
        call(loader, () -> {
            body.run();
            return null;
        });
    }
}
