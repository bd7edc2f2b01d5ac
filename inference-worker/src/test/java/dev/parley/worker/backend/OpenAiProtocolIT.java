package dev.parley.worker.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.avro.GenerationSettings;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** HttpBackend against a scripted server, for the protocol corners the simulator does not produce. */
@ExtendWith(VertxExtension.class)
class OpenAiProtocolIT {

    /** A turn's generation settings, with a stop sequence that is only whitespace. */
    static final GenerationSettings SETTINGS = new GenerationSettings(5, 0.3, 0.9, List.of("END", "\n\n"));

    private Vertx vertx;
    private HttpServer server;
    private volatile Handler<HttpServerRequest> script;
    private final CompletableFuture<Seen> seen = new CompletableFuture<>();
    private HttpBackend backend;

    /** What the server received. */
    record Seen(String path, String authorization, JsonObject body) {
    }

    @BeforeEach
    void start(Vertx vertx) throws Exception {
        this.vertx = vertx;
        server = vertx.createHttpServer()
            .requestHandler(request -> request.body().onSuccess(body -> {
                seen.complete(new Seen(request.path(), request.getHeader("Authorization"), body.toJsonObject()));
                script.handle(request);
            }))
            .listen(0)
            .await(10, TimeUnit.SECONDS);
        backend = HttpBackend.create(vertx,
            BackendConfig.of("http://localhost:" + server.actualPort() + "/v1/", "default-model"));
    }

