package dev.parley.worker.backend;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The lifecycle every protocol shares: timeouts and cancel, each closing the upstream connection. */
@ExtendWith(VertxExtension.class)
class HttpBackendLifecycleIT {

    private static final Duration SHORT = Duration.ofMillis(300);
    /** The bound from cancel() to the server seeing the connection close. */
    private static final long CANCEL_CLOSE_BOUND_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    private Vertx vertx;
    private ScriptedServer server;
    private HttpBackend backend;

    @BeforeEach
    void start(Vertx vertx) throws Exception {
        this.vertx = vertx;
        server = ScriptedServer.start(vertx);
    }

    @AfterEach
    void stop() throws Exception {
        if (backend != null) {
            backend.close();
        }
        server.close();
    }

    @ParameterizedTest
    @EnumSource(BackendKind.class)
    @DisplayName("headers but no token within the first-token timeout is FIRST_TOKEN_TIMEOUT, and the upstream closes")
    void firstTokenTimeout(BackendKind kind) {
        backend = backend(kind, config -> config.withFirstTokenTimeout(SHORT));
        server.script(request -> ScriptedServer.head(request, contentType(kind)));
        RecordingListener listener = stream();
        BackendException error = listener.awaitError();
        assertEquals(FailureKind.FIRST_TOKEN_TIMEOUT, error.kind(), error.getMessage());
        assertEquals("backend " + kind.catalogueName() + ": no first token within 300ms", error.getMessage());
        server.awaitClose();
        listener.assertContractKept();
    }

    @ParameterizedTest
    @EnumSource(BackendKind.class)
    @DisplayName("one token and then silence is IDLE_STALL after the idle timeout, and the upstream closes")
    void idleStall(BackendKind kind) {
        backend = backend(kind, config -> config.withIdleTimeout(SHORT));
        server.script(request -> ScriptedServer.head(request, contentType(kind)).write(token(kind, "Hello")));
        RecordingListener listener = stream();
        BackendException error = listener.awaitError();
        assertEquals(FailureKind.IDLE_STALL, error.kind(), error.getMessage());
        assertEquals("backend " + kind.catalogueName() + ": stalled: no data for 300ms", error.getMessage());
        assertEquals(List.of("Hello"), listener.tokens());
        server.awaitClose();
        listener.assertContractKept();
    }

    @ParameterizedTest
    @EnumSource(BackendKind.class)
    @DisplayName("a stream that never ends is TOTAL_TIMEOUT after the total timeout, and the upstream closes")
    void totalTimeout(BackendKind kind) {
        backend = backend(kind, config -> config.withTotalTimeout(Duration.ofMillis(500)));
        server.script(request -> tokenEvery20Ms(request, kind));
        RecordingListener listener = stream();
        BackendException error = listener.awaitError();
        assertEquals(FailureKind.TOTAL_TIMEOUT, error.kind(), error.getMessage());
        assertEquals("backend " + kind.catalogueName() + ": no complete reply within 500ms", error.getMessage());
        assertTrue(listener.tokenCount() > 0);
        server.awaitClose();
        listener.assertContractKept();
    }

    @ParameterizedTest
    @EnumSource(BackendKind.class)
    @DisplayName("cancel before the response headers (for Ollama: while the prompt is processed) closes the upstream within 250 ms")
    void cancelBeforeHeaders(BackendKind kind) {
        backend = backend(kind, config -> config);
        server.script(request -> { });
        RecordingListener listener = new RecordingListener();
        Generation generation = backend.stream(request(), listener);
        server.awaitRequest();
        assertCancelClosesUpstream(generation, listener);
    }

    @ParameterizedTest
    @EnumSource(BackendKind.class)
    @DisplayName("cancel after the headers, before the first token, closes the upstream within 250 ms")
    void cancelBeforeFirstToken(BackendKind kind) throws Exception {
        backend = backend(kind, config -> config);
        CompletableFuture<Void> headersSent = new CompletableFuture<>();
        server.script(request -> request.response().setChunked(true).putHeader("Content-Type", contentType(kind))
            .writeHead().onComplete(ar -> headersSent.complete(null)));
        RecordingListener listener = new RecordingListener();
        Generation generation = backend.stream(request(), listener);
        headersSent.get(10, TimeUnit.SECONDS);
        assertCancelClosesUpstream(generation, listener);
    }

    @ParameterizedTest
    @EnumSource(BackendKind.class)
    @DisplayName("cancel mid-stream closes the upstream within 250 ms, and no callback follows")
    void cancelMidStream(BackendKind kind) {
        backend = backend(kind, config -> config);
        server.script(request -> tokenEvery20Ms(request, kind));
        RecordingListener listener = new RecordingListener();
        Generation generation = backend.stream(request(), listener);
        await().until(() -> listener.tokenCount() >= 2);
        assertCancelClosesUpstream(generation, listener);
    }

    private void assertCancelClosesUpstream(Generation generation, RecordingListener listener) {
        long cancelledAt = System.nanoTime();
        generation.cancel();
        long closedAt = server.awaitClose();
        long elapsed = closedAt - cancelledAt;
        assertTrue(elapsed <= CANCEL_CLOSE_BOUND_NANOS,
            "upstream closed " + TimeUnit.NANOSECONDS.toMillis(elapsed) + " ms after cancel()");
        int tokens = listener.tokenCount();
        await().during(SHORT).atMost(SHORT.multipliedBy(3))
            .until(() -> listener.tokenCount() == tokens && !listener.ended());
        listener.assertContractKept();
    }

    private void tokenEvery20Ms(HttpServerRequest request, BackendKind kind) {
        HttpServerResponse response = ScriptedServer.head(request, contentType(kind));
        long timer = vertx.setPeriodic(20, id -> response.write(token(kind, "word ")));
        response.closeHandler(v -> vertx.cancelTimer(timer));
    }

    private HttpBackend backend(BackendKind kind, java.util.function.UnaryOperator<BackendConfig> tune) {
        return HttpBackend.create(vertx, tune.apply(
            BackendConfig.of(kind.catalogueName(), kind, server.baseUrl(), "model").withApiKey("key")));
    }

    private RecordingListener stream() {
        RecordingListener listener = new RecordingListener();
        backend.stream(request(), listener);
        return listener;
    }

    private static ChatRequest request() {
        return new ChatRequest(null, List.of(ChatMessage.user("Hi")));
    }

    private static String contentType(BackendKind kind) {
        return kind == BackendKind.OLLAMA ? "application/x-ndjson" : "text/event-stream";
    }

    /** One text token in the kind's wire format. */
    private static String token(BackendKind kind, String text) {
        return switch (kind) {
            case OPENAI -> "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + text
                + "\"},\"finish_reason\":null}]}\n\n";
            case OLLAMA -> "{\"model\":\"model\",\"message\":{\"role\":\"assistant\",\"content\":\"" + text
                + "\"},\"done\":false}\n";
            case ANTHROPIC -> "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
                + "\"delta\":{\"type\":\"text_delta\",\"text\":\"" + text + "\"}}\n\n";
        };
    }
}
