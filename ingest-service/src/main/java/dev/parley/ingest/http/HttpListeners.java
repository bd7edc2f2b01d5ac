package dev.parley.ingest.http;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The gateway's HTTP servers: one per event loop on the same port, so Vert.x hands new connections to them in
 * turn. With one server every connection was served by one event loop: in the bench's fan-out (2,000 SSE
 * clients, 37,000 events a second) every event waited in that one loop's queue while the other core had room.
 */
public final class HttpListeners {

    private final Vertx vertx;
    private final String deployment;
    private final int port;

    private HttpListeners(Vertx vertx, String deployment, int port) {
        this.vertx = vertx;
        this.deployment = deployment;
        this.port = port;
    }

    /**
     * Listens on {@code port} (0: a free one) with {@code count} servers, each on an event loop of its own;
     * completes once all of them listen.
     */
    public static Future<HttpListeners> listen(Vertx vertx, HttpServerOptions options,
                                               Handler<HttpServerRequest> handler, int port, int count) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1: " + count);
        }
        // Vert.x shares one random port among the servers that ask for the same negative port
        int shared = port == 0 ? -1 : port;
        AtomicInteger actualPort = new AtomicInteger();
        return vertx.deployVerticle(() -> new Listener(options, handler, shared, actualPort),
                        new DeploymentOptions().setInstances(count))
                .map(deployment -> new HttpListeners(vertx, deployment, actualPort.get()));
    }

    /** The port every server listens on. */
    public int port() {
        return port;
    }

    /** Stops listening; connections already open are closed. */
    public Future<Void> close() {
        return vertx.undeploy(deployment);
    }

    private static final class Listener extends VerticleBase {

        private final HttpServerOptions options;
        private final Handler<HttpServerRequest> handler;
        private final int port;
        private final AtomicInteger actualPort;

        Listener(HttpServerOptions options, Handler<HttpServerRequest> handler, int port, AtomicInteger actualPort) {
            this.options = options;
            this.handler = handler;
            this.port = port;
            this.actualPort = actualPort;
        }

        @Override
        public Future<?> start() {
            // listen(port) alone would bind every interface, whatever the options' host says
            return vertx.createHttpServer(options).requestHandler(handler)
                    .invalidRequestHandler(RouterErrors::invalidRequest) // else 400, 414, 431 have no body
                    .connectionHandler(HttpVersionGuard::install) // else another HTTP version gets an empty 501
                    .listen(port, options.getHost())
                    .onSuccess(server -> actualPort.set(server.actualPort()));
        }
    }
}
