package dev.parley.worker.simulator;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plays one {@link ReplyPlan} on one HTTP response, token by token on timers, and stops every timer as soon as the
 * client goes away. The timing and the faults are the same for every protocol; the bytes are the
 * {@link ReplyEncoder}'s. All methods run on the request's event-loop context.
 */
final class SimulatedReply {

    private static final Logger LOG = LoggerFactory.getLogger(SimulatedReply.class);

    private final Vertx vertx;
    private final HttpServerRequest request;
    private final HttpServerResponse response;
    private final ReplyPlan plan;
    private final Protocol protocol;
    private final ReplyEncoder encoder;
    private final StreamCounters counters;
    private final String backend;
    private final BooleanSupplier closing;
    private final String id;

    private long timer = -1;
    private boolean finished;
    private int thought;
    private int sent;

    /**
     * @param backend the simulated backend's name, or "" for the unprefixed paths
     * @param closing whether the simulator is shutting down (a client gone then is not counted as cancelled)
     */
    SimulatedReply(Vertx vertx, HttpServerRequest request, ReplyPlan plan, Protocol protocol, StreamCounters counters,
                   String backend, String id, BooleanSupplier closing) {
        this.vertx = vertx;
        this.request = request;
        this.response = request.response();
        this.plan = plan;
        this.protocol = protocol;
        this.encoder = protocol.encoder(id, plan);
        this.counters = counters;
        this.backend = backend;
        this.id = id;
        this.closing = closing;
    }

    void start() {
        counters.onStart(backend);
        // registered before anything is sent, so a client that leaves during the time to first token is seen too
        response.closeHandler(v -> clientGone());
        response.exceptionHandler(e -> LOG.debug("simulated reply {}: {}", id, e.toString()));
        if (plan.stream()) {
            response.setChunked(true)
                .putHeader(HttpHeaders.CONTENT_TYPE, encoder.streamContentType())
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
            // headers now, like a real server: the client's request succeeds and it waits for the first token
            response.writeHead();
            schedule(plan.ttftMs(), this::firstStep);
        } else {
            schedule(plan.generationMillis(), this::whole);
        }
    }

    private void firstStep() {
        write(encoder.open());
        step();
    }

    /** One action per timer tick: a thinking word, a token, the fault, or the end of the reply. */
    private void step() {
        if (finished) {
            return;
        }
        if (thought < plan.thinking().size()) {
            writeThenNext(encoder.thinking(plan.thinking().get(thought++)));
            return;
        }
        Fault fault = plan.fault();
        if (fault != null && sent == Math.min(fault.value(), plan.tokens().size())) {
            playFault(fault);
            return;
        }
        if (sent < plan.tokens().size()) {
            writeThenNext(encoder.token(plan.tokens().get(sent++)));
            return;
        }
        finish();
        response.end(encoder.end(sent));
    }

    private void writeThenNext(String bytes) {
        write(bytes);
        if (response.writeQueueFull()) {
            // a slow reader (or itl_ms=0): wait for the socket rather than buffer the whole reply in memory
            response.drainHandler(v -> {
                response.drainHandler(null);
                schedule(plan.itlMs(), this::step);
            });
        } else {
            schedule(plan.itlMs(), this::step);
        }
    }

    private void playFault(Fault fault) {
        switch (fault.kind()) {
            case FAIL_AFTER -> {
                finish();
                response.end(encoder.streamError(sent));
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
            response.putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(encoder.whole());
            return;
        }
        sent = Math.min(fault.value(), plan.tokens().size());
        switch (fault.kind()) {
            case FAIL_AFTER -> {
                finish();
                response.setStatusCode(500).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .end(protocol.errorBody(500, ReplyEncoder.failure(sent), null, "simulated_failure"));
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
        long now = System.nanoTime();
        finished = true;
        cancelTimer();
        boolean cancelled = !closing.getAsBoolean();
        counters.onFinish(backend, cancelled ? now : -1);
        LOG.debug("simulated reply {}: client went away after {} tokens", id, sent);
    }

    private void finish() {
        finished = true;
        cancelTimer();
        counters.onFinish(backend, -1);
    }

    private void write(String bytes) {
        if (!bytes.isEmpty()) {
            response.write(bytes);
        }
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
