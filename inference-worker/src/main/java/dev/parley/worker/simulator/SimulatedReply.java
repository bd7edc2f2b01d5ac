package dev.parley.worker.simulator;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plays one {@link ReplyPlan} on one HTTP response, token by token on timers, and stops every timer as soon as the
 * client goes away. All methods run on the request's event-loop context.
 */
final class SimulatedReply {

    private static final Logger LOG = LoggerFactory.getLogger(SimulatedReply.class);

    private final Vertx vertx;
    private final HttpServerRequest request;
    private final HttpServerResponse response;
    private final ReplyPlan plan;
    private final StreamCounters counters;
    private final BooleanSupplier closing;
    private final String id;
    private final long created = System.currentTimeMillis() / 1000;

    private long timer = -1;
    private boolean finished;
    private int sent;

    SimulatedReply(Vertx vertx, HttpServerRequest request, ReplyPlan plan, StreamCounters counters, String id,
                   BooleanSupplier closing) {
        this.vertx = vertx;
        this.request = request;
        this.response = request.response();
        this.plan = plan;
        this.counters = counters;
        this.id = id;
        this.closing = closing;
    }

    void start() {
        counters.onStart();
        response.closeHandler(v -> clientGone());
        response.exceptionHandler(e -> LOG.debug("simulated reply {}: {}", id, e.toString()));
        if (plan.stream()) {
            response.setChunked(true)
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream; charset=utf-8")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
            // headers now, like a real server: the client's request succeeds and it waits for the first token
            response.writeHead();
            schedule(plan.ttftMs(), this::firstStep);
        } else {
            long generation = plan.ttftMs() + plan.itlMs() * Math.max(0, plan.tokens().size() - 1);
            schedule(generation, this::whole);
        }
    }

    private void firstStep() {
        write(OpenAiJson.chunk(id, created, new JsonObject().put("role", "assistant").put("content", ""), null,
            plan.includeUsage()));
        step();
    }

    /** One action per timer tick: a token, the fault, or the end of the reply. */
    private void step() {
        if (finished) {
            return;
        }
        Fault fault = plan.fault();
        if (fault != null && sent == Math.min(fault.value(), plan.tokens().size())) {
            playFault(fault);
            return;
        }
        if (sent < plan.tokens().size()) {
            JsonObject delta = new JsonObject().put("content", plan.tokens().get(sent++));
            write(OpenAiJson.chunk(id, created, delta, null, plan.includeUsage()));
            if (response.writeQueueFull()) {
                // a slow reader (or itl_ms=0): wait for the socket rather than buffer the whole reply in memory
                response.drainHandler(v -> {
                    response.drainHandler(null);
                    schedule(plan.itlMs(), this::step);
                });
            } else {
                schedule(plan.itlMs(), this::step);
            }
            return;
        }
        StringBuilder end = new StringBuilder();
        end.append(event(OpenAiJson.chunk(id, created, new JsonObject(), plan.finishReason(), plan.includeUsage())));
        if (plan.includeUsage()) {
            end.append(event(OpenAiJson.usageChunk(id, created, plan.promptTokens(), sent)));
        }
        end.append("data: [DONE]\n\n");
        finish();
        response.end(end.toString());
    }

    private void playFault(Fault fault) {
        switch (fault.kind()) {
            case FAIL_AFTER -> {
                JsonObject error = OpenAiJson.error("simulated failure after " + sent + " tokens", "server_error",
                    null, "simulated_failure");
                finish();
                response.end(event(error));
            }
            case STALL_AFTER -> LOG.debug("simulated reply {} stalls after {} tokens", id, sent);
            case DISCONNECT_AFTER -> disconnect();
            case STATUS -> throw new IllegalStateException("a status fault is answered before the reply starts");
        }
    }

    /** The non-streaming reply, after as long as streaming it would have taken. */
    private void whole() {
        if (finished) {
            return;
        }
        Fault fault = plan.fault();
        if (fault == null) {
            finish();
            response.putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(OpenAiJson.completion(id, created, plan.text(), plan.finishReason(), plan.promptTokens(),
                    plan.tokens().size()).encode());
            return;
        }
        sent = Math.min(fault.value(), plan.tokens().size());
        switch (fault.kind()) {
            case FAIL_AFTER -> {
                finish();
                response.setStatusCode(500).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .end(OpenAiJson.error("simulated failure after " + sent + " tokens", "server_error", null,
                        "simulated_failure").encode());
            }
            case STALL_AFTER -> LOG.debug("simulated reply {} stalls", id);
            case DISCONNECT_AFTER -> disconnect();
            case STATUS -> throw new IllegalStateException("a status fault is answered before the reply starts");
        }
    }

    private void disconnect() {
        LOG.debug("simulated reply {} drops the connection after {} tokens", id, sent);
        finish();
        request.connection().close();
    }

    private void clientGone() {
        if (finished) {
            return;
        }
        finished = true;
        cancelTimer();
        boolean cancelled = !closing.getAsBoolean();
        counters.onFinish(cancelled);
        LOG.debug("simulated reply {}: client went away after {} tokens", id, sent);
    }

    private void finish() {
        finished = true;
        cancelTimer();
        counters.onFinish(false);
    }

    private void write(JsonObject chunk) {
        response.write(event(chunk));
    }

    private static String event(JsonObject json) {
        return "data: " + json.encode() + "\n\n";
    }

    private void schedule(long delayMillis, Runnable action) {
        Runnable guarded = () -> {
            timer = -1;
            if (!finished) {
                action.run();
            }
        };
        if (delayMillis <= 0) {
            // Vert.x timers need at least 1 ms; a zero delay still yields to other requests
            vertx.getOrCreateContext().runOnContext(v -> guarded.run());
        } else {
            timer = vertx.setTimer(delayMillis, t -> guarded.run());
        }
    }

    private void cancelTimer() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
    }
}
