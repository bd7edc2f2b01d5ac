package dev.parley.worker.turns;

import dev.parley.avro.AssistantReply;
import dev.parley.avro.LedgerEvent;
import dev.parley.avro.ReplyCancelled;
import dev.parley.avro.ReplyFailed;
import dev.parley.avro.SessionCreated;
import dev.parley.avro.UserTurn;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * What this worker has already read of each session in its partitions: the ledger events its own consumer saw
 * since the partition was assigned, plus the terminal events it committed itself (before its consumer reads them
 * back). A turn's context comes from here, without a ledger read, whenever these cover everything the session's
 * snapshot does not; otherwise the context builder reads the ledger as before.
 *
 * <p>Bounded by text: a session keeps at most {@link #CHARS_PER_SESSION} characters of events (older ones are
 * dropped, and the tail is then complete only from the oldest kept), and all sessions together at most
 * {@link #CHARS} (the least recently used sessions go first). Written by the consumer thread, read by the threads
 * that start turns; one lock, held for microseconds.
 */
final class SessionTails {

    /** A session's events kept, in characters of text: several contexts' worth (16,000 by default). */
    static final int CHARS_PER_SESSION = 64_000;
    /** All sessions' events kept, in characters of text (about 64 MiB of strings). */
    static final long CHARS = 32_000_000L;

    /** One session's events by offset, the offset from which they are complete, and their text's length. */
    private static final class Tail {
        final int partition;
        final NavigableMap<Long, LedgerEvent> events = new TreeMap<>();
        long completeFrom;
        long chars;

        Tail(int partition, long completeFrom) {
            this.partition = partition;
            this.completeFrom = completeFrom;
        }
    }

    /** Access order: the eldest is the least recently used. */
    private final LinkedHashMap<String, Tail> sessions = new LinkedHashMap<>(1024, 0.75f, true);
    /** Per assigned partition: the first offset this worker read there. */
    private final Map<Integer, Long> readFrom = new HashMap<>();
    /** Partitions in which a session was dropped: a session seen anew there is complete only from then on. */
    private final Set<Integer> dropped = new HashSet<>();
    private long chars;

    /** The worker starts reading {@code partition} at {@code position}. */
    synchronized void assigned(int partition, long position) {
        readFrom.put(partition, position);
        dropped.remove(partition);
    }

    /** The partition went to another worker: forget its sessions. */
    synchronized void revoked(int partition) {
        readFrom.remove(partition);
        dropped.remove(partition);
        for (Iterator<Tail> it = sessions.values().iterator(); it.hasNext(); ) {
            Tail tail = it.next();
            if (tail.partition == partition) {
                chars -= tail.chars;
                it.remove();
            }
        }
    }

    /** An event of its session at {@code offset} of {@code partition}, read or committed by this worker. */
    synchronized void seen(int partition, long offset, LedgerEvent event) {
        Long from = readFrom.get(partition);
        if (from == null) {
            return; // not ours (any more)
        }
        if (offset < 0) {
            drop(event.getSessionId()); // where it landed is unknown: read this session from the ledger
            return;
        }
        Tail tail = sessions.computeIfAbsent(event.getSessionId(), id -> new Tail(partition,
            event.getPayload() instanceof SessionCreated ? 0 : dropped.contains(partition) ? offset : from));
        LedgerEvent replaced = tail.events.put(offset, event);
        long added = length(event) - (replaced == null ? 0 : length(replaced));
        tail.chars += added;
        chars += added;
        while (tail.chars > CHARS_PER_SESSION && tail.events.size() > 1) {
            Map.Entry<Long, LedgerEvent> oldest = tail.events.pollFirstEntry();
            tail.completeFrom = oldest.getKey() + 1;
            tail.chars -= length(oldest.getValue());
            chars -= length(oldest.getValue());
        }
        while (chars > CHARS && sessions.size() > 1) {
            drop(sessions.keySet().iterator().next());
        }
    }

    /**
     * The session's events from {@code from} on, when this worker has every one of them; empty when it may not
     * (the caller then reads the ledger).
     */
    synchronized Optional<NavigableMap<Long, LedgerEvent>> from(String sessionId, long from) {
        Tail tail = sessions.get(sessionId);
        return tail == null || from < tail.completeFrom ? Optional.empty()
            : Optional.of(new TreeMap<>(tail.events.tailMap(from, true)));
    }

    private void drop(String sessionId) {
        Tail tail = sessions.remove(sessionId);
        if (tail != null) {
            chars -= tail.chars;
            dropped.add(tail.partition);
        }
    }

    /** The text an event holds (what memory it takes, near enough). */
    private static long length(LedgerEvent event) {
        Object payload = event.getPayload();
        if (payload instanceof UserTurn turn) {
            return turn.getText().length();
        } else if (payload instanceof AssistantReply reply) {
            return reply.getText().length();
        } else if (payload instanceof ReplyFailed failed) {
            return failed.getPartialText().length();
        } else if (payload instanceof ReplyCancelled cancelled) {
            return cancelled.getPartialText().length();
        }
        return 0;
    }
}
