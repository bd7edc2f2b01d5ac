package dev.parley.postprocess;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A loopback HTTP server for tests of HTTP clients (embedders, LLM summarizer and extractor), fresh for each test when
 * registered with {@code @RegisterExtension}: answers every request with one canned reply and records the last
 * request. A hanging request is released when the server stops, at the latest when the test ends.
 */
public final class StubHttpServer implements BeforeEachCallback, AfterEachCallback {

    private HttpServer server;
    private ExecutorService executor;
    private CountDownLatch closing;
    private URI baseUrl;
    private boolean stopped;
    private final AtomicInteger requests = new AtomicInteger();

    private volatile int status = 200;
    private volatile String reply = "{}";
    private volatile boolean hang;

    private volatile String lastMethod;
    private volatile String lastPath;
    private volatile String lastBody;
    private volatile String lastAuthorization;
    private volatile String lastContentType;

    public StubHttpServer() {
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        executor = Executors.newCachedThreadPool();
        closing = new CountDownLatch(1);
        stopped = false;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        baseUrl = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @Override
    public void afterEach(ExtensionContext context) throws InterruptedException {
        stop();
        executor.shutdownNow();
        executor.awaitTermination(5, TimeUnit.SECONDS);
    }

    /**
     * The server's root, e.g. {@code http://127.0.0.1:40123}; append a path with
     * {@code URI.create(server.baseUrl() + "/v1")}. Still answers after {@link #stop()}, naming the now closed port.
     */
    public URI baseUrl() {
        if (baseUrl == null) {
            throw new IllegalStateException("not started: register the stub server with @RegisterExtension");
        }
        return baseUrl;
    }

    /**
     * Releases hanging requests and closes the port, so later connections to {@link #baseUrl()} are refused.
     * Safe to call more than once; the extension calls it after each test.
     */
    public void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        // let hanging handlers return before the server waits for its exchanges to finish
        closing.countDown();
        server.stop(0);
    }

    /** Answers every following request with this status and body (served as JSON). */
    public StubHttpServer answer(int status, String reply) {
        this.status = status;
        this.reply = reply;
        this.hang = false;
        return this;
    }

    /** Reads each request, then never answers until the server stops. */
    public StubHttpServer hang() {
        this.hang = true;
        return this;
    }

    /** How many requests reached the server. */
    public int requests() {
        return requests.get();
    }

    public String lastMethod() {
        return lastMethod;
    }

    public String lastPath() {
        return lastPath;
    }

    public String lastBody() {
        return lastBody;
    }

    public String lastAuthorization() {
        return lastAuthorization;
    }

    public String lastContentType() {
        return lastContentType;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            lastMethod = exchange.getRequestMethod();
            lastPath = exchange.getRequestURI().getPath();
            lastBody = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            lastAuthorization = exchange.getRequestHeaders().getFirst("Authorization");
            lastContentType = exchange.getRequestHeaders().getFirst("Content-Type");
            requests.incrementAndGet();
            if (hang) {
                closing.await(30, TimeUnit.SECONDS);
                return;
            }
            byte[] bytes = reply.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
