package dev.parley.schemas.telemetry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A service's Prometheus scrape endpoint on a port of its own: {@code GET /metrics}, nothing else. An internal
 * endpoint (loopback by default), apart from the public API, so it needs no credential and a load balancer in
 * front of the API never exposes it. The JDK's own HTTP server on one thread: a scrape never touches an event
 * loop of the service.
 */
public final class MetricsEndpoint implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MetricsEndpoint.class);
    public static final String PATH = "/metrics";
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpServer server;
    private final ExecutorService thread;

    private MetricsEndpoint(HttpServer server, ExecutorService thread) {
        this.server = server;
        this.thread = thread;
    }

    /**
     * Listens on host:port (0: a free port) and answers each scrape with {@code scrape}'s text.
     *
     * @param setting the setting naming the port, for the error when it cannot listen
     */
    public static MetricsEndpoint start(String service, Supplier<String> scrape, String host, int port,
                                        String setting) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 0);
        } catch (IOException e) {
            throw new IllegalStateException("the " + service + "'s metrics endpoint could not listen on " + host
                + ":" + port + " (" + setting + "): " + e.getMessage(), e);
        }
        ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "parley-metrics-" + service);
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(thread);
        server.createContext("/", exchange -> answer(exchange, scrape));
        server.start();
        log.info("{} metrics at http://{}:{}{}", service, host, server.getAddress().getPort(), PATH);
        return new MetricsEndpoint(server, thread);
    }

    private static void answer(HttpExchange exchange, Supplier<String> scrape) throws IOException {
        try (exchange) {
            boolean known = exchange.getRequestURI().getPath().equals(PATH);
            boolean get = exchange.getRequestMethod().equals("GET") || exchange.getRequestMethod().equals("HEAD");
            if (!known || !get) {
                send(exchange, known ? 405 : 404, "application/json", "{\"error\":{\"code\":\""
                    + (known ? "method_not_allowed" : "not_found") + "\",\"message\":\"GET " + PATH + " only\"}}");
                return;
            }
            send(exchange, 200, CONTENT_TYPE, scrape.get());
        } catch (UncheckedIOException e) {
            log.debug("a metrics client went away: {}", e.toString());
        }
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        thread.shutdownNow();
    }
}
