package dev.parley.worker.backend;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A backend reached over HTTP: one Vert.x HTTP client (and connection pool) per configured backend, speaking the
 * {@link Protocol} of its {@link BackendKind}. Share one instance per backend and {@link #close()} it at shutdown;
 * {@link #stream} may be called from any thread and never blocks.
 */
public final class HttpBackend implements LlmBackend, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HttpBackend.class);

    /**
     * HTTP/1.1 carries one stream per connection, so the pool must hold as many connections as generations run at
     * once; the worker's own concurrency limit is the real bound, this only keeps the pool from queueing.
     */
    static final int MAX_CONNECTIONS = 4096;

    private final Vertx vertx;
    private final BackendConfig config;
    private final Protocol protocol;
    private final HttpClient client;

    private HttpBackend(Vertx vertx, BackendConfig config, Protocol protocol) {
        this.vertx = vertx;
        this.config = config;
        this.protocol = protocol;
        HttpClientOptions options = new HttpClientOptions()
            .setConnectTimeout(Math.toIntExact(Math.min(Integer.MAX_VALUE, config.connectTimeout().toMillis())))
            .setKeepAlive(true)
            .setTcpNoDelay(true);
        this.client = vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(MAX_CONNECTIONS));
    }

    /** A backend speaking the protocol of {@code config.kind()}. */
    public static HttpBackend create(Vertx vertx, BackendConfig config) {
        Objects.requireNonNull(vertx, "vertx");
        Objects.requireNonNull(config, "config");
        HttpBackend backend = new HttpBackend(vertx, config, Protocol.of(config));
        LOG.info("Backend {} ({}) at {}, default model {}", config.name(), config.kind().catalogueName(),
            config.baseUrl(), config.model());
        return backend;
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
        HttpGeneration generation = new HttpGeneration(vertx, context, client, config, protocol, listener);
        String body = protocol.body(request);
        context.runOnContext(v -> generation.start(body, request.traceparent()));
        return generation;
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
            LOG.warn("closing the HTTP client of backend {} failed", config.name(), e);
        }
    }
}
