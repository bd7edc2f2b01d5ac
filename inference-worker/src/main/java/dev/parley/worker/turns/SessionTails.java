package dev.parley.worker.turns;

import dev.parley.avro.LedgerEvent;
import dev.parley.avro.SessionCreated;
import java.util.Iterator;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What this worker has already read of each session in its partitions: the ledger events its own consumer saw
 * since the partition was assigned, plus the terminal events it committed itself (before its consumer reads them
 * back). A turn's context comes from here, without a ledger read, whenever these cover everything the session's
 * snapshot does not; otherwise the context builder reads the ledger as before.
 *
 * <p>Written by the consumer thread, read by the threads that start turns.
 */
final class SessionTails {

    /** Events kept per session; when older ones are dropped the tail is complete only from the oldest kept. */
    static final int EVENTS_PER_SESSION = 256;
    /** Sessions kept; beyond that one is dropped, and its next context is read from the ledger. */
    static final int SESSIONS = 50_000;

    /** One session's events by offset, and the offset from which they are complete. */
    private static final class Tail {
        final int partition;
        final NavigableMap<Long, LedgerEvent> events = new TreeMap<>();
        long completeFrom;

        Tail(int partition, long completeFrom) {
            this.partition = partition;
            this.completeFrom = completeFrom;
        }
    }

    private final Map<String, Tail> sessions = new ConcurrentHashMap<>();
    /** Per assigned partition: the first offset this worker read there. */
    private final Map<Integer, Long> readFrom = new ConcurrentHashMap<>();
    /** Partitions in which a session was dropped: a session seen anew there is complete only from then on. */
    private final Set<Integer> dropped = ConcurrentHashMap.newKeySet();

    /** The worker starts reading {@code partition} at {@code position}. */
    void assigned(int partition, long position) {
        readFrom.put(partition, position);
        dropped.remove(partition);
    }

    /** The partition went to another worker: forget its sessions. */
    void revoked(int partition) {
        readFrom.remove(partition);
        dropped.remove(partition);
        sessions.values().removeIf(tail -> tail.partition == partition);
    }

    /** An event of its session at {@code offset} of {@code partition}, read or committed by this worker. */
    void seen(int partition, long offset, LedgerEvent event) {
        Long from = readFrom.get(partition);
        if (from == null) {
            return; // not ours (any more)
        }
        if (offset < 0) {
            sessions.remove(event.getSessionId()); // where it landed is unknown: read this session from the ledger
            return;
        }
        if (sessions.size() >= SESSIONS && !sessions.containsKey(event.getSessionId())) {
            dropOne();
        }
        Tail tail = sessions.computeIfAbsent(event.getSessionId(), id -> new Tail(partition,
            event.getPayload() instanceof SessionCreated ? 0 : dropped.contains(partition) ? offset : from));
        synchronized (tail) {
            tail.events.put(offset, event);
            while (tail.events.size() > EVENTS_PER_SESSION) {
                tail.completeFrom = tail.events.pollFirstEntry().getKey() + 1;
            }
        }
    }

    /**
     * The session's events from {@code from} on, when this worker has every one of them; empty when it may not
     * (the caller then reads the ledger).
     */
    Optional<NavigableMap<Long, LedgerEvent>> from(String sessionId, long from) {
        Tail tail = sessions.get(sessionId);
        if (tail == null) {
            return Optional.empty();
        }
        synchronized (tail) {
            return from >= tail.completeFrom ? Optional.of(new TreeMap<>(tail.events.tailMap(from, true)))
                : Optional.empty();
        }
    }

    private void dropOne() {
        Iterator<Tail> it = sessions.values().iterator();
        if (it.hasNext()) {
            Tail tail = it.next();
            it.remove();
            dropped.add(tail.partition);
        }
    }
}
