package dev.parley.ingest.support;

import dev.parley.ingest.IngestConfig;
import dev.parley.ingest.IngestService;
import dev.parley.ingest.health.WorkerPresence;
import io.vertx.core.Vertx;

/** A running gateway for a test class: its own Vert.x, the service, and an HTTP client for its API. */
public final class Gateway implements AutoCloseable {

    private final Vertx vertx;
    private final IngestConfig config;
    private final WorkerPresence workers;
    private IngestService service;
    private Api api;

    private Gateway(IngestConfig config, WorkerPresence workers) {
        this.vertx = Vertx.vertx();
        this.config = config;
        this.workers = workers;
        this.service = launch();
        this.api = new Api(service.port());
    }

    public static Gateway start(IngestConfig config) {
        return new Gateway(config, null);
    }

    /** A gateway whose /health/ready asks {@code workers} who holds the ledger instead of the worker group. */
    public static Gateway start(IngestConfig config, WorkerPresence workers) {
        return new Gateway(config, workers);
    }

    private IngestService launch() {
        return workers == null ? IngestService.start(vertx, config) : IngestService.start(vertx, config, workers);
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
        service = launch();
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
