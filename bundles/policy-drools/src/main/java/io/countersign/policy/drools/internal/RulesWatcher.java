package io.countersign.policy.drools.internal;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_DELETE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls {@code onChange} on its own thread after a burst of changes in a directory has been quiet
 * for the debounce time, so that an editor's save (truncate, write, rename) or a multi-file copy
 * causes one rebuild, not several, and no rebuild ever runs on a request thread.
 */
final class RulesWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RulesWatcher.class);
    private static final long REREGISTER_MILLIS = 1000;

    private final Path dir;
    private final long debounceMillis;
    private final Runnable onChange;
    private final WatchService watchService;
    private final Thread thread;
    private volatile boolean closed;

    RulesWatcher(Path dir, Duration debounce, Runnable onChange) throws IOException {
        this.dir = dir;
        this.debounceMillis = Math.max(1, debounce.toMillis());
        this.onChange = onChange;
        this.watchService = dir.getFileSystem().newWatchService();
        this.thread = new Thread(this::loop, "countersign-policy-watcher");
        this.thread.setDaemon(true);
    }

    void start() throws IOException {
        register();
        thread.start();
        LOG.info("watching {} for rule changes", dir);
    }

    @Override
    public void close() {
        closed = true;
        try {
            watchService.close();
        } catch (IOException e) {
            LOG.debug("closing the watch service of {}", dir, e);
        }
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void register() throws IOException {
        dir.register(watchService, ENTRY_CREATE, ENTRY_MODIFY, ENTRY_DELETE);
    }

    private void loop() {
        try {
            while (!closed) {
                boolean stillWatched = drain(watchService.take());
                WatchKey next;
                while ((next = watchService.poll(debounceMillis, TimeUnit.MILLISECONDS)) != null) {
                    stillWatched &= drain(next);
                }
                runOnChange();
                if (!stillWatched) {
                    awaitDirectory();
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closed
        }
    }

    private static boolean drain(WatchKey key) {
        key.pollEvents();
        return key.reset();
    }

    private void runOnChange() {
        try {
            onChange.run();
        } catch (RuntimeException e) {
            LOG.error("reloading the rules in {} failed", dir, e);
        }
    }

    /** The directory went away (its key is invalid): wait for it to come back, then watch and reload again. */
    private void awaitDirectory() throws InterruptedException {
        LOG.error("rules directory {} is gone; the active rule set stays until it comes back", dir);
        while (!closed) {
            Thread.sleep(REREGISTER_MILLIS);
            if (Files.isDirectory(dir)) {
                try {
                    register();
                    LOG.info("rules directory {} is back, watching it again", dir);
                    runOnChange();
                    return;
                } catch (IOException e) {
                    LOG.debug("re-registering {}", dir, e);
                }
            }
        }
    }
}
