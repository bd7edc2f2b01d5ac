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
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code GET /v1/sessions/{sid}/ws}: checks the request over plain HTTP, then upgrades it. */
final class WebSocketHandler {

    private static final Logger log = LoggerFactory.getLogger(WebSocketHandler.class);
    /** The WebSocket versions Netty's handshakers accept (RFC 6455 is 13; 7 and 8 are its drafts). */
    private static final Set<String> SUPPORTED_VERSIONS = Set.of("13", "8", "7");

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
        String problem = upgradeProblem(request);
        if (problem != null) {
            // checked here, in JSON: Vert.x's own handshake answers these with an empty or plain-text 400 or 426
            ctx.response().putHeader("Sec-WebSocket-Version", "13");
            JsonResponses.fail(ctx, ApiException.badRequest("bad_request", problem));
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

    /** Why Netty's handshake would refuse the upgrade, or null when it will take it. */
    private static String upgradeProblem(HttpServerRequest request) {
        if (!request.canUpgradeToWebSocket() || !"websocket".equalsIgnoreCase(request.getHeader("Upgrade"))) {
            return "expected a WebSocket upgrade request (Upgrade: websocket)";
        }
        String key = request.getHeader("Sec-WebSocket-Key");
        if (key == null || key.isBlank()) {
            return "a WebSocket upgrade needs a Sec-WebSocket-Key";
        }
        if (!SUPPORTED_VERSIONS.contains(request.getHeader("Sec-WebSocket-Version"))) {
            return "unsupported Sec-WebSocket-Version; this server speaks 13";
        }
        return null;
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
