package dev.parley.worker.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.avro.GenerationSettings;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** HttpBackend with the Anthropic Messages protocol against a server writing the documented event stream. */
@ExtendWith(VertxExtension.class)
class AnthropicProtocolIT {

    /** A turn's generation settings, with a stop sequence that is only whitespace. */
    static final GenerationSettings SETTINGS = new GenerationSettings(5, 0.3, 0.9, List.of("END", "\n\n"));

    /** The streaming example of Anthropic's docs (build-with-claude/streaming), with a thinking block and ünïcode. */
    static final String STREAM = """
        event: message_start
        data: {"type": "message_start", "message": {"id": "msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY", "type": "message", "role": "assistant", "content": [], "model": "claude-sonnet-4-5", "stop_reason": null, "stop_sequence": null, "usage": {"input_tokens": 25, "output_tokens": 1}}}

        event: content_block_start
        data: {"type": "content_block_start", "index": 0, "content_block": {"type": "thinking", "thinking": ""}}

        event: content_block_delta
        data: {"type": "content_block_delta", "index": 0, "delta": {"type": "thinking_delta", "thinking": "Let me solve this step by step:\\n\\n1. First break down 27 * 453"}}

        event: content_block_delta
        data: {"type": "content_block_delta", "index": 0, "delta": {"type": "thinking_delta", "thinking": "\\n2. 453 = 400 + 50 + 3"}}

        event: content_block_delta
        data: {"type": "content_block_delta", "index": 0, "delta": {"type": "signature_delta", "signature": "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds..."}}

        event: content_block_stop
        data: {"type": "content_block_stop", "index": 0}

        event: content_block_start
        data: {"type": "content_block_start", "index": 1, "content_block": {"type": "text", "text": ""}}

        event: ping
        data: {"type": "ping"}

        event: content_block_delta
        data: {"type": "content_block_delta", "index": 1, "delta": {"type": "text_delta", "text": "Hello"}}

        event: content_block_delta
        data: {"type": "content_block_delta", "index": 1, "delta": {"type": "text_delta", "text": "! Grüße, 世界 🎉"}}

        event: content_block_stop
        data: {"type": "content_block_stop", "index": 1}

        event: message_delta
        data: {"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence":null}, "usage": {"output_tokens": 15}}

        event: message_stop
        data: {"type": "message_stop"}

        """;

    static final String OVERLOADED = "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}";

    private ScriptedServer server;
    private HttpBackend backend;
    private BackendConfig config;

    @BeforeEach
    void start(Vertx vertx) throws Exception {
        server = ScriptedServer.start(vertx);
        config = BackendConfig.of("claude", BackendKind.ANTHROPIC, server.baseUrl(), "claude-sonnet-4-5")
            .withApiKey("sk-ant-test");
        backend = HttpBackend.create(vertx, config);
    }

    @AfterEach
    void stop() throws Exception {
        backend.close();
        server.close();
    }

    @Test
    @DisplayName("the documented stream, cut every 1..7 bytes, gives the text, the thinking, end_turn as stop and the usage")
    void documentedStream() {
        server.script(request -> server.writeInPieces(ScriptedServer.head(request, "text/event-stream"), STREAM, true));
        RecordingListener listener = stream(backend);
        RecordingListener.Outcome outcome = listener.awaitCompletion();
        assertEquals("Hello! Grüße, 世界 🎉", listener.text());
        assertEquals(List.of("Hello", "! Grüße, 世界 🎉"), listener.tokens());
        assertEquals("Let me solve this step by step:\n\n1. First break down 27 * 453\n2. 453 = 400 + 50 + 3",
            listener.reasoning());
        assertEquals("stop", outcome.finishReason());
        assertEquals(new TokenUsage(25, 15), outcome.usage());
        listener.assertContractKept();
    }

