package dev.parley.worker.turns;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/** One line of turns per session: a session's next turn starts only when the one before it has been recorded. */
final class SessionLines {

    private final Map<String, Deque<TurnTask>> lines = new HashMap<>();
    private final Consumer<TurnTask> start;

    SessionLines(Consumer<TurnTask> start) {
        this.start = start;
    }

    /** Queues the turn; starts it at once when its session has nothing in flight. */
    void enqueue(TurnTask task) {
        Deque<TurnTask> line = lines.computeIfAbsent(task.sessionId(), s -> new ArrayDeque<>());
        line.addLast(task);
        if (line.size() == 1) {
            start.accept(task);
        }
    }

    /** The turn's terminal event is committed: start the session's next turn. */
    void finished(TurnTask task) {
        Deque<TurnTask> line = lines.get(task.sessionId());
        if (line == null) {
            return;
        }
        boolean wasHead = line.peekFirst() == task;
        line.remove(task);
        if (line.isEmpty()) {
            lines.remove(task.sessionId());
        } else if (wasHead) {
            TurnTask next = line.peekFirst();
            next.mustSee(task.recordedAt());
            start.accept(next);
        }
    }

    /** Forgets a turn without starting the next one (its partition was revoked). */
    void drop(TurnTask task) {
        Deque<TurnTask> line = lines.get(task.sessionId());
        if (line != null) {
            line.remove(task);
            if (line.isEmpty()) {
                lines.remove(task.sessionId());
            }
        }
    }
}
