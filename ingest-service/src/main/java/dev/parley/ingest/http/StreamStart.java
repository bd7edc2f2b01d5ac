package dev.parley.ingest.http;

import dev.parley.ingest.ApiException;
import dev.parley.schemas.ids.UuidV7;
import dev.parley.ingest.ledger.Sessions;
import dev.parley.ingest.relay.Cursor;
import dev.parley.ingest.relay.StartPosition;
import io.vertx.core.Future;
import java.util.Optional;
import java.util.UUID;

/**
 * Where an event stream starts: right after a cursor (Last-Event-ID or {@code ?after=}), at a
 * turn's first chunk ({@code ?turnId=}), or from now.
 */
public record StreamStart(Cursor after, String turnId, long turnMillis) {

    /**
     * Reads the start from the request. A cursor wins over a turnId: a browser's EventSource
     * reconnects to the same URL (with its ?turnId) and adds Last-Event-ID.
     */
    public static StreamStart parse(String lastEventId, String afterParam, String turnIdParam) {
        String cursorText = !isBlank(lastEventId) ? lastEventId.trim() : afterParam;
        if (cursorText != null) {
            Cursor cursor = Cursor.parse(cursorText.trim()).orElseThrow(() -> ApiException.badRequest("bad_cursor",
                    "'" + cursorText + "' is not a cursor; cursors look like <partition>-<offset>, e.g. 3-1234"));
            return new StreamStart(cursor, null, 0);
        }
        if (turnIdParam != null) {
            Optional<UUID> id = UuidV7.parse(turnIdParam.trim());
            if (id.isEmpty()) {
                throw ApiException.badRequest("bad_request", "turnId must be a turn id (a version-7 UUID)");
            }
            return new StreamStart(null, id.get().toString(), UuidV7.timestampMillis(id.get()));
        }
        return new StreamStart(null, null, 0);
    }

    /**
     * The session's partition once the session is known to be {@code principal}'s; bad_cursor when the cursor names
     * another partition.
     */
    public Future<Integer> partitionOf(Sessions sessions, String sessionId, String principal) {
        return sessions.require(sessionId, principal).compose(partition -> {
            try {
                requirePartition(partition);
                return Future.succeededFuture(partition);
            } catch (ApiException e) {
                return Future.failedFuture(e);
            }
        });
    }

    /** Rejects a cursor from another session's partition. */
    public void requirePartition(int partition) {
        if (after != null && after.partition() != partition) {
            throw ApiException.badRequest("bad_cursor", "cursor " + after + " does not belong to this session");
        }
    }

    public StartPosition position() {
        if (after != null) {
            return StartPosition.atOffset(after.nextOffset());
        }
        if (turnId != null) {
            // the worker stamps a turn's chunks no earlier than the turn id's time, whatever its clock says
            return StartPosition.atTime(turnMillis);
        }
        return StartPosition.end();
    }

    /** The turn whose first chunk opens the stream, or null. */
    public String startTurnId() {
        return turnId;
    }

    private static boolean isBlank(String text) {
        return text == null || text.isBlank();
    }
}
