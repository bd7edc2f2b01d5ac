package dev.parley.bench;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps sessions busy: each posts a turn, and the next one as soon as any of its watchers saw the last one end
 * ({@code done}, or {@code failed}/{@code cancelled}, which the scenario counts as errors). Thread-safe.
 */
final class BackToBackTurns {

    private static final Duration RETRY_DELAY = Duration.ofMillis(200);

    private final EventStreams http;
    private final String prompt;
    private final Errors errors;
    private final Map<String, Session> sessions = new HashMap<>();
    private final AtomicLong posted = new AtomicLong();
    private final AtomicLong ended = new AtomicLong();
    private volatile boolean stopped;

    /** A session's turn in flight, and the ends seen before its POST was answered. */
    private static final class Session {
        String current;
        boolean posting;
        final Set<String> endedEarly = new HashSet<>();
    }

    BackToBackTurns(EventStreams http, String prompt, Errors errors) {
        this.http = http;
        this.prompt = prompt;
        this.errors = errors;
    }

    /** Posts the sessions' first turns. */
    void start(Iterable<String> sessionIds) {
        for (String sessionId : sessionIds) {
            Session session;
            synchronized (this) {
                session = sessions.computeIfAbsent(sessionId, id -> new Session());
                session.posting = true;
            }
            post(sessionId, session);
        }
    }

    /**
     * Takes a session's event that ends a turn ({@code done}; {@code failed} and {@code cancelled} also count as
     * errors); false for any other event.
     */
    boolean onEnd(String sessionId, String type, String data) {
        if (!type.equals("done") && !type.equals("failed") && !type.equals("cancelled")) {
            return false;
        }
        if (!type.equals("done")) {
            errors.add("event " + type + ": " + data);
        }
        ended(sessionId, JsonFields.text(data, "turnId"));
        return true;
    }

    /** A watcher of the session saw the turn end; the first to say so for the turn in flight posts the next. */
    private void ended(String sessionId, String turnId) {
        Session session;
        synchronized (this) {
            session = sessions.get(sessionId);
            if (session == null) {
                return;
            }
            if (session.posting) {
                session.endedEarly.add(turnId);
                return;
            }
            if (!turnId.equals(session.current)) {
                return;
            }
            session.current = null;
            ended.incrementAndGet();
            if (stopped) {
                return;
            }
            session.posting = true;
        }
        post(sessionId, session);
    }

    private void post(String sessionId, Session session) {
        posted.incrementAndGet();
        http.postTurn(sessionId, prompt).onComplete(answer -> {
            boolean postNext;
            synchronized (this) {
                if (answer.failed()) {
                    errors.add(answer.cause());
                    postNext = !stopped; // the turn never started
                } else if (session.endedEarly.contains(answer.result())) {
                    ended.incrementAndGet();
                    postNext = !stopped;
                } else {
                    session.current = answer.result();
                    postNext = false;
                }
                session.endedEarly.clear();
                session.posting = postNext;
            }
            if (postNext) {
                http.later(answer.failed() ? RETRY_DELAY : Duration.ZERO, () -> post(sessionId, session));
            }
        });
    }

    /** Posts no more turns; waits up to {@code timeout} for the turns in flight to end. True when they all did. */
    boolean stop(Duration timeout) throws InterruptedException {
        stopped = true;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            synchronized (this) {
                if (sessions.values().stream().allMatch(s -> s.current == null && !s.posting)) {
                    return true;
                }
            }
            Thread.sleep(50);
        }
        return false;
    }

    long posted() {
        return posted.get();
    }

    long ended() {
        return ended.get();
    }
}
