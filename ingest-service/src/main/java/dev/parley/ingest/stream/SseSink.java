package dev.parley.ingest.stream;

import dev.parley.ingest.relay.Cursor;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/** Writes events to a Server-Sent Events response. */
public final class SseSink implements EventSink {

    @Override
    public String transport() {
        return SSE;
    }

    /** How long a failed stream may take to flush its last event before the connection is cut. */
    static final long CLOSE_GRACE_MS = 30_000;

    private final Vertx vertx;
    private final HttpServerRequest request;
    private final HttpServerResponse response;

    public SseSink(Vertx vertx, HttpServerRequest request) {
        this.vertx = vertx;
        this.request = request;
        this.response = request.response();
    }

    /** Sends the 200 and the event-stream headers; call once the feed is positioned. */
    public void open() {
        response.setStatusCode(200).setChunked(true)
                .putHeader("Content-Type", "text/event-stream; charset=utf-8")
                .putHeader("Cache-Control", "no-cache")
                .putHeader("X-Accel-Buffering", "no");
        // an immediate first write flushes the headers: the client knows it is positioned
        response.write(": connected\n\n");
    }

    /** A comment line that keeps proxies from closing an idle stream. */
    public void heartbeat() {
        if (!response.ended() && !response.closed()) {
            response.write(": heartbeat\n\n");
        }
    }

    @Override
    public void send(StreamEvent event) {
        response.write(event.toSse());
    }

    @Override
    public boolean writeQueueFull() {
        return response.writeQueueFull();
    }

    @Override
    public void onDrain(Runnable drained) {
        response.drainHandler(ignored -> drained.run());
    }

    @Override
    public void fail(String code, String message, Cursor resumeFrom) {
        if (response.ended() || response.closed()) {
            return;
        }
        JsonObject error = new JsonObject().put("code", code)
                .put("message", message + "; resume with Last-Event-ID " + resumeFrom)
                .put("cursor", resumeFrom.toString());
        // the id makes a browser's EventSource reconnect from exactly here
        response.write("id: " + resumeFrom + "\nevent: error\ndata: " + error.encode() + "\n\n");
        response.end().onComplete(ignored -> request.connection().close());
        vertx.setTimer(CLOSE_GRACE_MS, ignored -> request.connection().close());
    }
}
