package dev.parley.worker.backend;

import dev.parley.schemas.telemetry.Tracing;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One generation over HTTP, for any {@link Protocol}: connect, timeouts (first token, idle, total), HTTP status,
 * cancel, and the listener calls the protocol's decoder leads to.
 *
 * <p>Everything except {@link #cancel()} runs on one Vert.x context. No lock is held while the listener runs: a
 * listener that takes its own lock and a caller that cancels while holding that lock must not deadlock. One atomic
 * flag decides between the terminal callback and a cancel, and every callback checks it first.
 */
final class HttpGeneration implements Generation, ReplyEvents {

    private static final Logger LOG = LoggerFactory.getLogger(HttpGeneration.class);
    static final String INCOMPLETE = "stream ended before the reply was complete";

    private final Vertx vertx;
    private final Context context;
    private final HttpClient client;
    private final BackendConfig config;
    private final Protocol protocol;
    private final StreamListener listener;

    /** Set once: a terminal callback was delivered or the caller cancelled. */
    private final AtomicBoolean ended = new AtomicBoolean();

    // Confined to the context.
    private HttpClientRequest request;
    private boolean responseEnded;
    private boolean gotToken;
    private long firstTokenTimer = -1;
    private long idleTimer = -1;
    private long totalTimer = -1;
    private long lastDataNanos;
    private String finishReason;
    private TokenUsage usage;

    HttpGeneration(Vertx vertx, Context context, HttpClient client, BackendConfig config, Protocol protocol,
                   StreamListener listener) {
        this.vertx = vertx;
        this.context = context;
        this.client = client;
        this.config = config;
        this.protocol = protocol;
        this.listener = listener;
    }

    @Override
    public void cancel() {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        LOG.debug("generation at backend {} cancelled", config.name());
        onContext(this::stopUpstream);
    }

    /** Sends the request ({@code traceparent}: its W3C trace context, or null). */
    void start(String body, String traceparent) {
        if (ended.get()) {
            return;
        }
        totalTimer = vertx.setTimer(config.totalTimeout().toMillis(), id -> {
            totalTimer = -1;
            fail(FailureKind.TOTAL_TIMEOUT, "no complete reply within " + config.totalTimeout().toMillis() + "ms");
        });
        if (config.stream()) {
            // a non-streamed reply arrives all at once at the end: only the total timeout bounds it
            firstTokenTimer = vertx.setTimer(config.firstTokenTimeout().toMillis(), id -> {
                firstTokenTimer = -1;
                fail(FailureKind.FIRST_TOKEN_TIMEOUT,
                    "no first token within " + config.firstTokenTimeout().toMillis() + "ms");
            });
        }
        RequestOptions options = new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setAbsoluteURI(protocol.url())
            .setConnectTimeout(config.connectTimeout().toMillis())
            .putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
        protocol.headers().forEach(options::putHeader);
        if (traceparent != null) {
            options.putHeader(Tracing.TRACEPARENT, traceparent);
        }
        client.request(options)
            .onFailure(e -> fail(FailureKind.CONNECT, "cannot reach " + config.baseUrl() + ": " + describe(e), e))
            .onSuccess(req -> send(req, body));
    }

    private void send(HttpClientRequest req, String body) {
        request = req;
        if (ended.get()) {
            // cancelled or timed out while the connection was being made
            stopUpstream();
            return;
        }
        req.exceptionHandler(this::broken);
        req.send(Buffer.buffer(body))
            .onFailure(this::broken)
            .onSuccess(this::onResponse);
    }

    private void onResponse(HttpClientResponse response) {
        if (ended.get()) {
            stopUpstream();
            return;
        }
        response.exceptionHandler(this::broken);
        int status = response.statusCode();
        if (status < 200 || status >= 300) {
            response.body().onComplete(ar -> {
                responseEnded = true;
                String detail = ar.succeeded() ? WireJson.message(ar.result()) : describe(ar.cause());
                fail(FailureKind.ofStatus(status), "HTTP " + status + ": " + detail);
            });
        } else if (!config.stream() || isJson(response.getHeader(HttpHeaders.CONTENT_TYPE))) {
            // asked for the whole reply, or a server that ignored stream: true
            response.body().onComplete(ar -> {
                responseEnded = true;
                if (ar.succeeded()) {
                    decode(() -> protocol.decodeWhole(ar.result(), this));
                } else {
                    broken(ar.cause());
                }
            });
        } else {
            ReplyDecoder decoder = protocol.streamDecoder(this);
            response.handler(buffer -> {
                if (!ended.get()) {
                    lastDataNanos = System.nanoTime();
                    decode(() -> decoder.feed(buffer));
                }
            });
            response.endHandler(v -> onEnd(decoder));
        }
    }

    private void onEnd(ReplyDecoder decoder) {
        responseEnded = true;
        if (ended.get()) {
            return;
        }
        decode(decoder::end);
        if (finishReason != null) {
            // a server that closes the stream after its finish reason, without its end marker, still finished
            done();
        } else {
            fail(FailureKind.PROTOCOL, INCOMPLETE);
        }
    }

    private void decode(Runnable decoding) {
        try {
            decoding.run();
        } catch (BackendException e) {
            fail(e.kind(), e.getMessage(), e.getCause());
        }
    }

    @Override
    public void text(String text) {
        if (text == null || text.isEmpty() || ended.get()) {
            return;
        }
        firstData();
        try {
            listener.onToken(text);
        } catch (RuntimeException e) {
            LOG.warn("stream listener failed on a token", e);
        }
    }

    @Override
    public void reasoning(String text) {
        if (text == null || text.isEmpty() || ended.get()) {
            return;
        }
        firstData();
        try {
            listener.onReasoning(text);
        } catch (RuntimeException e) {
            LOG.warn("stream listener failed on reasoning", e);
        }
    }

    @Override
    public void finishReason(String reason) {
        finishReason = reason;
    }

    @Override
    public void usage(TokenUsage usage) {
        this.usage = usage;
    }

    @Override
    public void done() {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        stopTimers();
        try {
            listener.onComplete(finishReason == null ? "stop" : finishReason, usage);
        } catch (RuntimeException e) {
            LOG.warn("stream listener failed on completion", e);
        }
    }

    /** The first text or thinking ends the first-token wait and starts the idle watch. */
    private void firstData() {
        if (!gotToken) {
            gotToken = true;
            cancelTimer(firstTokenTimer);
            firstTokenTimer = -1;
            lastDataNanos = System.nanoTime();
            if (config.stream()) {
                armIdleTimer(config.idleTimeout().toMillis());
            }
        }
    }

    /** One timer for the whole stream, re-armed lazily when it fires: cheaper than a new timer per chunk. */
    private void armIdleTimer(long delayMillis) {
        idleTimer = vertx.setTimer(Math.max(1, delayMillis), id -> {
            idleTimer = -1;
            if (ended.get()) {
                return;
            }
            long idleMillis = config.idleTimeout().toMillis();
            long silentMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastDataNanos);
            if (silentMillis >= idleMillis) {
                fail(FailureKind.IDLE_STALL, "stalled: no data for " + idleMillis + "ms");
            } else {
                armIdleTimer(idleMillis - silentMillis);
            }
        });
    }

    private void broken(Throwable cause) {
        fail(FailureKind.PROTOCOL, INCOMPLETE + ": " + describe(cause), cause);
    }

    private void fail(FailureKind kind, String detail) {
        fail(kind, detail, null);
    }

    private void fail(FailureKind kind, String detail, Throwable cause) {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        BackendException error = new BackendException(kind, "backend " + config.name() + ": " + detail, cause);
        LOG.debug("generation failed: {} ({})", error.getMessage(), kind.apiName());
        onContext(this::stopUpstream);
        try {
            listener.onError(error);
        } catch (RuntimeException e) {
            LOG.warn("stream listener failed on an error", e);
        }
    }

    /** Stops the timers and, unless the response already ended, resets the request so the server stops too. */
    private void stopUpstream() {
        stopTimers();
        if (request != null && !responseEnded) {
            responseEnded = true;
            // for HTTP/1.x a reset closes the connection, which is how the server learns the client went away
            request.reset();
        }
    }

    private void stopTimers() {
        cancelTimer(firstTokenTimer);
        cancelTimer(idleTimer);
        cancelTimer(totalTimer);
        firstTokenTimer = -1;
        idleTimer = -1;
        totalTimer = -1;
    }

    private void cancelTimer(long id) {
        if (id >= 0) {
            vertx.cancelTimer(id);
        }
    }

    private void onContext(Runnable action) {
        if (Vertx.currentContext() == context) {
            action.run();
        } else {
            context.runOnContext(v -> action.run());
        }
    }

    private static boolean isJson(String contentType) {
        return contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("application/json");
    }

    private static String describe(Throwable e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
