package dev.parley.ingest.http;

import dev.parley.ingest.ApiException;
import dev.parley.ingest.auth.Principals;
import dev.parley.ingest.ledger.Sessions;
import dev.parley.ingest.ledger.TurnIntake;
import dev.parley.ingest.limits.Limits;
import dev.parley.ingest.limits.Permit;
import dev.parley.ingest.limits.Quota;
import dev.parley.ingest.stream.TokenStreams;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code GET /v1/sessions/{sid}/ws}: checks the request over plain HTTP, then upgrades it. */
final class WebSocketHandler {

    private static final Logger log = LoggerFactory.getLogger(WebSocketHandler.class);

    private final Vertx vertx;
    private final Sessions sessions;
    private final TurnIntake intake;
    private final TokenStreams streams;
    private final int maxTurnBytes;
    private final Limits limits;

    WebSocketHandler(Vertx vertx, Sessions sessions, TurnIntake intake, TokenStreams streams, int maxTurnBytes,
                     Limits limits) {
        this.vertx = vertx;
        this.sessions = sessions;
        this.intake = intake;
        this.streams = streams;
        this.maxTurnBytes = maxTurnBytes;
        this.limits = limits;
    }

    void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        String sessionId = ctx.pathParam("sid");
        if (!request.canUpgradeToWebSocket()) {
            JsonResponses.fail(ctx, ApiException.badRequest("bad_request", "expected a WebSocket upgrade request"));
            return;
        }
        StreamStart start;
        Quota quota = limits.of(ctx);
        Permit stream;
        try {
            start = StreamStart.parse(null, request.getParam("after"), request.getParam("turnId"));
            stream = quota.openStream();
        } catch (ApiException e) {
            JsonResponses.fail(ctx, e);
            return;
        }
        // an upgrade after an asynchronous check needs the request paused until then
        request.pause();
        start.partitionOf(sessions, sessionId, Principals.of(ctx))
                .onSuccess(partition -> upgrade(request, sessionId, partition, Principals.of(ctx), start, quota, stream))
                .onFailure(error -> {
                    stream.release();
                    JsonResponses.fail(ctx, error);
                });
    }

    private void upgrade(HttpServerRequest request, String sessionId, int partition, String principal,
                         StreamStart start, Quota quota, Permit stream) {
        HttpConnection connection = request.connection();
        request.toWebSocket()
                .onSuccess(socket -> new WebSocketConnection(vertx, socket, connection, sessionId, partition, principal,
                        intake, streams, maxTurnBytes, EventStreamHandler.wantsHops(request), quota, stream)
                        .start(start))
                .onFailure(error -> {
                    stream.release();
                    log.debug("WebSocket upgrade for session {} failed: {}", sessionId, error.toString());
                });
    }
}
