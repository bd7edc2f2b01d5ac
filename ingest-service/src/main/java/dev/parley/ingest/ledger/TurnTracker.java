package dev.parley.ingest.ledger;

import dev.parley.ingest.ApiException;
import dev.parley.schemas.ids.UuidV7;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/** A turn's status from the ledger, and its cancellation. */
public final class TurnTracker {

    private static final int FINISHED_TURNS = 100_000;

    private final LedgerWriter writer;
    private final LedgerLookup lookup;
    /** Terminal states never change: once seen, no need to read the ledger again. */
    private final LruCache<String, TurnStatus> finished = new LruCache<>(FINISHED_TURNS);

    public TurnTracker(LedgerWriter writer, LedgerLookup lookup) {
        this.writer = writer;
        this.lookup = lookup;
    }

    /**
     * The turn's status in the session's {@code partition}; with a non-zero {@code wait}, waits up to
     * that long for the terminal event. UNKNOWN when the session has no such turn.
     */
    public Future<TurnStatus> status(String sessionId, int partition, String turnId, Duration wait) {
        Optional<UUID> id = UuidV7.parse(turnId);
        if (id.isEmpty()) {
            return Future.succeededFuture(TurnStatus.unknown(turnId));
        }
        TurnStatus known = finished.get(key(sessionId, turnId));
        if (known != null) {
            return Future.succeededFuture(known);
        }
        long from = UuidV7.timestampMillis(id.get()) - Sessions.SAME_CLOCK_MARGIN.toMillis();
        return lookup.run(sessionId, partition, from, new TurnStatusQuery(turnId, !wait.isZero()), wait)
                .onSuccess(status -> {
                    if (status.terminal()) {
                        finished.put(key(sessionId, turnId), status);
                    }
                });
    }

    /**
     * Appends a CancelRequested for a turn still running. Fails with 404 unknown_turn, or 409
     * turn_finished when the turn already has its terminal event.
     */
    public Future<Void> cancel(String sessionId, int partition, String turnId) {
        return status(sessionId, partition, turnId, Duration.ZERO).compose(status -> {
            if (status.state() == TurnStatus.State.UNKNOWN) {
                return Future.failedFuture(unknownTurn(turnId));
            }
            if (status.terminal()) {
                return Future.failedFuture(new ApiException(409, "turn_finished",
                        "turn " + turnId + " already ended: " + status.state().apiName()));
            }
            return writer.append(LedgerEvents.cancelRequested(sessionId, turnId)).mapEmpty();
        });
    }

    public static ApiException unknownTurn(String turnId) {
        return ApiException.notFound("unknown_turn", "no turn " + turnId + " in this session");
    }

    private static String key(String sessionId, String turnId) {
        return sessionId + '/' + turnId;
    }
}
