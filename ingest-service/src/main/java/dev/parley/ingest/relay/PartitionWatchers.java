package dev.parley.ingest.relay;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/** The watchers of one assigned partition, indexed by session; used only on the relay thread. */
final class PartitionWatchers<V> {

    private record CaughtUpWaiter<V>(Watch<V> watch, long endOffset) {
    }

    private final TopicPartition partition;
    private final Map<String, List<Watch<V>>> bySession = new HashMap<>();
    private final List<CaughtUpWaiter<V>> waiters = new ArrayList<>();
    private int size;

    PartitionWatchers(TopicPartition partition) {
        this.partition = partition;
    }

    TopicPartition topicPartition() {
        return partition;
    }

    void add(Watch<V> watch) {
        bySession.computeIfAbsent(watch.sessionId(), ignored -> new ArrayList<>(2)).add(watch);
        size++;
    }

    void remove(Watch<V> watch) {
        List<Watch<V>> watches = bySession.get(watch.sessionId());
        if (watches != null && watches.remove(watch)) {
            size--;
            if (watches.isEmpty()) {
                bySession.remove(watch.sessionId());
            }
        }
        waiters.removeIf(waiter -> waiter.watch() == watch);
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** The watchers of {@code sessionId}, or null; the relay must not keep the list. */
    List<Watch<V>> watchersOf(String sessionId) {
        return bySession.get(sessionId);
    }

    void awaitCaughtUp(Watch<V> watch, long endOffset) {
        waiters.add(new CaughtUpWaiter<>(watch, endOffset));
    }

    boolean hasWaiters() {
        return !waiters.isEmpty();
    }

    /** Removes and returns the watchers whose end offset the partition's position has reached. */
    List<Watch<V>> caughtUpAt(long position) {
        List<Watch<V>> done = new ArrayList<>();
        for (Iterator<CaughtUpWaiter<V>> it = waiters.iterator(); it.hasNext(); ) {
            CaughtUpWaiter<V> waiter = it.next();
            if (waiter.endOffset() <= position) {
                done.add(waiter.watch());
                it.remove();
            }
        }
        return done;
    }

    /** Every watcher, e.g. to tell them the relay stopped. */
    List<Watch<V>> all() {
        List<Watch<V>> all = new ArrayList<>(size);
        bySession.values().forEach(all::addAll);
        return all;
    }
}
