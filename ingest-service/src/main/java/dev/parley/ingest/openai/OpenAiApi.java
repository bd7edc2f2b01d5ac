package dev.parley.ingest.openai;

import dev.parley.ingest.ApiException;
import dev.parley.ingest.auth.Principals;
import dev.parley.ingest.http.StreamStart;
import dev.parley.ingest.ledger.Sessions;
import dev.parley.ingest.ledger.TurnArrival;
import dev.parley.ingest.ledger.TurnIntake;
import dev.parley.ingest.ledger.TurnOptions;
import dev.parley.ingest.ledger.TurnOutcome;
import dev.parley.ingest.ledger.TurnStatus;
import dev.parley.ingest.ledger.TurnTracker;
import dev.parley.ingest.limits.Limits;
import dev.parley.ingest.limits.Quota;
import dev.parley.ingest.limits.TurnPermit;
import dev.parley.ingest.stream.ClientFeed;
import dev.parley.ingest.stream.EventSink;
import dev.parley.ingest.stream.TokenStreams;
import dev.parley.schemas.ids.UuidV7;
import dev.parley.schemas.openai.OpenAiWire.Completion;
import dev.parley.schemas.openai.OpenAiWire.Model;
import dev.parley.schemas.openai.OpenAiWire.ModelList;
import dev.parley.schemas.openai.OpenAiWire.Usage;
import dev.parley.schemas.openai.OpenAiWire;
import dev.parley.schemas.telemetry.Tracing;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OpenAI-compatible API: {@code POST /v1/chat/completions} and {@code GET /v1/models}. A completion is an
 * ordinary turn — the same ledger, worker and token topic — so its streamed text, its whole text and the native turn
 * status's text are one string.
 *
 * <p>Without {@value #SESSION_HEADER} a request is stateless, as with OpenAI: a new session, whose turn carries the
 * messages before the last one as its context (recorded in the ledger with the turn). With it, the request continues
 * that session: the last message is the new turn and the session's own history is its context. Every answer names
 * the session and the turn in {@value #SESSION_HEADER} and {@value #TURN_HEADER}. A client that goes away before the
 * turn ends cancels it.
 */
public final class OpenAiApi {

    public static final String SESSION_HEADER = "X-Parley-Session-Id";
    public static final String TURN_HEADER = "X-Parley-Turn-Id";
    /** Tells the OpenAI SDKs not to retry an answer that records the turn's outcome (a retry would be a new turn). */
    static final String SHOULD_RETRY_HEADER = "x-should-retry";
    /** How long one ledger lookup waits for a non-streamed turn's end before it looks again. */
    private static final Duration WAIT_STEP = Duration.ofSeconds(30);

    private static final Logger log = LoggerFactory.getLogger(OpenAiApi.class);

    private final Vertx vertx;
    private final Sessions sessions;
    private final TurnIntake intake;
    private final TurnTracker tracker;
    private final TokenStreams streams;
    private final ModelDirectory models;
    private final int maxTurnBytes;
    private final Duration heartbeat;
    private final Limits limits;
    private final long startedSeconds = TimeUnit.MILLISECONDS.toSeconds(System.currentTimeMillis());

    public OpenAiApi(Vertx vertx, Sessions sessions, TurnIntake intake, TurnTracker tracker, TokenStreams streams,
                     ModelDirectory models, int maxTurnBytes, Duration heartbeat, Limits limits) {
        this.vertx = vertx;
        this.sessions = sessions;
        this.intake = intake;
        this.tracker = tracker;
        this.streams = streams;
        this.models = models;
        this.maxTurnBytes = maxTurnBytes;
        this.heartbeat = heartbeat;
        this.limits = limits;
    }

    /** {@code GET /v1/models}. */
    public void models(RoutingContext ctx) {
        List<Model> list = models.ids().stream().map(id -> Model.of(id, startedSeconds, "parley")).toList();
        send(ctx.response(), 200, OpenAiWire.encodeBytes(ModelList.of(list)));
    }

    /** {@code POST /v1/chat/completions}. */
    public void chatCompletions(RoutingContext ctx) {
        TurnArrival received = TurnArrival.now(ctx.request().getHeader(Tracing.TRACEPARENT), EventSink.OPENAI);
        CompletionRequest request;
        String continued = ctx.request().getHeader(SESSION_HEADER);
        TurnPermit permit;
        try {
            request = CompletionRequest.parse(ctx.body().buffer(), maxTurnBytes);
            if (!models.knows(request.model())) {
                throw OpenAiError.modelNotFound(request.model());
            }
            Quota quota = limits.of(ctx);
            if (request.stream()) {
                quota.openStream().releaseWhenDone(ctx.response());
            }
            permit = quota.admitTurn(continued == null);
        } catch (OpenAiError | ApiException e) {
            fail(ctx.response(), e);
            return;
        }
        String principal = Principals.of(ctx);
        Future<String> session = continued == null ? permit.sessionCreated(sessions.create(principal, null))
                : Future.succeededFuture(continued.trim());
        TurnOptions options = new TurnOptions(models.routeOf(request.model()), false,
                continued == null ? request.context() : List.of(), request.generation());
        session.compose(sessionId -> sessions.require(sessionId, principal).compose(partition -> {
            ctx.response().putHeader(SESSION_HEADER, sessionId);
            return permit.accepted(sessionId, partition,
                            intake.submit(sessionId, partition, principal, request.text(), null, options, received))
                    .map(turnId -> new Turn(sessionId, partition, turnId));
        })).onSuccess(turn -> {
            ctx.response().putHeader(TURN_HEADER, turn.turnId());
            if (request.stream()) {
                stream(ctx, request, turn);
            } else {
                whole(ctx, request, turn);
            }
        }).onFailure(error -> {
            permit.release();
            fail(ctx.response(), error);
        });
    }

    /** Where a completion's turn lives. */
    private record Turn(String sessionId, int partition, String turnId) {

        /** {@code chatcmpl-} and the turn id: one id for every chunk, and the turn is found from it. */
        String completionId() {
            return "chatcmpl-" + turnId;
        }

        long createdSeconds() {
            return TimeUnit.MILLISECONDS.toSeconds(UuidV7.timestampMillis(UuidV7.parse(turnId).orElseThrow()));
        }
    }

    private void stream(RoutingContext ctx, CompletionRequest request, Turn turn) {
        HttpServerResponse response = ctx.response();
        if (response.closed()) {
            cancel(turn);
            return;
        }
        long[] heartbeatTimer = {-1};
        ClientFeed[] feed = {null};
        CompletionStream stream = new CompletionStream(response, turn.turnId(), turn.completionId(),
                turn.createdSeconds(), request.model(), request.includeUsage(), () -> {
                    feed[0].close();
                    vertx.cancelTimer(heartbeatTimer[0]);
                });
        StreamStart start = StreamStart.parse(null, null, turn.turnId());
        feed[0] = streams.open(turn.sessionId(), turn.partition(), start.position(), start.startTurnId(), false,
                stream);
        response.closeHandler(ignored -> {
            feed[0].close();
            vertx.cancelTimer(heartbeatTimer[0]);
            if (!stream.ended()) {
                cancel(turn); // the client left mid-reply: stop the generation, keep its partial text
            }
        });
        feed[0].started().onSuccess(ignored -> {
            stream.open();
            heartbeatTimer[0] = vertx.setPeriodic(heartbeat.toMillis(), timer -> stream.heartbeat());
        }).onFailure(error -> {
            feed[0].close();
            cancel(turn);
            fail(response, ApiException.notReady("cannot read the token stream: " + error.getMessage()));
        });
    }

    private void whole(RoutingContext ctx, CompletionRequest request, Turn turn) {
        HttpServerResponse response = ctx.response();
        boolean[] answered = {false};
        response.closeHandler(ignored -> {
            if (!answered[0]) {
                cancel(turn);
            }
        });
        awaitEnd(turn, response).onSuccess(status -> {
            answered[0] = true;
            answer(response, request, turn, status);
        }).onFailure(error -> {
            answered[0] = true;
            fail(response, error);
        });
    }

    /** The turn's terminal status; looks again while the client is still there. */
    private Future<TurnStatus> awaitEnd(Turn turn, HttpServerResponse response) {
        return tracker.status(turn.sessionId(), turn.partition(), turn.turnId(), WAIT_STEP).compose(status ->
                status.terminal() || response.closed() ? Future.succeededFuture(status) : awaitEnd(turn, response));
    }

    private static void answer(HttpServerResponse response, CompletionRequest request, Turn turn, TurnStatus status) {
        switch (status.state()) {
            case COMPLETED -> {
                TurnOutcome outcome = status.outcome();
                dev.parley.avro.Usage counts = outcome == null ? null : outcome.usage();
                Usage usage = counts == null ? Usage.of(0, 0)
                        : Usage.of(counts.getPromptTokens(), counts.getCompletionTokens(),
                                counts.getCachedPromptTokens());
                String finish = CompletionStream.finishReason(outcome == null ? null : outcome.finishReason());
                send(response, 200, OpenAiWire.encodeBytes(Completion.of(turn.completionId(), turn.createdSeconds(),
                        request.model(), null, status.text(), finish, usage)));
            }
            case FAILED -> {
                response.putHeader(SHOULD_RETRY_HEADER, "false");
                fail(response, new OpenAiError(502, "server_error", null, "turn_failed",
                        "turn " + turn.turnId() + " failed: " + status.reason()));
            }
            case CANCELLED -> {
                response.putHeader(SHOULD_RETRY_HEADER, "false");
                fail(response, new OpenAiError(409, "server_error", null, "turn_cancelled",
                        "turn " + turn.turnId() + " was cancelled"));
            }
            default -> {
                // the client left before the end: nobody to answer
            }
        }
    }

    private void cancel(Turn turn) {
        tracker.cancel(turn.sessionId(), turn.partition(), turn.turnId()).onFailure(error -> {
            if (!(error instanceof ApiException api && api.status() == 409)) { // 409: it had ended meanwhile
                log.warn("Could not cancel turn {} of session {} after its OpenAI client left: {}", turn.turnId(),
                        turn.sessionId(), error.toString());
            }
        });
    }

    /** True for the paths of this API, whose errors (also the router's 404, 405, 413) have OpenAI's shape. */
    public static boolean owns(String path) {
        return path != null && (path.startsWith("/v1/chat/") || path.equals("/v1/models"));
    }

    /** An error of the router (404, 405, 413, 500) on one of this API's paths, in OpenAI's shape. */
    public static void error(HttpServerResponse response, int status, String code, String message) {
        fail(response, new OpenAiError(status, status < 500 ? OpenAiError.INVALID_REQUEST : "server_error", null,
                code, message));
    }

    /**
     * Answers with OpenAI's error shape; Parley's own API errors keep their status, code and Retry-After, and a 429
     * is OpenAI's rate limit error ({@code type: requests}, {@code code: rate_limit_exceeded}).
     */
    public static void fail(HttpServerResponse response, Throwable error) {
        OpenAiError openAi;
        if (error instanceof OpenAiError e) {
            openAi = e;
        } else if (error instanceof ApiException api) {
            if (api.retryAfterSeconds() > 0 && !response.headWritten()) {
                response.putHeader("Retry-After", Integer.toString(api.retryAfterSeconds()));
            }
            openAi = api.status() == 429 ? OpenAiError.rateLimited(api.getMessage())
                    : new OpenAiError(api.status(), api.status() < 500 ? OpenAiError.INVALID_REQUEST : "server_error",
                    null, api.code(), api.getMessage());
        } else {
            log.error("Unexpected failure of an OpenAI-compatible request", error);
            openAi = new OpenAiError(500, "server_error", null, "internal_error",
                    "the gateway failed to handle this request");
        }
        send(response, openAi.status(), OpenAiWire.encodeBytes(openAi.body()));
    }

    static void send(HttpServerResponse response, int status, byte[] json) {
        if (response.headWritten() || response.closed()) {
            return;
        }
        response.setStatusCode(status).putHeader("Content-Type", "application/json").end(Buffer.buffer(json));
    }
}
