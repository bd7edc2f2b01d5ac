package dev.parley.ingest.limits;

import dev.parley.ingest.ledger.TurnStatus;
import dev.parley.ingest.ledger.TurnTracker;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;

/** Tells when an accepted turn has its terminal event in the ledger, as this gateway reads it. */
@FunctionalInterface
public interface TurnEnds {

    /** How long one ledger lookup waits for the end before it looks again. */
    Duration STEP = Duration.ofSeconds(30);
    /** After a failed lookup (ledger unreadable for now), the pause before the next. */
    Duration RETRY = Duration.ofSeconds(1);

    /** Completes when the turn has ended, or when {@code deadlineMillis} (epoch ms) has passed; never fails. */
    Future<Void> await(String sessionId, int partition, String turnId, long deadlineMillis);

    /** The ledger through {@link TurnTracker#status}, which reads the turn's partition from the turn's time on. */
    static TurnEnds inLedger(Vertx vertx, TurnTracker tracker) {
        return new TurnEnds() {
            @Override
            public Future<Void> await(String sessionId, int partition, String turnId, long deadlineMillis) {
                long left = deadlineMillis - System.currentTimeMillis();
                if (left <= 0) {
                    return Future.succeededFuture();
                }
                Duration wait = Duration.ofMillis(Math.min(left, STEP.toMillis()));
                return tracker.status(sessionId, partition, turnId, wait).transform(result -> {
                    if (result.succeeded() && (result.result().terminal()
                            || result.result().state() == TurnStatus.State.UNKNOWN)) {
                        return Future.succeededFuture();
                    }
                    Future<Void> pause = result.succeeded() ? Future.succeededFuture()
                            : vertx.timer(RETRY.toMillis()).mapEmpty();
                    return pause.compose(ignored -> await(sessionId, partition, turnId, deadlineMillis));
                });
            }
        };
    }
}