    @Test
    @DisplayName("the request goes to /v1/messages with x-api-key and anthropic-version, system apart, same roles merged")
    void requestShape() {
        server.script(request -> request.response().putHeader("Content-Type", "text/event-stream").end(STREAM));
        RecordingListener listener = new RecordingListener();
        backend.stream(new ChatRequest(null, List.of(ChatMessage.system("Be brief."), ChatMessage.user("Hi"),
            ChatMessage.user("Still there?"), ChatMessage.assistant("Yes."), ChatMessage.user("Good."))), listener);
        listener.awaitCompletion();
        ScriptedServer.Seen seen = server.awaitRequest();
        assertEquals("/v1/messages", seen.path());
        assertEquals("sk-ant-test", seen.headers().get("x-api-key"));
        assertEquals("2023-06-01", seen.headers().get("anthropic-version"));
        assertEquals("application/json", seen.headers().get("content-type"));
        assertNull(seen.headers().get("Authorization"));
        assertEquals(new JsonObject()
            .put("model", "claude-sonnet-4-5")
            .put("max_tokens", AnthropicProtocol.MAX_TOKENS)
            .put("stream", true)
            .put("system", "Be brief.")
            .put("messages", new JsonArray()
                .add(message("user", "Hi", "Still there?"))
                .add(message("assistant", "Yes."))
                .add(message("user", "Good."))), seen.body());
    }

    @Test
    @DisplayName("the turn's max tokens replace the default; temperature, top_p and stop_sequences are sent")
    void generationSettings() {
        server.script(request -> request.response().putHeader("Content-Type", "text/event-stream")
            .end(STREAM.replace("\"stop_reason\": \"end_turn\"", "\"stop_reason\": \"max_tokens\"")));
        RecordingListener listener = new RecordingListener();
        backend.stream(new ChatRequest(null, List.of(ChatMessage.user("Hi"))).withGeneration(SETTINGS), listener);
        assertEquals("length", listener.awaitCompletion().finishReason());
        JsonObject body = server.awaitRequest().body();
        assertEquals(5, body.getInteger("max_tokens"));
        assertEquals(0.3, body.getDouble("temperature"));
        assertEquals(0.9, body.getDouble("top_p"));
        assertEquals(new JsonArray().add("END").add("\n\n"), body.getJsonArray("stop_sequences"));
    }

    @Test
    @DisplayName("without max tokens the default is sent; an OpenAI temperature above 1 is sent as Anthropic's 1")
    void temperatureWithinAnthropicsRange() {
        server.script(request -> request.response().putHeader("Content-Type", "text/event-stream").end(STREAM));
        RecordingListener hot = new RecordingListener();
        backend.stream(new ChatRequest(null, List.of(ChatMessage.user("Hi")))
            .withGeneration(new GenerationSettings(null, 1.7, null, List.of())), hot);
        assertEquals("stop", hot.awaitCompletion().finishReason());
        JsonObject second = server.awaitRequest().body();
        assertEquals(AnthropicProtocol.MAX_TOKENS, second.getInteger("max_tokens"));
        assertEquals(1.0, second.getDouble("temperature"));
        assertFalse(second.containsKey("top_p") || second.containsKey("stop_sequences"));
    }

    @Test
    @DisplayName("an overloaded_error event mid-stream is an OVERLOADED failure after the text before it")
    void overloadedEvent() {
        String cut = STREAM.substring(0, STREAM.indexOf("event: content_block_stop\ndata: {\"type\": \"content_block_stop\", \"index\": 1}"));
        server.script(request -> server.writeInPieces(ScriptedServer.head(request, "text/event-stream"),
            cut + "event: error\ndata: " + OVERLOADED + "\n\n", true));
        RecordingListener listener = stream(backend);
        BackendException error = listener.awaitError();
        assertEquals(FailureKind.OVERLOADED, error.kind());
        assertEquals("backend claude: error event: overloaded_error: Overloaded", error.getMessage());
        assertEquals("Hello! Grüße, 世界 🎉", listener.text());
        listener.assertContractKept();
    }

