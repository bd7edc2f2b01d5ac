package dev.parley.worker.backend;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One streaming chat-completions request and the state that turns its events into listener calls.
 *
 * <p>Everything except {@link #cancel()} runs on one Vert.x context. No lock is held while the listener runs: a
 * listener that takes its own lock and a caller that cancels while holding that lock must not deadlock. One atomic
 * flag decides between the terminal callback and a cancel, and every callback checks it first.
 */
final class OpenAiGeneration implements Generation {

    private static final Logger LOG = LoggerFactory.getLogger(OpenAiGeneration.class);
    static final String INCOMPLETE = "stream ended before the reply was complete";
    private static final int MAX_QUOTED_BODY = 300;

    private final Vertx vertx;
    private final Context context;
    private final HttpClient client;
    private final BackendConfig config;
    private final StreamListener listener;
    private final SseParser parser = new SseParser(this::onEvent);

    /** Set once: a terminal callback was delivered or the caller cancelled. */
    private final AtomicBoolean ended = new AtomicBoolean();

    // Confined to the context.
    private HttpClientRequest request;
    private boolean responseEnded;
    private boolean gotToken;
    private long firstTokenTimer = -1;
    private long idleTimer = -1;
    private long lastDataNanos;
    private String finishReason;
    private TokenUsage usage;

    OpenAiGeneration(Vertx vertx, Context context, HttpClient client, BackendConfig config, StreamListener listener) {
        this.vertx = vertx;
        this.context = context;
        this.client = client;
        this.config = config;
        this.listener = listener;
    }

    @Override
    public void cancel() {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        LOG.debug("generation at {} cancelled", config.baseUrl());
        onContext(this::stopUpstream);
    }

    void start(String body) {
        if (ended.get()) {
            return;
        }
        firstTokenTimer = vertx.setTimer(config.firstTokenTimeout().toMillis(), id -> {
            firstTokenTimer = -1;
            fail(new BackendException("no first token within " + config.firstTokenTimeout().toMillis() + "ms"));
        });
        RequestOptions options = new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setAbsoluteURI(config.chatCompletionsUrl())
            .setConnectTimeout(config.connectTimeout().toMillis())
            .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
            .putHeader(HttpHeaders.ACCEPT, "text/event-stream, application/json");
        if (config.apiKey() != null) {
            options.putHeader(HttpHeaders.AUTHORIZATION, "Bearer " + config.apiKey());
        }
        client.request(options)
            .onFailure(this::unreachable)
            .onSuccess(req -> send(req, body));
    }

    private void send(HttpClientRequest req, String body) {
        request = req;
        if (ended.get()) {
            // cancelled or timed out while the connection was being made
            stopUpstream();
            return;
        }
        req.exceptionHandler(e -> fail(new BackendException(INCOMPLETE + ": " + describe(e), e)));
        req.send(Buffer.buffer(body))
            .onFailure(this::unreachable)
            .onSuccess(this::onResponse);
    }

    private void onResponse(HttpClientResponse response) {
        if (ended.get()) {
            stopUpstream();
            return;
        }
        response.exceptionHandler(e -> fail(new BackendException(INCOMPLETE + ": " + describe(e), e)));
        int status = response.statusCode();
        String contentType = response.getHeader(HttpHeaders.CONTENT_TYPE);
        if (status < 200 || status >= 300) {
            response.body().onComplete(ar -> {
                responseEnded = true;
                String detail = ar.succeeded() ? errorMessage(ar.result()) : describe(ar.cause());
                fail(new BackendException("LLM backend answered HTTP " + status + ": " + detail));
            });
        } else if (contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            response.body().onComplete(ar -> {
                responseEnded = true;
                if (ar.succeeded()) {
                    onWholeReply(ar.result());
                } else {
                    fail(new BackendException(INCOMPLETE + ": " + describe(ar.cause()), ar.cause()));
                }
            });
        } else {
            response.handler(this::onData);
            response.endHandler(v -> onEnd());
        }
    }

    private void onData(Buffer buffer) {
        if (ended.get()) {
            return;
        }
        lastDataNanos = System.nanoTime();
        try {
            parser.feed(buffer);
        } catch (IllegalStateException e) {
            fail(new BackendException("malformed event stream from LLM backend: " + e.getMessage(), e));
        }
    }

    private void onEnd() {
        responseEnded = true;
        if (ended.get()) {
            return;
        }
        parser.end();
        if (finishReason != null) {
            complete();
        } else {
            fail(new BackendException(INCOMPLETE));
        }
    }

    private void onEvent(SseEvent event) {
        if (ended.get()) {
            return;
        }
        String data = event.data().strip();
        if (data.equals("[DONE]")) {
            complete();
            return;
        }
        try {
            JsonObject chunk = new JsonObject(data);
            if (chunk.containsKey("error") || "error".equals(event.event())) {
                fail(new BackendException("LLM backend error: " + errorMessage(chunk)));
                return;
            }
            onChunk(chunk);
        } catch (RuntimeException e) {
            // DecodeException for bad JSON, ClassCastException for fields of the wrong type
            fail(new BackendException("malformed chunk from LLM backend: " + quote(data), e));
        }
    }

    private void onChunk(JsonObject chunk) {
        JsonArray choices = chunk.getJsonArray("choices");
        if (choices != null && !choices.isEmpty()) {
            JsonObject choice = choices.getJsonObject(0);
            JsonObject delta = choice.getJsonObject("delta");
            String content = delta == null ? null : delta.getString("content");
            if (content != null && !content.isEmpty()) {
                token(content);
            }
            String reason = choice.getString("finish_reason");
            if (reason != null) {
                finishReason = reason;
            }
        }
        TokenUsage reported = usage(chunk.getJsonObject("usage"));
        if (reported != null) {
            usage = reported;
        }
    }

    /** A server that ignored {@code stream: true}: its whole reply becomes one token. */
    private void onWholeReply(Buffer body) {
        try {
            JsonObject json = body.toJsonObject();
            if (json.containsKey("error")) {
                fail(new BackendException("LLM backend error: " + errorMessage(json)));
                return;
            }
            JsonArray choices = json.getJsonArray("choices");
            if (choices == null || choices.isEmpty()) {
                fail(new BackendException("LLM backend reply has no choices: " + quote(body.toString())));
                return;
            }
            JsonObject choice = choices.getJsonObject(0);
            JsonObject message = choice.getJsonObject("message");
            String content = message == null ? null : message.getString("content");
            if (content != null && !content.isEmpty()) {
                token(content);
            }
            finishReason = choice.getString("finish_reason");
            usage = usage(json.getJsonObject("usage"));
            complete();
        } catch (RuntimeException e) {
            fail(new BackendException("malformed reply from LLM backend: " + quote(body.toString()), e));
        }
    }

    private void token(String text) {
        if (!gotToken) {
            gotToken = true;
            cancelTimer(firstTokenTimer);
            firstTokenTimer = -1;
            lastDataNanos = System.nanoTime();
            armIdleTimer(config.idleTimeout().toMillis());
        }
        if (ended.get()) {
            return;
        }
        try {
            listener.onToken(text);
        } catch (RuntimeException e) {
            LOG.warn("stream listener failed on a token", e);
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
                fail(new BackendException("stalled: no data for " + idleMillis + "ms"));
            } else {
                armIdleTimer(idleMillis - silentMillis);
            }
        });
    }

    private void complete() {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        stopTimers();
        try {
            // a server that sends [DONE] without a finish_reason still finished normally
            listener.onComplete(finishReason == null ? "stop" : finishReason, usage);
        } catch (RuntimeException e) {
            LOG.warn("stream listener failed on completion", e);
        }
    }

    private void fail(BackendException error) {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        LOG.debug("generation at {} failed: {}", config.baseUrl(), error.getMessage());
        onContext(this::stopUpstream);
        try {
            listener.onError(error);
        } catch (RuntimeException e) {
            LOG.warn("stream listener failed on an error", e);
        }
    }

    private void unreachable(Throwable cause) {
        fail(new BackendException("cannot reach LLM backend at " + config.baseUrl() + ": " + describe(cause), cause));
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
        firstTokenTimer = -1;
        idleTimer = -1;
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

    static TokenUsage usage(JsonObject usage) {
        if (usage == null) {
            return null;
        }
        return new TokenUsage(usage.getInteger("prompt_tokens", 0), usage.getInteger("completion_tokens", 0));
    }

    /** The message of an OpenAI ({@code {"error":{"message"}}}) or Ollama ({@code {"error":"..."}}) error body. */
    static String errorMessage(Buffer body) {
        try {
            return errorMessage(body.toJsonObject());
        } catch (RuntimeException e) {
            String text = body.toString().strip();
            return text.isEmpty() ? "(empty body)" : quote(text);
        }
    }

    static String errorMessage(JsonObject json) {
        Object error = json.getValue("error");
        if (error instanceof JsonObject object) {
            Object message = object.getValue("message");
            return message != null ? message.toString() : object.encode();
        }
        if (error instanceof String text) {
            return text;
        }
        Object message = json.getValue("message");
        return message != null ? message.toString() : quote(json.encode());
    }

    private static String quote(String text) {
        return text.length() <= MAX_QUOTED_BODY ? text : text.substring(0, MAX_QUOTED_BODY) + "...";
    }

    private static String describe(Throwable e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
