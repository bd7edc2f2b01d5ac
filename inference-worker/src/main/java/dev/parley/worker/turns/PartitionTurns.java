package dev.parley.worker.turns;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;

/**
 * What the worker knows about one assigned ledger partition: the turns it has not finished (so the offset it
 * may commit is the first unfinished one), and, right after assignment, the catch-up read up to the end offset
 * that tells which turns a previous owner already finished.
 */
final class PartitionTurns {

    private static final int RECENTLY_FINISHED = 10_000;

    final TopicPartition partition;
    private final TreeMap<Long, TurnTask> openByOffset = new TreeMap<>();
    private final Map<String, TurnTask> openByTurn = new HashMap<>();
    private final Set<String> finished = new LinkedHashSet<>();
    private final Map<String, TurnTask> candidates = new LinkedHashMap<>();
    private long catchUpEnd;
    private long nextOffset;
    private long committed;

    PartitionTurns(TopicPartition partition, long position, long endOffset) {
        this.partition = partition;
        this.nextOffset = position;
        this.committed = position;
        this.catchUpEnd = endOffset;
    }

    /** True until the partition has been read up to the end offset it had when it was assigned. */
    boolean catchingUp() {
        return nextOffset < catchUpEnd;
    }

    /** Ends the catch-up; returns the turns found unfinished, oldest first, for scheduling. */
    List<TurnTask> finishCatchUp() {
        catchUpEnd = -1;
        List<TurnTask> pending = List.copyOf(candidates.values());
        candidates.clear();
        return pending;
    }

    void seen(long offset) {
        nextOffset = Math.max(nextOffset, offset + 1);
    }

    /**
     * The consumer's position: past the records delivered and also past what is never delivered (transaction
     * markers, aborted records), so a partition that ends with a marker finishes its catch-up too.
     */
    void positionAt(long position) {
        nextOffset = Math.max(nextOffset, position);
    }

    boolean known(String turnId) {
        return openByTurn.containsKey(turnId) || finished.contains(turnId);
    }

    /** Adds a consumed turn; a recovered one waits as a candidate until the catch-up end offset is reached. */
    void add(TurnTask task) {
        openByOffset.put(task.offset(), task);
        openByTurn.put(task.turnId(), task);
        if (task.recovered()) {
            candidates.put(task.turnId(), task);
        }
    }

    /** Puts back a turn whose terminal event could not be committed, so it is committed again. */
    void restore(TurnTask task) {
        openByOffset.put(task.offset(), task);
        openByTurn.put(task.turnId(), task);
        finished.remove(task.turnId());
    }

    /** A terminal event for the turn is in the ledger (written by us, or by a previous owner during catch-up). */
    void terminalSeen(String turnId) {
        TurnTask candidate = candidates.remove(turnId);
        if (candidate != null) {
            remove(candidate);
        }
        markFinished(turnId);
    }

    TurnTask open(String turnId) {
        return openByTurn.get(turnId);
    }

    void remove(TurnTask task) {
        openByOffset.remove(task.offset());
        openByTurn.remove(task.turnId());
        markFinished(task.turnId());
    }

    Collection<TurnTask> openTurns() {
        return List.copyOf(openByOffset.values());
    }

    /** The offset to commit: everything before the first unfinished turn is done. */
    long committable() {
        return openByOffset.isEmpty() ? nextOffset : openByOffset.firstKey();
    }

    boolean needsCommit() {
        return committable() > committed;
    }

    void committed(long offset) {
        committed = offset;
    }

    private void markFinished(String turnId) {
        finished.add(turnId);
        if (finished.size() > RECENTLY_FINISHED) {
            finished.remove(finished.iterator().next());
        }
    }
}
