package dev.parley.ingest.durable;

import dev.parley.ingest.ApiException;
import dev.parley.ingest.ledger.Sessions;
import dev.parley.ingest.ledger.TurnStatus;
import dev.parley.ingest.ledger.TurnTracker;
import dev.parley.ingest.relay.StartPosition;
import dev.parley.ingest.stream.StreamEvent;
import dev.parley.schemas.ids.UuidV7;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;

/**
 * The stream a Durable Streams URL names: all of a session's events, or one turn's, which is closed once the turn's
 * terminal event is known. Both live in the session's token partition; a turn's stream is the session's, filtered.
 *
 * @param turnId        the turn, or null for the whole session
 * @param endedAtStart  the ledger had the turn's terminal event when the read began: the stream is closed at its tail
 */
record DurableStream(String sessionId, int partition, String turnId, boolean endedAtStart) {

    private static final Set<String> TERMINAL_EVENTS = Set.of("done", "failed", "cancelled");

    /** The session's stream; 404 unknown_session (also another principal's). */
    static Future<DurableStream> session(Sessions sessions, String sessionId, String principal) {
        return sessions.require(sessionId, principal).map(partition -> new DurableStream(sessionId, partition, null, false));
    }

    /** The turn's stream; 404 unknown_session or unknown_turn. */
    static Future<DurableStream> turn(Sessions sessions, TurnTracker tracker, String sessionId, String principal,
                                      String turnIdText) {
        // chunks carry the canonical form, which the turn's events are matched on
        String turnId = UuidV7.parse(turnIdText).map(UUID::toString).orElse(turnIdText);
        return sessions.require(sessionId, principal).compose(partition ->
                tracker.status(sessionId, partition, turnId, Duration.ZERO).compose(status -> {
                    if (status.state() == TurnStatus.State.UNKNOWN) {
                        return Future.failedFuture(TurnTracker.unknownTurn(turnIdText));
                    }
                    return Future.succeededFuture(new DurableStream(sessionId, partition, turnId, status.terminal()));
                }));
    }

    /** Rejects an offset issued for another partition (another session's stream, or before a repartitioning). */
    void requireOwn(DurableOffset offset) {
        if (offset != null && offset.partition() != partition) {
            throw ApiException.badRequest("bad_offset", "offset " + offset + " does not belong to this stream");
        }
    }

    /**
     * Where {@code -1} starts reading: no chunk of a turn is stamped before its id's time, and no turn of a session
     * before the session's (less the margin for the clock of the gateway that made both ids).
     */
    StartPosition start() {
        if (turnId != null) {
            return StartPosition.atTime(millisOf(turnId));
        }
        return StartPosition.atTime(millisOf(sessionId) - Sessions.SAME_CLOCK_MARGIN.toMillis());
    }

    /** Whether the event belongs to this stream. */
    boolean includes(StreamEvent event) {
        return turnId == null || turnId.equals(event.data().getString("turnId"));
    }

    /** Whether the event is the last this stream will ever have: the turn's terminal event. */
    boolean endsWith(StreamEvent event) {
        return turnId != null && TERMINAL_EVENTS.contains(event.type());
    }

    /** The stream's name in its ETags (no quotes, no colons). */
    String etagName() {
        return turnId == null ? "session." + sessionId : "turn." + turnId;
    }

    private static long millisOf(String id) {
        UUID uuid = UuidV7.parse(id).orElseThrow(() -> new IllegalArgumentException("not a version-7 UUID: " + id));
        return UuidV7.timestampMillis(uuid);
    }
}
