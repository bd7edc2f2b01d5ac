package dev.parley.worker.backend;

import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A real HTTP server on a random port that answers each request with a script, records what it received, and
 * records when the client closed the connection (System.nanoTime()), so tests can see an upstream cancel.
 */
final class ScriptedServer implements AutoCloseable {

    /** What the server received. */
    record Seen(String path, MultiMap headers, JsonObject body) {
    }

    private final Vertx vertx;
    private final HttpServer server;
    private volatile Handler<HttpServerRequest> script = request -> { };
    private final CompletableFuture<Seen> seen = new CompletableFuture<>();
    private final CompletableFuture<Long> closedNanos = new CompletableFuture<>();

    private ScriptedServer(Vertx vertx) throws Exception {
        this.vertx = vertx;
        this.server = vertx.createHttpServer()
            .requestHandler(request -> {
                request.connection().closeHandler(v -> closedNanos.complete(System.nanoTime()));
                request.body().onSuccess(body -> {
                    seen.complete(new Seen(request.path(), request.headers(), body.toJsonObject()));
                    script.handle(request);
                });
            })
            .listen(0)
            .await(10, TimeUnit.SECONDS);
    }

    static ScriptedServer start(Vertx vertx) throws Exception {
        return new ScriptedServer(vertx);
    }

    /** The URL a backend config names: the server root, without a trailing slash. */
    String baseUrl() {
        return "http://localhost:" + server.actualPort();
    }

    void script(Handler<HttpServerRequest> script) {
        this.script = script;
    }

    /** Waits for the first request to arrive whole. */
    Seen awaitRequest() {
        return await(seen, "no request arrived");
    }

    /** Waits for the client to close the connection of the first request; returns when it did, in nanoTime. */
    long awaitClose() {
        return await(closedNanos, "the client did not close the connection");
    }

    /** Answers with this status and body, e.g. a vendor's error body. */
    static void respond(HttpServerRequest request, int status, String contentType, String body) {
        request.response().setStatusCode(status).putHeader("Content-Type", contentType).end(body);
    }

    /**
     * Writes the body in pieces of 1, 2, ... 7, 1, 2, ... bytes, a timer between them so they leave as separate
     * TCP segments: lines, JSON and multi-byte UTF-8 characters get cut everywhere. Ends the response if asked.
     */
    void writeInPieces(HttpServerResponse response, String body, boolean end) {
        writeInPieces(response, body.getBytes(StandardCharsets.UTF_8), 0, 0, end);
    }

    private void writeInPieces(HttpServerResponse response, byte[] bytes, int from, int piece, boolean end) {
        if (from >= bytes.length) {
            if (end) {
                response.end();
            }
            return;
        }
        int to = Math.min(bytes.length, from + 1 + piece % 7);
        response.write(Buffer.buffer(Arrays.copyOfRange(bytes, from, to)));
        vertx.setTimer(1, id -> writeInPieces(response, bytes, to, piece + 1, end));
    }

    /** Starts a chunked response with the status line and headers only, no body yet. */
    static HttpServerResponse head(HttpServerRequest request, String contentType) {
        HttpServerResponse response = request.response().setChunked(true).putHeader("Content-Type", contentType);
        response.writeHead();
        return response;
    }

    private static <T> T await(CompletableFuture<T> future, String failure) {
        try {
            return future.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(failure, e);
        }
    }

    @Override
    public void close() throws Exception {
        server.close().await(10, TimeUnit.SECONDS);
    }
}
