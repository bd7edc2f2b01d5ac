package dev.parley.ingest.durable;

import dev.parley.ingest.ApiException;
import dev.parley.ingest.auth.Principals;
import dev.parley.ingest.http.JsonResponses;
import dev.parley.ingest.ledger.Sessions;
import dev.parley.ingest.ledger.TurnTracker;
import dev.parley.ingest.limits.Limits;
import dev.parley.ingest.stream.TokenStreams;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;

/**
 * The read side of the Durable Streams protocol on {@code GET|HEAD /v1/sessions/{sid}/stream} (the session's events)
 * and {@code .../turns/{turnId}/stream} (one turn's, closed at its terminal event), in JSON mode. Writes answer 405:
 * the worker is the streams' only writer.
 */
public final class DurableStreamHandler {

    static final String SESSION_STREAM = "/v1/sessions/:sid/stream";
    static final String TURN_STREAM = "/v1/sessions/:sid/turns/:turnId/stream";
    /** What HEAD reads: the whole stream, to find its tail. */
    private static final ReadRequest HEAD = new ReadRequest(DurableOffset.START, null, ReadRequest.Live.NONE, null,
            Duration.ZERO);

    private final Vertx vertx;
    private final Sessions sessions;
    private final TurnTracker tracker;
    private final TokenStreams streams;
    private final Duration heartbeat;
    private final Limits limits;

    private DurableStreamHandler(Vertx vertx, Sessions sessions, TurnTracker tracker, TokenStreams streams,
                                 Duration heartbeat, Limits limits) {
        this.vertx = vertx;
        this.sessions = sessions;
        this.tracker = tracker;
        this.streams = streams;
        this.heartbeat = heartbeat;
        this.limits = limits;
    }

    /**
     * Adds the stream routes to {@code router}; {@code heartbeat} is the SSE comment interval; a live read (SSE or
     * long-poll) holds one of its principal's streams while it is open.
     */
    public static void mount(Router router, Vertx vertx, Sessions sessions, TurnTracker tracker, TokenStreams streams,
                             Duration heartbeat, Limits limits) {
        DurableStreamHandler handler = new DurableStreamHandler(vertx, sessions, tracker, streams, heartbeat, limits);
        for (String path : new String[] {SESSION_STREAM, TURN_STREAM}) {
            router.get(path).handler(handler::read);
            router.head(path).handler(handler::read);
            router.route(path).handler(DurableStreamHandler::notAllowed);
        }
    }

    private void read(RoutingContext ctx) {
        DurableWire.securityHeaders(ctx.response());
        boolean head = ctx.request().method() == HttpMethod.HEAD;
        ReadRequest request;
        try {
            request = head ? HEAD : ReadRequest.parse(ctx.queryParams());
            if (request.live() != ReadRequest.Live.NONE) {
                limits.of(ctx).openStream().releaseWhenDone(ctx.response());
            }
        } catch (ApiException e) {
            JsonResponses.fail(ctx, e);
            return;
        }
        resolve(ctx).onSuccess(stream -> {
            if (ctx.response().closed()) {
                return;
            }
            try {
                stream.requireOwn(request.from());
            } catch (ApiException e) {
                JsonResponses.fail(ctx, e);
                return;
            }
            new DurableRead(vertx, ctx.request(), stream, request, head, heartbeat).start(streams);
        }).onFailure(error -> JsonResponses.fail(ctx, error));
    }

    private Future<DurableStream> resolve(RoutingContext ctx) {
        String sessionId = ctx.pathParam("sid");
        String turnId = ctx.pathParam("turnId");
        String principal = Principals.of(ctx);
        return turnId == null ? DurableStream.session(sessions, sessionId, principal)
                : DurableStream.turn(sessions, tracker, sessionId, principal, turnId);
    }

    private static void notAllowed(RoutingContext ctx) {
        DurableWire.securityHeaders(ctx.response());
        ctx.response().putHeader("Allow", "GET, HEAD");
        JsonResponses.fail(ctx, new ApiException(405, "method_not_allowed", "Parley's streams are read-only: "
                + "the inference worker is their only writer"));
    }
}
