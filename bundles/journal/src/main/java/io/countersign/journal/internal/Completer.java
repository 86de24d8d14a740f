package io.countersign.journal.internal;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Completes futures in journal order on its own thread: what callers chain on them (writing HTTP responses) then
 * overlaps with the writer's next fsync instead of delaying it. Then hands the durable entries to the followers.
 */
final class Completer implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(Completer.class);

    private final BlockingQueue<Batch> batches = new LinkedBlockingQueue<>();
    private final JournalFollowers followers;

    Completer(JournalFollowers followers) {
        this.followers = followers;
    }

    void submit(Batch batch) {
        batches.add(batch);
    }

    /** Completes what was submitted so far, then ends {@link #run}. */
    void stop() {
        batches.add(Batch.STOP);
    }

    @Override
    public void run() {
        for (;;) {
            Batch batch;
            try {
                batch = batches.take();
            } catch (InterruptedException e) {
                LOG.warn("Journal completer interrupted; it keeps running until the journal is closed");
                continue;
            }
            if (batch == Batch.STOP) {
                return;
            }
            try {
                batch.complete();
            } catch (RuntimeException e) {
                LOG.error("Completing journal futures failed", e);
            }
            batch.forEachEntry(followers::published);
        }
    }
}
