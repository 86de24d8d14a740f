package io.countersign.journal.internal;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bounded hand-off from appenders to the writer. One lock orders offers, so queue order is the order in which
 * {@code append} calls took effect, and it also orders them against closing and failing: nothing is accepted after
 * either, so nothing is left for no one to complete.
 */
final class PendingQueue {

    enum Offer { ACCEPTED, FULL, CLOSED, FAILED }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Pending[] ring;
    private int head;
    private int count;
    private boolean closed;
    private String failure;

    PendingQueue(int capacity) {
        ring = new Pending[capacity];
    }

    Offer offer(Pending pending) {
        lock.lock();
        try {
            if (failure != null) {
                return Offer.FAILED;
            }
            if (closed) {
                return Offer.CLOSED;
            }
            if (count == ring.length) {
                return Offer.FULL;
            }
            ring[(head + count) % ring.length] = pending;
            // The writer only waits when the queue is empty, so only the first arrival needs to wake it.
            if (++count == 1) {
                notEmpty.signal();
            }
            return Offer.ACCEPTED;
        } finally {
            lock.unlock();
        }
    }

    /** Moves up to {@code into.length} pending appends into {@code into}; 0 once closed and empty. */
    int drainTo(Pending[] into) {
        lock.lock();
        try {
            while (count == 0 && !closed) {
                notEmpty.awaitUninterruptibly();
            }
            int n = Math.min(count, into.length);
            for (int i = 0; i < n; i++) {
                into[i] = ring[head];
                ring[head] = null;
                head = (head + 1) % ring.length;
            }
            count -= n;
            return n;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits up to {@code nanos} for {@link #close}; returns whether the queue is closed. Offers taken meanwhile do not
     * end the wait.
     */
    boolean awaitClosed(long nanos) {
        lock.lock();
        try {
            long remaining = nanos;
            while (!closed && remaining > 0) {
                try {
                    remaining = notEmpty.awaitNanos(remaining);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return closed;
                }
            }
            return closed;
        } finally {
            lock.unlock();
        }
    }

    /** How many appends wait for the writer (not counting those it is writing). */
    int size() {
        lock.lock();
        try {
            return count;
        } finally {
            lock.unlock();
        }
    }

    /** Refuses every later offer; what is queued is still drained. */
    void close() {
        lock.lock();
        try {
            closed = true;
            notEmpty.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Refuses every later offer as failed; what is queued is still drained so that it can be failed too. */
    void fail(String message) {
        lock.lock();
        try {
            if (failure == null) {
                failure = message;
            }
        } finally {
            lock.unlock();
        }
    }

    String failure() {
        lock.lock();
        try {
            return failure;
        } finally {
            lock.unlock();
        }
    }
}
