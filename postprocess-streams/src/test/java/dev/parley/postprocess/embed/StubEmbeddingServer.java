package dev.parley.postprocess.embed;

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
 * A loopback HTTP server for embedder tests, fresh for each test when registered with {@code @RegisterExtension}:
 * answers every request with one canned reply and records the last request.
 */
final class StubEmbeddingServer implements BeforeEachCallback, AfterEachCallback {

    private HttpServer server;
    private ExecutorService executor;
    private CountDownLatch closing;
    private final AtomicInteger requests = new AtomicInteger();

    private volatile int status = 200;
    private volatile String reply = "{}";
    private volatile boolean hang;

    private volatile String lastMethod;
    private volatile String lastPath;
    private volatile String lastBody;
    private volatile String lastAuthorization;
    private volatile String lastContentType;

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        executor = Executors.newCachedThreadPool();
        closing = new CountDownLatch(1);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        // let hanging handlers return before the server waits for its exchanges to finish
        closing.countDown();
        server.stop(0);
        executor.shutdownNow();
    }

    /** The server's root, e.g. {@code http://127.0.0.1:40123}. */
    URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    StubEmbeddingServer answer(int status, String reply) {
        this.status = status;
        this.reply = reply;
        this.hang = false;
        return this;
    }

    /** Reads each request, then never answers until the server closes. */
    StubEmbeddingServer hang() {
        this.hang = true;
        return this;
    }

    int requests() {
        return requests.get();
    }

    String lastMethod() {
        return lastMethod;
    }

    String lastPath() {
        return lastPath;
    }

    String lastBody() {
        return lastBody;
    }

    String lastAuthorization() {
        return lastAuthorization;
    }

    String lastContentType() {
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
