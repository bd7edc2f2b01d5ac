package dev.parley.ingest.http;

import dev.parley.ingest.ApiException;
import dev.parley.ingest.auth.Principals;
import dev.parley.ingest.ledger.Sessions;
import dev.parley.ingest.ledger.TurnIntake;
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

    WebSocketHandler(Vertx vertx, Sessions sessions, TurnIntake intake, TokenStreams streams, int maxTurnBytes) {
        this.vertx = vertx;
        this.sessions = sessions;
        this.intake = intake;
        this.streams = streams;
        this.maxTurnBytes = maxTurnBytes;
    }

    void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        String sessionId = ctx.pathParam("sid");
        if (!request.canUpgradeToWebSocket()) {
            JsonResponses.fail(ctx, ApiException.badRequest("bad_request", "expected a WebSocket upgrade request"));
            return;
        }
        StreamStart start;
        try {
            start = StreamStart.parse(null, request.getParam("after"), request.getParam("turnId"));
        } catch (ApiException e) {
            JsonResponses.fail(ctx, e);
            return;
        }
        // an upgrade after an asynchronous check needs the request paused until then
        request.pause();
        start.partitionOf(sessions, sessionId, Principals.of(ctx))
                .onSuccess(partition -> upgrade(request, sessionId, partition, Principals.of(ctx), start))
                .onFailure(error -> JsonResponses.fail(ctx, error));
    }

    private void upgrade(HttpServerRequest request, String sessionId, int partition, String principal,
                         StreamStart start) {
        HttpConnection connection = request.connection();
        request.toWebSocket()
                .onSuccess(socket -> new WebSocketConnection(vertx, socket, connection, sessionId, partition, principal, intake,
                        streams, maxTurnBytes, EventStreamHandler.wantsHops(request)).start(start))
                .onFailure(error -> log.debug("WebSocket upgrade for session {} failed: {}", sessionId,
                        error.toString()));
    }
}
