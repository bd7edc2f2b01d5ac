package dev.parley.ingest.relay;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * The watchers of one assigned partition, indexed by session, and which sessions the relay has read records of
 * (so a newcomer whose session has nothing in the stretch already read needs no seek back); used only on the relay
 * thread.
 */
final class PartitionWatchers<V> {

    /** Sessions whose last record offset is kept, per partition. */
    private static final int SEEN_SESSIONS = 100_000;

    private record CaughtUpWaiter<V>(Watch<V> watch, long endOffset) {
    }

    private final TopicPartition partition;
    private final Map<String, List<Watch<V>>> bySession = new HashMap<>();
    private final List<CaughtUpWaiter<V>> waiters = new ArrayList<>();
    /** The offset of each session's last record read since {@link #readFrom}; the least recently read go first. */
    private final Map<String, Long> lastRecord = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            if (size() <= SEEN_SESSIONS) {
                return false;
            }
            // nothing is known about that session's records up to here any more
            readFrom = Math.max(readFrom, eldest.getValue() + 1);
            return true;
        }
    };
    /** Every record from here to the consumer's position has been through {@link #read}. */
    private long readFrom;
    private int size;

    /** {@code readFrom}: where the relay starts reading the newly assigned partition. */
    PartitionWatchers(TopicPartition partition, long readFrom) {
        this.partition = partition;
        this.readFrom = readFrom;
    }

    /** The relay read a record of {@code sessionId}. */
    void read(String sessionId, long offset) {
        lastRecord.merge(sessionId, offset, Math::max);
    }

    /** The relay seeks back to {@code offset}: it will read everything from there again. */
    void seekingTo(long offset) {
        readFrom = Math.min(readFrom, offset);
    }

    /**
     * Whether {@code sessionId} may have records from {@code from} up to the position the relay has read to; false
     * only when the relay has read all of them and none was the session's.
     */
    boolean mayHaveRecords(String sessionId, long from) {
        Long last = lastRecord.get(sessionId);
        return from < readFrom || (last != null && last >= from);
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

    /**
     * Removes and returns the watchers whose end offset the partition's position has reached. A suspended watcher
     * refused a record before that end and has not had the rest: it is caught up only once it is resumed and the
     * relay has read past the end again.
     */
    List<Watch<V>> caughtUpAt(long position) {
        List<Watch<V>> done = new ArrayList<>();
        for (Iterator<CaughtUpWaiter<V>> it = waiters.iterator(); it.hasNext(); ) {
            CaughtUpWaiter<V> waiter = it.next();
            boolean missing = waiter.watch().suspended && waiter.watch().nextOffset < waiter.endOffset();
            if (waiter.endOffset() <= position && !missing) {
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
