package dev.parley.ingest.durable;

import dev.parley.ingest.stream.StreamEvent;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** The Durable Streams protocol's headers, bodies and SSE frames: the one place Parley writes them. */
final class DurableWire {

    static final String NEXT_OFFSET = "Stream-Next-Offset";
    static final String UP_TO_DATE = "Stream-Up-To-Date";
    static final String CLOSED = "Stream-Closed";
    static final String CURSOR = "Stream-Cursor";
    static final String JSON = "application/json";

    private DurableWire() {
    }

    /** The browser security headers the protocol asks for on every response, errors included. */
    static void securityHeaders(HttpServerResponse response) {
        response.putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("Cross-Origin-Resource-Policy", "cross-origin");
    }

    /** Where the reader stands after a response: the next offset, and whether it is at the tail or at the end. */
    static void positionHeaders(HttpServerResponse response, DurableOffset next, boolean upToDate, boolean closed) {
        response.putHeader(NEXT_OFFSET, next.toString());
        if (upToDate || closed) {
            response.putHeader(UP_TO_DATE, "true");
        }
        if (closed) {
            response.putHeader(CLOSED, "true");
        }
    }

    /**
     * {@code "<stream>:<requested offset>:<next offset>[:c]"}: the same read answers the same events until the
     * stream grows, and the {@code :c} changes it when the stream closes without growing.
     */
    static String etag(String streamName, String requestedOffset, DurableOffset next, boolean closed) {
        return "\"" + streamName + ":" + requestedOffset + ":" + next + (closed ? ":c" : "") + "\"";
    }

    /** Whether an {@code If-None-Match} header names {@code etag} (one tag, a list, or {@code *}). */
    static boolean matches(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null) {
            return false;
        }
        for (String tag : ifNoneMatch.split(",")) {
            String trimmed = tag.trim();
            if (trimmed.equals("*") || trimmed.equals(etag) || trimmed.equals("W/" + etag)) {
                return true;
            }
        }
        return false;
    }

    /** A JSON-mode body: the events as a JSON array, each in its WebSocket frame form (type, fields, cursor). */
    static String jsonArray(List<StreamEvent> events) {
        StringBuilder body = new StringBuilder(events.size() * 128 + 2).append('[');
        for (int i = 0; i < events.size(); i++) {
            body.append(i == 0 ? "" : ",").append(events.get(i).toFrame().encode());
        }
        return body.append(']').toString();
    }

    /** An SSE {@code data} event: the JSON array, one element a line (encoded JSON has no raw newline). */
    static String sseData(List<StreamEvent> events) {
        StringBuilder frame = new StringBuilder(events.size() * 136 + 32).append("event: data\ndata: [\n");
        for (int i = 0; i < events.size(); i++) {
            frame.append("data: ").append(events.get(i).toFrame().encode())
                    .append(i < events.size() - 1 ? ",\n" : "\n");
        }
        return frame.append("data: ]\n\n").toString();
    }

    /** An SSE {@code control} event; a closed stream's carries no cursor (nobody may reconnect). */
    static String sseControl(DurableOffset next, String cursor, boolean upToDate, boolean closed) {
        JsonObject control = new JsonObject().put("streamNextOffset", next.toString());
        if (closed) {
            control.put("streamClosed", true).put("upToDate", true);
        } else {
            control.put("streamCursor", cursor);
            if (upToDate) {
                control.put("upToDate", true);
            }
        }
        return "event: control\ndata: " + control.encode() + "\n\n";
    }
}
