package dev.parley.kafka.registry;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import io.vertx.core.http.HttpServer;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A Confluent-REST-compatible Avro schema registry that keeps its state in Kafka's {@code _schemas} topic. */
public final class SchemaRegistry implements AutoCloseable {

    /** Confluent's default storage topic, so a Confluent registry could take over the same log. */
    public static final String SCHEMAS_TOPIC = "_schemas";
    /** The media type of every response. */
    public static final String CONTENT_TYPE = RegistryRoutes.CONTENT_TYPE;

    private static final Logger log = LoggerFactory.getLogger(SchemaRegistry.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final SchemaStore store;
    private final Vertx vertx;
    private final HttpServer server;
    private final int port;
    private final AtomicBoolean closed = new AtomicBoolean();

    private SchemaRegistry(SchemaStore store, Vertx vertx, HttpServer server) {
        this.store = store;
        this.vertx = vertx;
        this.server = server;
        this.port = server.actualPort();
    }

    /** Starts on loopback, {@code port} (0 picks a free one), once the whole {@code _schemas} topic has been read. */
    public static SchemaRegistry start(String bootstrapServers, int port) {
        return start(bootstrapServers, port, SCHEMAS_TOPIC);
    }

    /** Like {@link #start(String, int)} with another storage topic, e.g. to keep tests on one broker apart. */
    public static SchemaRegistry start(String bootstrapServers, int port, String topic) {
        return start(bootstrapServers, InetAddress.getLoopbackAddress().getHostAddress(), port, topic);
    }

    /** Like {@link #start(String, int, String)} listening on {@code host}, e.g. {@code 0.0.0.0} for every interface. */
    public static SchemaRegistry start(String bootstrapServers, String host, int port, String topic) {
        SchemaStore store = SchemaStore.open(bootstrapServers, topic, START_TIMEOUT);
        Vertx vertx = null;
        try {
            vertx = Vertx.vertx(vertxOptions());
            HttpServer server = await(vertx.createHttpServer()
                    .requestHandler(RegistryRoutes.router(vertx, new SchemaService(store)))
                    .listen(port, host), START_TIMEOUT);
            log.info("Schema registry listening on {}:{} (topic {}, Kafka {})",
                    host, server.actualPort(), topic, bootstrapServers);
            return new SchemaRegistry(store, vertx, server);
        } catch (RuntimeException e) {
            if (vertx != null) {
                closeQuietly(vertx);
            }
            store.close();
            throw e;
        }
    }

    /** The base URL for clients' {@code schema.registry.url}, e.g. {@code http://localhost:8081}. */
    public String url() {
        return "http://localhost:" + port();
    }

    public int port() {
        return port;
    }

    /** Stops serving first, then Vert.x and its threads, then the Kafka clients and the reader thread. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            await(server.close(), STOP_TIMEOUT);
        } catch (RuntimeException e) {
            log.warn("Schema registry HTTP server did not close cleanly", e);
        }
        closeQuietly(vertx);
        store.close();
        log.info("Schema registry on port {} stopped", port);
    }

    // Vert.x's caching of class-path files would leave a directory behind; the registry serves no files.
    private static VertxOptions vertxOptions() {
        return new VertxOptions()
                .setEventLoopPoolSize(1)
                .setWorkerPoolSize(2)
                .setFileSystemOptions(new FileSystemOptions()
                        .setClassPathResolvingEnabled(false)
                        .setFileCachingEnabled(false));
    }

    private static void closeQuietly(Vertx vertx) {
        try {
            await(vertx.close(), STOP_TIMEOUT);
        } catch (RuntimeException e) {
            log.warn("Vert.x did not close cleanly", e);
        }
    }

    private static <T> T await(Future<T> future, Duration timeout) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("no answer within " + timeout, e);
        }
    }
}
