package dev.parley.ingest.http;

import dev.parley.ingest.ApiException;
import dev.parley.ingest.auth.Principals;
import dev.parley.ingest.ledger.Sessions;
import dev.parley.ingest.ledger.TurnArrival;
import dev.parley.ingest.ledger.TurnIntake;
import dev.parley.ingest.ledger.TurnStatus;
import dev.parley.ingest.ledger.TurnTracker;
import dev.parley.ingest.limits.Limits;
import dev.parley.ingest.limits.TurnPermit;
import dev.parley.ingest.stream.EventSink;
import dev.parley.schemas.telemetry.Tracing;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;

/** Turns: {@code POST .../turns}, {@code GET .../turns/{turnId}}, {@code POST .../turns/{turnId}/cancel}. */
final class TurnHandlers {

    /** The longest {@code ?wait=} honoured, in seconds. */
    static final int MAX_WAIT_SECONDS = 60;

    private final Sessions sessions;
    private final TurnIntake intake;
    private final TurnTracker tracker;
    private final int maxTurnBytes;
    private final Limits limits;

    TurnHandlers(Sessions sessions, TurnIntake intake, TurnTracker tracker, int maxTurnBytes, Limits limits) {
        this.sessions = sessions;
        this.intake = intake;
        this.tracker = tracker;
        this.maxTurnBytes = maxTurnBytes;
        this.limits = limits;
    }

    void submit(RoutingContext ctx) {
        TurnArrival received = TurnArrival.now(ctx.request().getHeader(Tracing.TRACEPARENT), EventSink.SSE);
        String sessionId = ctx.pathParam("sid");
        TurnRequest turn;
        TurnPermit permit;
        try {
            turn = TurnRequest.parse(ctx.body().buffer(), maxTurnBytes);
            permit = limits.of(ctx).admitTurn(false);
        } catch (ApiException e) {
            JsonResponses.fail(ctx, e);
            return;
        }
        sessions.require(sessionId, Principals.of(ctx))
                .compose(partition -> permit.accepted(sessionId, partition, intake.submit(sessionId, partition,
                        Principals.of(ctx), turn.text(), turn.clientTurnId(), turn.options(), received)))
                .onSuccess(turnId -> JsonResponses.send(ctx, 202, new JsonObject().put("turnId", turnId)
                        .put("events", eventsPath(sessionId, turnId))))
                .onFailure(error -> {
                    permit.release();
                    JsonResponses.fail(ctx, error);
                });
    }

    /** Where a turn's events stream from its first chunk: the {@code events} of a 202. */
    static String eventsPath(String sessionId, String turnId) {
        return "/v1/sessions/" + sessionId + "/events?turnId=" + turnId;
    }

    void status(RoutingContext ctx) {
        String sessionId = ctx.pathParam("sid");
        String turnId = ctx.pathParam("turnId");
        Duration wait;
        try {
            wait = Duration.ofSeconds(waitSeconds(ctx.request().getParam("wait")));
        } catch (ApiException e) {
            JsonResponses.fail(ctx, e);
            return;
        }
        sessions.require(sessionId, Principals.of(ctx))
                .compose(partition -> tracker.status(sessionId, partition, turnId, wait))
                .onSuccess(status -> {
                    if (status.state() == TurnStatus.State.UNKNOWN) {
                        JsonResponses.fail(ctx, TurnTracker.unknownTurn(turnId));
                    } else {
                        JsonResponses.send(ctx, 200, TurnStatusJson.of(status));
                    }
                })
                .onFailure(error -> JsonResponses.fail(ctx, error));
    }

    void cancel(RoutingContext ctx) {
        String sessionId = ctx.pathParam("sid");
        String turnId = ctx.pathParam("turnId");
        sessions.require(sessionId, Principals.of(ctx))
                .compose(partition -> tracker.cancel(sessionId, partition, turnId))
                .onSuccess(ignored -> JsonResponses.send(ctx, 202,
                        new JsonObject().put("turnId", turnId).put("status", "cancelling")))
                .onFailure(error -> JsonResponses.fail(ctx, error));
    }

    private static int waitSeconds(String wait) {
        if (wait == null || wait.isBlank()) {
            return 0;
        }
        try {
            int seconds = Integer.parseInt(wait.trim());
            if (seconds >= 0 && seconds <= MAX_WAIT_SECONDS) {
                return seconds;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiException.badRequest("bad_request", "wait must be a whole number of seconds from 0 to "
                + MAX_WAIT_SECONDS);
    }
}
