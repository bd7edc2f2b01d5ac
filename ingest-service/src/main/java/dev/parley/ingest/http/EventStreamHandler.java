package dev.parley.ingest.http;

import dev.parley.ingest.ApiException;
import dev.parley.ingest.auth.Principals;
import dev.parley.ingest.ledger.Sessions;
import dev.parley.ingest.limits.Limits;
import dev.parley.ingest.relay.CursorOutOfRangeException;
import dev.parley.ingest.stream.ClientFeed;
import dev.parley.ingest.stream.SseSink;
import dev.parley.ingest.stream.TokenStreams;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;

/** {@code GET /v1/sessions/{sid}/events}: the session's events as Server-Sent Events. */
final class EventStreamHandler {

    private final Vertx vertx;
    private final Sessions sessions;
    private final TokenStreams streams;
    private final Duration heartbeat;
    private final Limits limits;

    EventStreamHandler(Vertx vertx, Sessions sessions, TokenStreams streams, Duration heartbeat, Limits limits) {
        this.vertx = vertx;
        this.sessions = sessions;
        this.streams = streams;
        this.heartbeat = heartbeat;
        this.limits = limits;
    }

    void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        String sessionId = ctx.pathParam("sid");
        StreamStart start;
        try {
            start = StreamStart.parse(request.getHeader("Last-Event-ID"), request.getParam("after"),
                    request.getParam("turnId"));
            limits.of(ctx).openStream().releaseWhenDone(ctx.response());
        } catch (ApiException e) {
            JsonResponses.fail(ctx, e);
            return;
        }
        start.partitionOf(sessions, sessionId, Principals.of(ctx))
                .onSuccess(partition -> stream(ctx, sessionId, partition, start))
                .onFailure(error -> JsonResponses.fail(ctx, error));
    }

    private void stream(RoutingContext ctx, String sessionId, int partition, StreamStart start) {
        if (ctx.response().closed()) {
            return;
        }
        SseSink sink = new SseSink(vertx, ctx.request());
        ClientFeed feed = streams.open(sessionId, partition, start.position(), start.startTurnId(),
                wantsHops(ctx.request()), sink);
        long[] heartbeatTimer = {-1};
        ctx.response().closeHandler(ignored -> {
            feed.close();
            vertx.cancelTimer(heartbeatTimer[0]);
        });
        feed.started().onSuccess(ignored -> {
            sink.open();
            heartbeatTimer[0] = vertx.setPeriodic(heartbeat.toMillis(), timer -> sink.heartbeat());
        }).onFailure(error -> {
            feed.close();
            JsonResponses.fail(ctx, startFailure(error));
        });
    }

    /** {@code ?trace=true}: each token event carries its hop times ({@code hops}). */
    static boolean wantsHops(HttpServerRequest request) {
        return "true".equals(request.getParam("trace"));
    }

    /** Why a feed could not start, as the API error a client gets before any event. */
    static ApiException startFailure(Throwable error) {
        if (error instanceof CursorOutOfRangeException) {
            return ApiException.badRequest("bad_cursor", "the cursor is past the end of the stream: "
                    + error.getMessage());
        }
        return ApiException.notReady("cannot read the token stream: " + error.getMessage());
    }
}
