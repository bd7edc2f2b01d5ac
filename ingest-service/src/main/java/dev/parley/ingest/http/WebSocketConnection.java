package dev.parley.ingest.http;

import dev.parley.ingest.ApiException;
import dev.parley.ingest.ledger.TurnArrival;
import dev.parley.ingest.ledger.TurnIntake;
import dev.parley.ingest.limits.Permit;
import dev.parley.ingest.limits.Quota;
import dev.parley.ingest.limits.TurnPermit;
import dev.parley.ingest.relay.Cursor;
import dev.parley.ingest.relay.StartPosition;
import dev.parley.ingest.stream.ClientFeed;
import dev.parley.ingest.stream.EventSink;
import dev.parley.ingest.stream.TokenStreams;
import dev.parley.ingest.stream.WebSocketSink;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.DecodeException;
import dev.parley.schemas.telemetry.Tracing;
import io.vertx.core.json.JsonObject;
import java.util.Optional;

/**
 * One WebSocket client: the session's events out as JSON frames; {@code turn} and {@code resume}
 * frames in. Client frames are read only while a feed is positioned, so a turn sent right after
 * connecting cannot outrun its own events.
 */
final class WebSocketConnection {

    private final ServerWebSocket socket;
    private final WebSocketSink sink;
    private final String sessionId;
    private final int partition;
    /** Who opened the connection: the sender of every turn it submits. */
    private final String principal;
    private final TurnIntake intake;
    private final TokenStreams streams;
    private final int maxTurnBytes;
    private final boolean trace;
    private final Quota quota;
    private final Permit stream;
    private ClientFeed feed;
    /** The upgrade request's W3C trace context: every turn sent over this socket continues it. */
    private final String traceparent;

    /** {@code stream}: the principal's stream this connection holds until it closes. */
    WebSocketConnection(Vertx vertx, ServerWebSocket socket, HttpConnection connection, String sessionId,
                        int partition, String principal, TurnIntake intake, TokenStreams streams, int maxTurnBytes,
                        boolean trace, Quota quota, Permit stream) {
        this.trace = trace;
        this.quota = quota;
        this.stream = stream;
        this.socket = socket;
        this.traceparent = socket.headers().get(Tracing.TRACEPARENT);
        this.sink = new WebSocketSink(vertx, socket, connection);
        this.sessionId = sessionId;
        this.partition = partition;
        this.principal = principal;
        this.intake = intake;
        this.streams = streams;
        this.maxTurnBytes = maxTurnBytes;
    }

    void start(StreamStart start) {
        socket.pause();
        socket.textMessageHandler(this::onFrame);
        socket.closeHandler(ignored -> {
            closeFeed();
            stream.release();
        });
        follow(start.position(), start.startTurnId());
    }

    private void follow(StartPosition position, String startTurnId) {
        closeFeed();
        socket.pause();
        ClientFeed next = streams.open(sessionId, partition, position, startTurnId, trace, sink);
        feed = next;
        next.started().onSuccess(ignored -> socket.resume()).onFailure(error -> {
            next.close();
            ApiException api = EventStreamHandler.startFailure(error);
            sink.reply(errorFrame(api));
            if (api.status() >= 500) {
                socket.close((short) 1011, api.code());
            } else {
                socket.resume();
            }
        });
    }

    private void onFrame(String text) {
        JsonObject frame;
        try {
            frame = new JsonObject(text);
        } catch (DecodeException | ClassCastException e) {
            sink.reply(errorFrame(ApiException.badRequest("invalid_json", "a frame must be a JSON object")));
            return;
        }
        String type = frame.getValue("type") instanceof String string ? string : "";
        switch (type) {
            case "turn" -> submit(frame);
            case "resume" -> resume(frame);
            default -> sink.reply(errorFrame(ApiException.badRequest("bad_request",
                    "unknown frame type '" + type + "'; expected turn or resume")));
        }
    }

    private void submit(JsonObject frame) {
        TurnArrival received = TurnArrival.now(traceparent, EventSink.WEBSOCKET);
        TurnRequest turn;
        TurnPermit permit;
        try {
            turn = TurnRequest.fromJson(frame, maxTurnBytes);
            permit = quota.admitTurn(false);
        } catch (ApiException e) {
            sink.reply(errorFrame(e));
            return;
        }
        Future<String> submitted = intake.submit(sessionId, partition, principal, turn.text(), turn.clientTurnId(),
                turn.options(), received);
        permit.accepted(sessionId, partition, submitted)
                .onSuccess(turnId -> {
                    JsonObject accepted = new JsonObject().put("type", "accepted").put("turnId", turnId);
                    if (turn.clientTurnId() != null) {
                        accepted.put("clientTurnId", turn.clientTurnId());
                    }
                    sink.reply(accepted);
                })
                .onFailure(error -> sink.reply(errorFrame(error instanceof ApiException api ? api
                        : new ApiException(500, "internal_error", "the turn was not accepted"))));
    }

    private void resume(JsonObject frame) {
        Object text = frame.getValue("cursor");
        Optional<Cursor> cursor = text instanceof String string ? Cursor.parse(string) : Optional.empty();
        if (cursor.isEmpty() || cursor.get().partition() != partition) {
            sink.reply(errorFrame(ApiException.badRequest("bad_cursor",
                    "cursor must be a <partition>-<offset> cursor of this session's events")));
            return;
        }
        follow(StartPosition.atOffset(cursor.get().nextOffset()), null);
    }

    private void closeFeed() {
        if (feed != null) {
            feed.close();
            feed = null;
        }
    }

    private static JsonObject errorFrame(ApiException error) {
        JsonObject frame = new JsonObject().put("type", "error").put("code", error.code())
                .put("message", error.getMessage());
        return error.retryAfterSeconds() > 0 ? frame.put("retryAfter", error.retryAfterSeconds()) : frame;
    }
}