    @AfterEach
    void stop() throws Exception {
        backend.close();
        server.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    @DisplayName("the request streams, asks for usage, names the default model and sends the API key")
    void requestShape() throws Exception {
        script = request -> sse(request.response(), "data: [DONE]\n\n");
        HttpBackend keyed = HttpBackend.create(vertx, backend.config().withApiKey("sk-test"));
        try {
            RecordingListener listener = new RecordingListener();
            keyed.stream(new ChatRequest(null, List.of(ChatMessage.system("Be brief."), ChatMessage.user("Hi"))),
                listener);
            listener.awaitCompletion();
            Seen request = seen.get(10, TimeUnit.SECONDS);
            assertEquals("/v1/chat/completions", request.path());
            assertEquals("Bearer sk-test", request.authorization());
            assertEquals(new JsonObject()
                .put("model", "default-model")
                .put("messages", new JsonArray()
                    .add(new JsonObject().put("role", "system").put("content", "Be brief."))
                    .add(new JsonObject().put("role", "user").put("content", "Hi")))
                .put("stream", true)
                .put("stream_options", new JsonObject().put("include_usage", true)), request.body());
        } finally {
            keyed.close();
        }
    }

    @Test
    @DisplayName("the turn's generation settings go as max_tokens, temperature, top_p and stop; length is decoded")
    void generationSettings() throws Exception {
        script = request -> sse(request.response(), chunk("{\"content\":\"One two\"}", null)
            + chunk("{}", "\"length\"") + "data: [DONE]\n\n");
        RecordingListener listener = new RecordingListener();
        backend.stream(request().withGeneration(SETTINGS), listener);
        assertEquals("length", listener.awaitCompletion().finishReason());
        JsonObject body = seen.get(10, TimeUnit.SECONDS).body();
        assertEquals(5, body.getInteger("max_tokens"));
        assertFalse(body.containsKey("max_completion_tokens"));
        assertEquals(0.3, body.getDouble("temperature"));
        assertEquals(0.9, body.getDouble("top_p"));
        assertEquals(new JsonArray().add("END").add("\n\n"), body.getJsonArray("stop"));
    }

    @Test
    @DisplayName("a model named in the request wins, and no key means no Authorization header")
    void explicitModel() throws Exception {
        script = request -> sse(request.response(), "data: [DONE]\n\n");
        RecordingListener listener = new RecordingListener();
        backend.stream(new ChatRequest("llama3.2", List.of(ChatMessage.user("Hi"))), listener);
        listener.awaitCompletion();
        Seen request = seen.get(10, TimeUnit.SECONDS);
        assertEquals("llama3.2", request.body().getString("model"));
        assertEquals(null, request.authorization());
    }

    @Test
    @DisplayName("an event stream cut into 3-byte writes with CRLF and comments still gives the exact text")
    void choppedStream() {
        String stream = ": hello\r\n\r\n"
            + chunk("{\"role\":\"assistant\",\"content\":\"\"}", null).replace("\n", "\r\n")
            + chunk("{\"content\":\"Grüße\"}", null).replace("\n", "\r\n")
            + ": keep-alive\r\n"
            + chunk("{\"content\":\" 世界 🎉\"}", null).replace("\n", "\r\n")
            + chunk("{}", "\"stop\"").replace("\n", "\r\n")
            + "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":2,\"completion_tokens\":2}}\r\n\r\n"
            + "data: [DONE]\r\n\r\n";
        script = request -> {
            HttpServerResponse response = request.response().setChunked(true)
                .putHeader("Content-Type", "text/event-stream");
            writeInPieces(response, stream.getBytes(StandardCharsets.UTF_8), 0, 3);
        };
        RecordingListener listener = new RecordingListener();
        backend.stream(request(), listener);
        RecordingListener.Outcome outcome = listener.awaitCompletion();
        assertEquals("Grüße 世界 🎉", listener.text());
        assertEquals(List.of("Grüße", " 世界 🎉"), listener.tokens());
        assertEquals("stop", outcome.finishReason());
        assertEquals(new TokenUsage(2, 2), outcome.usage());
    }

    @Test
    @DisplayName("a server that ignores stream:true and answers JSON gives its reply as one token")
    void nonStreamingReply() {
        script = request -> request.response().putHeader("Content-Type", "application/json; charset=utf-8")
            .end(new JsonObject()
                .put("object", "chat.completion")
                .put("choices", List.of(new JsonObject()
                    .put("index", 0)
                    .put("message", new JsonObject().put("role", "assistant").put("content", "Whole reply, ünïcode."))
                    .put("finish_reason", "stop")))
                .put("usage", new JsonObject().put("prompt_tokens", 3).put("completion_tokens", 4))
                .encode());
        RecordingListener listener = new RecordingListener();
        backend.stream(request(), listener);
        RecordingListener.Outcome outcome = listener.awaitCompletion();
        assertEquals(List.of("Whole reply, ünïcode."), listener.tokens());
        assertEquals("stop", outcome.finishReason());
        assertEquals(new TokenUsage(3, 4), outcome.usage());
    }

    @Test
    @DisplayName("a finish_reason followed by the end of the response completes even without [DONE]")
    void finishWithoutDone() {
        script = request -> sse(request.response(), chunk("{\"content\":\"Hi\"}", null) + chunk("{}", "\"length\""));
        RecordingListener listener = new RecordingListener();
        backend.stream(request(), listener);
        assertEquals("length", listener.awaitCompletion().finishReason());
        assertEquals("Hi", listener.text());
    }

    @Test
    @DisplayName("an Ollama-style error body names the status and the message")
    void ollamaErrorBody() {
        script = request -> request.response().setStatusCode(404).putHeader("Content-Type", "application/json")
            .end("{\"error\":\"model 'llama9' not found\"}");
        BackendException error = streamAndFail();
        assertTrue(error.getMessage().contains("HTTP 404"), error.getMessage());
        assertTrue(error.getMessage().contains("model 'llama9' not found"), error.getMessage());
        assertEquals(FailureKind.HTTP_4XX, error.kind());
    }

    @Test
    @DisplayName("a chunk that is not JSON is an error, not a silent gap in the reply")
    void malformedChunk() {
        script = request -> sse(request.response(), chunk("{\"content\":\"Hi\"}", null) + "data: {oops\n\n");
        BackendException error = streamAndFail();
        assertTrue(error.getMessage().startsWith("backend default: malformed chunk"), error.getMessage());
    }

    @Test
    @DisplayName("an error event is an error with its message")
    void errorEvent() {
        script = request -> sse(request.response(),
            chunk("{\"content\":\"Hi\"}", null) + "event: error\ndata: {\"error\":{\"message\":\"overloaded\"}}\n\n");
        BackendException error = streamAndFail();
        assertEquals("backend default: error event: overloaded", error.getMessage());
        assertEquals(FailureKind.PROTOCOL, error.kind());
    }

    @Test
    @DisplayName("a stream that ends without finish_reason or [DONE] is incomplete")
    void endsEarly() {
        script = request -> sse(request.response(), chunk("{\"content\":\"Hi\"}", null));
        BackendException error = streamAndFail();
        assertEquals("backend default: stream ended before the reply was complete", error.getMessage());
        assertEquals(FailureKind.PROTOCOL, error.kind());
    }

    @Test
    @DisplayName("HTTP 429, 529 and 500 with OpenAI's error body fail with HTTP_429, OVERLOADED and HTTP_5XX")
    void httpErrors() {
        assertHttpError(429, "{\"error\":{\"message\":\"Rate limit reached for gpt-4o\",\"type\":\"requests\","
            + "\"param\":null,\"code\":\"rate_limit_exceeded\"}}", FailureKind.HTTP_429,
            "backend default: HTTP 429: requests: Rate limit reached for gpt-4o");
        assertHttpError(529, "{\"error\":{\"message\":\"Overloaded\",\"type\":\"server_error\"}}",
            FailureKind.OVERLOADED, "backend default: HTTP 529: server_error: Overloaded");
        assertHttpError(500, "{\"error\":{\"message\":\"The server had an error while processing your request.\","
            + "\"type\":\"server_error\",\"param\":null,\"code\":null}}", FailureKind.HTTP_5XX,
            "backend default: HTTP 500: server_error: The server had an error while processing your request.");
    }

    @Test
    @DisplayName("stream=false asks for a chat.completion without stream_options and gives its content as one token")
    void notStreamed() throws Exception {
        script = request -> request.response().putHeader("Content-Type", "application/json")
            .end("{\"id\":\"chatcmpl-123\",\"object\":\"chat.completion\",\"created\":1677652288,\"model\":\"gpt-4o-mini\","
                + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Hello there, grüß 🎉\"},"
                + "\"logprobs\":null,\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":12,\"total_tokens\":21}}");
        HttpBackend whole = HttpBackend.create(vertx, backend.config().withStream(false));
        try {
            RecordingListener listener = new RecordingListener();
            whole.stream(request(), listener);
            RecordingListener.Outcome outcome = listener.awaitCompletion();
            assertEquals(List.of("Hello there, grüß 🎉"), listener.tokens());
            assertEquals(new TokenUsage(9, 12), outcome.usage());
            JsonObject body = seen.get(10, TimeUnit.SECONDS).body();
            assertEquals(false, body.getBoolean("stream"));
            assertEquals(null, body.getValue("stream_options"));
        } finally {
            whole.close();
        }
    }

    private void assertHttpError(int status, String body, FailureKind kind, String message) {
        script = request -> request.response().setStatusCode(status).putHeader("Content-Type", "application/json")
            .end(body);
        BackendException error = streamAndFail();
        assertEquals(kind, error.kind(), error.getMessage());
        assertEquals(message, error.getMessage());
    }

    private BackendException streamAndFail() {
        RecordingListener listener = new RecordingListener();
        backend.stream(request(), listener);
        BackendException error = listener.awaitError();
        listener.assertContractKept();
        return error;
    }

    private void writeInPieces(HttpServerResponse response, byte[] bytes, int from, int size) {
        if (from >= bytes.length) {
            response.end();
            return;
        }
        int to = Math.min(bytes.length, from + size);
        response.write(Buffer.buffer(Arrays.copyOfRange(bytes, from, to)));
        // a timer between pieces so they leave as separate TCP segments rather than one coalesced write
        vertx.setTimer(1, id -> writeInPieces(response, bytes, to, size));
    }

    private static void sse(HttpServerResponse response, String body) {
        response.putHeader("Content-Type", "text/event-stream").end(body);
    }

    private static String chunk(String delta, String finishReason) {
        return "data: {\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":" + finishReason
            + "}]}\n\n";
    }

    private static ChatRequest request() {
        return new ChatRequest(null, List.of(ChatMessage.user("Hi")));
    }
}
