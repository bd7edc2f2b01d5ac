package dev.parley.worker.simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** Requests in progress and how they ended, overall and per simulated backend, read by tests from any thread. */
final class StreamCounters {

    /** When a client went away, and from which backend ("" for the unprefixed paths). */
    record ClientGone(String backend, long nanos) {
    }

    private final AtomicLong started = new AtomicLong();
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicLong cancelled = new AtomicLong();
    private final Map<String, AtomicLong> startedByBackend = new ConcurrentHashMap<>();
    private final List<ClientGone> gone = new ArrayList<>();

    void onStart(String backend) {
        started.incrementAndGet();
        active.incrementAndGet();
        startedByBackend.computeIfAbsent(backend, b -> new AtomicLong()).incrementAndGet();
    }

    /**
     * Called exactly once per started request.
     *
     * @param clientGoneNanos {@link System#nanoTime()} when the client went away before the reply ended, or -1
     */
    void onFinish(String backend, long clientGoneNanos) {
        active.decrementAndGet();
        if (clientGoneNanos >= 0) {
            cancelled.incrementAndGet();
            synchronized (gone) {
                gone.add(new ClientGone(backend, clientGoneNanos));
            }
        }
    }

    long total() {
        return started.get();
    }

    long total(String backend) {
        AtomicLong count = startedByBackend.get(backend);
        return count == null ? 0 : count.get();
    }

    int active() {
        return active.get();
    }

    long cancelled() {
        return cancelled.get();
    }

    /** In the order the clients went away; {@code backend} null for every backend. */
    List<Long> clientGoneNanos(String backend) {
        synchronized (gone) {
            return gone.stream().filter(g -> backend == null || g.backend().equals(backend)).map(ClientGone::nanos)
                .toList();
        }
    }
}
