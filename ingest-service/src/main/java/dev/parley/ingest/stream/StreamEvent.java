package dev.parley.ingest.stream;

import dev.parley.ingest.relay.Cursor;
import io.vertx.core.json.JsonObject;

/**
 * One event for a client: {@code token}, {@code stage}, {@code reset}, {@code done}, {@code failed}, {@code cancelled}
 * or {@code error}, with the resume cursor of the record it came from.
 */
public record StreamEvent(String type, Cursor cursor, JsonObject data) {

    /** The Server-Sent Events form: {@code id}, {@code event} and one {@code data} line (JSON has no raw newlines). */
    public String toSse() {
        return "id: " + cursor + "\nevent: " + type + "\ndata: " + data.encode() + "\n\n";
    }

    /** The WebSocket form: {@code {"type": ..., fields..., "cursor": "p-o"}}. */
    public JsonObject toFrame() {
        JsonObject frame = new JsonObject().put("type", type);
        frame.mergeIn(data);
        return frame.put("cursor", cursor.toString());
    }
}
