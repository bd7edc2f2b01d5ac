package dev.parley.ingest.ledger;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Says when a turn's terminal event is committed in the ledger, and which attempt it records. Every connection
 * watching the turn waits on the same ledger read: one per turn and gateway, not one per client.
 */
public final class TurnCommits {

    /** How long one ledger read waits for the terminal event before it asks again. */
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration RETRY = Duration.ofSeconds(1);

    private final Vertx vertx;
    private final TurnTracker tracker;
    private final Duration giveUp;
    private final Map<String, Future<TurnStatus>> waiting = new ConcurrentHashMap<>();

    /** @param giveUp how long to wait for a terminal event at most before failing the waiters */
    public TurnCommits(Vertx vertx, TurnTracker tracker, Duration giveUp) {
        this.vertx = vertx;
        this.tracker = tracker;
        this.giveUp = giveUp;
    }

    /**
     * Completes with the turn's terminal status once its terminal event is committed (UNKNOWN when the ledger has
     * no such turn); fails when the ledger
     * cannot be read for {@code giveUp}. Call on a Vert.x context; handlers run on the context of the first caller.
     */
    public Future<TurnStatus> committed(String sessionId, int partition, String turnId) {
        String key = sessionId + '/' + turnId;
        Promise<TurnStatus> mine = Promise.promise();
        Future<TurnStatus> earlier = waiting.putIfAbsent(key, mine.future());
        if (earlier != null) {
            return earlier;
        }
        long deadline = System.nanoTime() + giveUp.toNanos();
        ask(sessionId, partition, turnId, deadline, mine);
        return mine.future().andThen(ignored -> waiting.remove(key, mine.future()));
    }

    private void ask(String sessionId, int partition, String turnId, long deadline, Promise<TurnStatus> result) {
        tracker.status(sessionId, partition, turnId, WAIT).onComplete(answer -> {
            if (answer.succeeded() && answer.result().state() != TurnStatus.State.PENDING) {
                // terminal, or UNKNOWN: the ledger has no such turn, so there is nothing to wait for
                result.complete(answer.result());
            } else if (System.nanoTime() - deadline > 0) {
                result.fail(answer.failed() ? answer.cause()
                        : new IllegalStateException("turn " + turnId + " has no terminal event after " + giveUp));
            } else if (answer.failed()) {
                vertx.setTimer(RETRY.toMillis(), ignored -> ask(sessionId, partition, turnId, deadline, result));
            } else {
                ask(sessionId, partition, turnId, deadline, result);
            }
        });
    }
}
