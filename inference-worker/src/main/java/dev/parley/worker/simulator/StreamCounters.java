package dev.parley.worker.simulator;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** Requests in progress and how they ended, read by tests from any thread. */
final class StreamCounters {

    private final AtomicLong started = new AtomicLong();
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicLong cancelled = new AtomicLong();

    void onStart() {
        started.incrementAndGet();
        active.incrementAndGet();
    }

    /** Called exactly once per started request. */
    void onFinish(boolean clientWentAway) {
        active.decrementAndGet();
        if (clientWentAway) {
            cancelled.incrementAndGet();
        }
    }

    long total() {
        return started.get();
    }

    int active() {
        return active.get();
    }

    long cancelled() {
        return cancelled.get();
    }
}
