package dev.parley.worker.backend;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams chat completions from any OpenAI-compatible server (OpenAI, vLLM, llama.cpp, LM Studio, Ollama's
 * {@code /v1}, the Parley simulator) over {@code POST {baseUrl}/chat/completions} with {@code stream: true}.
 *
 * <p>One instance per configured server; it owns an HTTP client and its connection pool, so share it and
 * {@link #close()} it at shutdown. {@link #stream} may be called from any thread and never blocks.
 */
public final class OpenAiBackend implements LlmBackend, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OpenAiBackend.class);

    /**
     * HTTP/1.1 carries one stream per connection, so the pool must hold as many connections as generations run at
     * once; the worker's own concurrency limit is the real bound, this only keeps the pool from queueing.
     */
    static final int MAX_CONNECTIONS = 4096;

    private final Vertx vertx;
    private final BackendConfig config;
    private final HttpClient client;

    public OpenAiBackend(Vertx vertx, BackendConfig config) {
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.config = Objects.requireNonNull(config, "config");
        HttpClientOptions options = new HttpClientOptions()
            .setConnectTimeout(Math.toIntExact(Math.min(Integer.MAX_VALUE, config.connectTimeout().toMillis())))
            .setKeepAlive(true)
            .setTcpNoDelay(true);
        this.client = vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(MAX_CONNECTIONS));
        LOG.info("OpenAI-compatible backend at {} (default model {})", config.baseUrl(), config.model());
    }

    public BackendConfig config() {
        return config;
    }

    @Override
    public Generation stream(ChatRequest request, StreamListener listener) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(listener, "listener");
        // One context per generation: the HTTP callbacks and the timers then run on the same thread, in order.
        Context context = vertx.getOrCreateContext();
        OpenAiGeneration generation = new OpenAiGeneration(vertx, context, client, config, listener);
        String body = requestBody(request).encode();
        context.runOnContext(v -> generation.start(body));
        return generation;
    }

    /** The JSON body of a streaming chat-completions request. */
    JsonObject requestBody(ChatRequest request) {
        JsonArray messages = new JsonArray();
        for (ChatMessage message : request.messages()) {
            messages.add(new JsonObject().put("role", message.role()).put("content", message.content()));
        }
        String model = request.model() == null || request.model().isBlank() ? config.model() : request.model();
        return new JsonObject()
            .put("model", model)
            .put("messages", messages)
            .put("stream", true)
            .put("stream_options", new JsonObject().put("include_usage", true));
    }

    /** Closes the HTTP client; generations still running end with their connections. */
    @Override
    public void close() {
        if (Context.isOnVertxThread()) {
            client.close();
            return;
        }
        try {
            client.close().await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("closing the HTTP client of {} failed", config.baseUrl(), e);
        }
    }
}
