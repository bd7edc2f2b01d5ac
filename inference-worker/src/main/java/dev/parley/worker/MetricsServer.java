package dev.parley.worker;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The worker's Prometheus scrape endpoint: {@code GET /metrics} in the Prometheus text format. */
final class MetricsServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MetricsServer.class);
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpServer server;

    private MetricsServer(HttpServer server) {
        this.server = server;
    }

    /** Listens on host:port (0 for any free port); blocks until it does. */
    static MetricsServer start(Vertx vertx, PrometheusMeterRegistry registry, String host, int port) {
        HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port))
            .requestHandler(request -> {
                if (!request.path().equals("/metrics")) {
                    request.response().setStatusCode(404).putHeader("content-type", "application/json")
                        .end("{\"error\":{\"code\":\"not_found\",\"message\":\"the worker serves /metrics only\"}}");
                    return;
                }
                vertx.executeBlocking(registry::scrape, false).onComplete(ar -> {
                    if (ar.succeeded()) {
                        request.response().putHeader("content-type", CONTENT_TYPE).end(ar.result());
                    } else {
                        request.response().setStatusCode(500).end();
                    }
                });
            });
        try {
            server.listen().await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("the worker's metrics endpoint could not listen on " + host + ":" + port
                + " (" + WorkerConfig.METRICS_PORT + "): " + e.getMessage(), e);
        }
        log.info("Worker metrics at http://{}:{}/metrics", host, server.actualPort());
        return new MetricsServer(server);
    }

    int port() {
        return server.actualPort();
    }

    @Override
    public void close() {
        try {
            server.close().await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("closing the metrics endpoint failed: {}", e.toString());
        }
    }
}
