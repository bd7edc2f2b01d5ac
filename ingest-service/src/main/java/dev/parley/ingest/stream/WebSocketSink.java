package dev.parley.ingest.stream;

import dev.parley.ingest.relay.Cursor;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;

/** Writes events to a WebSocket as JSON text frames. */
public final class WebSocketSink implements EventSink {

    @Override
    public String transport() {
        return WEBSOCKET;
    }

    /** 1013 "try again later": the client should reconnect and resume. */
    private static final short TRY_AGAIN_LATER = 1013;

    private final Vertx vertx;
    private final ServerWebSocket socket;
    private final HttpConnection connection;

    /** @param connection the upgraded connection, cut if the close handshake does not finish */
    public WebSocketSink(Vertx vertx, ServerWebSocket socket, HttpConnection connection) {
        this.vertx = vertx;
        this.socket = socket;
        this.connection = connection;
    }

    @Override
    public void send(StreamEvent event) {
        socket.writeTextMessage(event.toFrame().encode());
    }

    /** A reply frame outside the event stream, e.g. {@code accepted}. */
    public void reply(JsonObject frame) {
        if (!socket.isClosed()) {
            socket.writeTextMessage(frame.encode());
        }
    }

    @Override
    public boolean writeQueueFull() {
        return socket.writeQueueFull();
    }

    @Override
    public void onDrain(Runnable drained) {
        socket.drainHandler(ignored -> drained.run());
    }

    @Override
    public void fail(String code, String message, Cursor resumeFrom) {
        if (socket.isClosed()) {
            return;
        }
        socket.writeTextMessage(new JsonObject().put("type", "error").put("code", code)
                .put("message", message + "; resume with {\"type\":\"resume\",\"cursor\":\"" + resumeFrom + "\"}")
                .put("cursor", resumeFrom.toString()).encode());
        socket.close(TRY_AGAIN_LATER, code);
        vertx.setTimer(SseSink.CLOSE_GRACE_MS, ignored -> connection.close());
    }
}
