package dev.parley.ingest.support;

import dev.parley.ingest.IngestConfig;
import dev.parley.ingest.IngestService;
import io.vertx.core.Vertx;

/** A running gateway for a test class: its own Vert.x, the service, and an HTTP client for its API. */
public final class Gateway implements AutoCloseable {

    private final Vertx vertx;
    private final IngestConfig config;
    private IngestService service;
    private Api api;

    private Gateway(IngestConfig config) {
        this.vertx = Vertx.vertx();
        this.config = config;
        this.service = IngestService.start(vertx, config);
        this.api = new Api(service.port());
    }

    public static Gateway start(IngestConfig config) {
        return new Gateway(config);
    }

    public IngestService service() {
        return service;
    }

    public Api api() {
        return api;
    }

    /** Stops the service and starts a new one with the same settings: all in-memory state is gone. */
    public void restart() {
        service.close();
        service = IngestService.start(vertx, config);
        api = new Api(service.port());
    }

    @Override
    public void close() {
        if (service != null) {
            service.close();
        }
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }
}