    @Test
    @DisplayName("HTTP 529, 429 and 500 with Anthropic's error body fail with OVERLOADED, HTTP_429 and HTTP_5XX")
    void httpErrors() throws Exception {
        assertHttpError(529, OVERLOADED, FailureKind.OVERLOADED, "backend claude: HTTP 529: overloaded_error: Overloaded");
        assertHttpError(429, "{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"Number of request tokens has exceeded your per-minute rate limit\"}}",
            FailureKind.HTTP_429,
            "backend claude: HTTP 429: rate_limit_error: Number of request tokens has exceeded your per-minute rate limit");
        assertHttpError(500, "{\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"Internal server error\"}}",
            FailureKind.HTTP_5XX, "backend claude: HTTP 500: api_error: Internal server error");
        assertHttpError(401, "{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":\"invalid x-api-key\"}}",
            FailureKind.HTTP_4XX, "backend claude: HTTP 401: authentication_error: invalid x-api-key");
    }

    @Test
    @DisplayName("a stream cut before message_stop and message_delta is a PROTOCOL failure")
    void cutStream() {
        String cut = STREAM.substring(0, STREAM.indexOf("event: message_delta"));
        server.script(request -> server.writeInPieces(ScriptedServer.head(request, "text/event-stream"), cut, true));
        RecordingListener listener = stream(backend);
        BackendException error = listener.awaitError();
        assertEquals(FailureKind.PROTOCOL, error.kind());
        assertEquals("backend claude: stream ended before the reply was complete", error.getMessage());
        assertEquals("Hello! Grüße, 世界 🎉", listener.text());
    }

    @Test
    @DisplayName("stream=false asks for one Message and gives its text blocks as one token")
    void notStreamed(Vertx vertx) {
        // the Messages API's documented response, with a thinking block and two text blocks
        String reply = """
            {"id":"msg_013Zva2CMHLNnXjNJJKqJ2EF","type":"message","role":"assistant","model":"claude-sonnet-4-5",
             "content":[{"type":"thinking","thinking":"Simple greeting.","signature":"EqQB..."},
                        {"type":"text","text":"Hi! My name is Claude. "},{"type":"text","text":"Grüße 🎉"}],
             "stop_reason":"max_tokens","stop_sequence":null,"usage":{"input_tokens":2095,"output_tokens":503}}""";
        server.script(request -> ScriptedServer.respond(request, 200, "application/json", reply));
        HttpBackend whole = HttpBackend.create(vertx, config.withStream(false));
        try {
            RecordingListener listener = stream(whole);
            RecordingListener.Outcome outcome = listener.awaitCompletion();
            assertEquals(List.of("Hi! My name is Claude. Grüße 🎉"), listener.tokens());
            assertEquals("Simple greeting.", listener.reasoning());
            assertEquals("length", outcome.finishReason());
            assertEquals(new TokenUsage(2095, 503), outcome.usage());
            assertEquals(false, server.awaitRequest().body().getBoolean("stream"));
        } finally {
            whole.close();
        }
    }

    private void assertHttpError(int status, String body, FailureKind kind, String message) throws Exception {
        server.script(request -> ScriptedServer.respond(request, status, "application/json", body));
        RecordingListener listener = stream(backend);
        BackendException error = listener.awaitError();
        assertEquals(kind, error.kind(), error.getMessage());
        assertEquals(message, error.getMessage());
        assertTrue(listener.tokens().isEmpty());
        listener.assertContractKept();
    }

    private static JsonObject message(String role, String... texts) {
        JsonArray content = new JsonArray();
        for (String text : texts) {
            content.add(new JsonObject().put("type", "text").put("text", text));
        }
        return new JsonObject().put("role", role).put("content", content);
    }

    private static RecordingListener stream(HttpBackend target) {
        RecordingListener listener = new RecordingListener();
        target.stream(new ChatRequest(null, List.of(ChatMessage.user("What is 27 * 453?"))), listener);
        return listener;
    }
}
