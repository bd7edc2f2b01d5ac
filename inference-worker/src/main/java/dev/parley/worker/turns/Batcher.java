package dev.parley.worker.turns;

import dev.parley.worker.catalogue.BatchWindow;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Gathers turns into batch calls: the turns of one client batch (key {@code batch:<id>}), or the turns of a route that
 * batches (key {@code route:<name>}). A group goes out when it holds every turn it expects (a client batch's size) or
 * its window's {@code maxSize}, or when {@code maxWait} has passed since its first turn, whichever comes first; turns
 * that ended while they waited (cancelled, revoked) are left out. Thread-safe: turns come from the consumer thread,
 * time-outs from the batcher's own.
 */
final class Batcher implements AutoCloseable {

    private final Consumer<List<TurnTask>> ready;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread t = new Thread(runnable, "parley-batcher");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Group> groups = new HashMap<>();

    /** @param ready takes each group that is due, its turns in batch order, on whichever thread made it due */
    Batcher(Consumer<List<TurnTask>> ready) {
        this.ready = ready;
    }

    private final class Group {
        final String key;
        final int target;
        final List<TurnTask> tasks = new ArrayList<>();
        ScheduledFuture<?> due;

        Group(String key, int target) {
            this.key = key;
            this.target = target;
        }
    }

    /**
     * Adds the turn to its group, {@code expected} the number of turns the group waits for at most (a client batch's
     * size; {@link Integer#MAX_VALUE} for a route's window).
     */
    void offer(String key, BatchWindow window, int expected, TurnTask task) {
        List<TurnTask> due = null;
        synchronized (this) {
            Group group = groups.get(key);
            if (group == null) {
                Group created = new Group(key, Math.max(1, Math.min(expected, window.maxSize())));
                created.due = timer.schedule(() -> expire(created), window.maxWait().toNanos(), TimeUnit.NANOSECONDS);
                groups.put(key, created);
                group = created;
            }
            group.tasks.add(task);
            if (group.tasks.size() >= group.target) {
                due = take(group);
            }
        }
        emit(due);
    }

    private void expire(Group group) {
        List<TurnTask> due = null;
        synchronized (this) {
            if (groups.get(group.key) == group) {
                due = take(group);
            }
        }
        emit(due);
    }

    private List<TurnTask> take(Group group) {
        groups.remove(group.key);
        group.due.cancel(false);
        List<TurnTask> tasks = new ArrayList<>(group.tasks.stream().filter(task -> !task.ended()).toList());
        tasks.sort(Comparator.comparingInt(Batcher::position));
        return tasks;
    }

    private static int position(TurnTask task) {
        return task.batch() == null ? 0 : task.batch().getPosition(); // a stable sort keeps arrival order otherwise
    }

    private void emit(List<TurnTask> due) {
        if (due != null && !due.isEmpty()) {
            ready.accept(due);
        }
    }

    /** Turns still waiting in a group (for tests and metrics). */
    synchronized int waiting() {
        return groups.values().stream().mapToInt(group -> group.tasks.size()).sum();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
