package dev.parley.worker.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.avro.GenerationSettings;
import dev.parley.worker.batch.BatchPrompt;
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

/** HttpBackend with Ollama's native chat protocol against a server writing the documented NDJSON lines. */
@ExtendWith(VertxExtension.class)
class OllamaProtocolIT {

    /** A turn's generation settings, with a stop sequence that is only whitespace. */
    static final GenerationSettings SETTINGS = new GenerationSettings(5, 0.3, 0.9, List.of("END", "\n\n"));

    /** The streaming example of Ollama's docs/api.md ("Chat request (streaming)"), with a thinking line and ünïcode. */
    static final String STREAM = """
        {"model":"llama3.2","created_at":"2023-08-04T08:52:19.385406455-07:00","message":{"role":"assistant","content":"","thinking":"The user greets."},"done":false}
        {"model":"llama3.2","created_at":"2023-08-04T08:52:19.385406455-07:00","message":{"role":"assistant","content":"The","images":null},"done":false}
        {"model":"llama3.2","created_at":"2023-08-04T08:52:19.385406455-07:00","message":{"role":"assistant","content":" sky is blue, grüß 世界 🎉"},"done":false}
        {"model":"llama3.2","created_at":"2023-08-04T19:22:45.499127Z","message":{"role":"assistant","content":""},"done":true,"done_reason":"stop","total_duration":4883583458,"load_duration":1334875,"prompt_eval_count":26,"prompt_eval_duration":342546000,"eval_count":282,"eval_duration":4535599000}
        """;

    private ScriptedServer server;
    private HttpBackend backend;
    private BackendConfig config;

    @BeforeEach
    void start(Vertx vertx) throws Exception {
        server = ScriptedServer.start(vertx);
        config = BackendConfig.of("local", BackendKind.OLLAMA, server.baseUrl(), "llama3.2");
        backend = HttpBackend.create(vertx, config);
    }

    @AfterEach
    void stop() throws Exception {
        backend.close();
        server.close();
    }

    @Test
    @DisplayName("the documented lines, cut every 1..7 bytes, give the text, the thinking, done_reason and the counts")
    void documentedStream() {
        server.script(request -> server.writeInPieces(ScriptedServer.head(request, "application/x-ndjson"), STREAM, true));
        RecordingListener listener = stream(backend);
        RecordingListener.Outcome outcome = listener.awaitCompletion();
        assertEquals(List.of("The", " sky is blue, grüß 世界 🎉"), listener.tokens());
        assertEquals("The user greets.", listener.reasoning());
        assertEquals("stop", outcome.finishReason());
        assertEquals(new TokenUsage(26, 282), outcome.usage());
        listener.assertContractKept();
    }

    @Test
    @DisplayName("the request goes to /api/chat with the model, the messages and stream:true, and no key header")
    void requestShape() {
        server.script(request -> request.response().putHeader("Content-Type", "application/x-ndjson").end(STREAM));
        RecordingListener listener = new RecordingListener();
        backend.stream(new ChatRequest(null, List.of(ChatMessage.system("Be brief."), ChatMessage.user("Why is the sky blue?"))),
            listener);
        listener.awaitCompletion();
        ScriptedServer.Seen seen = server.awaitRequest();
        assertEquals("/api/chat", seen.path());
        assertNull(seen.headers().get("Authorization"));
        assertEquals(new JsonObject()
            .put("model", "llama3.2")
            .put("messages", new JsonArray()
                .add(new JsonObject().put("role", "system").put("content", "Be brief."))
                .add(new JsonObject().put("role", "user").put("content", "Why is the sky blue?")))
            .put("stream", true), seen.body());
    }

    @Test
    @DisplayName("the turn's generation settings go in options as num_predict, temperature, top_p and stop")
    void generationSettings() {
        server.script(request -> request.response().putHeader("Content-Type", "application/x-ndjson").end(STREAM));
        RecordingListener listener = new RecordingListener();
        backend.stream(new ChatRequest(null, List.of(ChatMessage.user("Hi"))).withGeneration(SETTINGS), listener);
        listener.awaitCompletion();
        JsonObject options = server.awaitRequest().body().getJsonObject("options");
        assertEquals(new JsonObject().put("num_predict", 5).put("temperature", 0.3).put("top_p", 0.9)
            .put("stop", new JsonArray().add("END").add("\n\n")), options);
    }

    @Test
    @DisplayName("a request with a JSON Schema (a batch call's) sends it as format: Ollama's structured output")
    void jsonSchemaAsFormat() {
        server.script(request -> request.response().putHeader("Content-Type", "application/x-ndjson").end(STREAM));
        RecordingListener listener = new RecordingListener();
        backend.stream(new ChatRequest(null, List.of(ChatMessage.user("{\"agents\":[]}")))
            .withJsonSchema(BatchPrompt.SCHEMA), listener);
        listener.awaitCompletion();
        JsonObject format = server.awaitRequest().body().getJsonObject("format");
        assertEquals("array", format.getString("type"));
        assertEquals(new JsonArray().add("agent").add("reply"), format.getJsonObject("items").getJsonArray("required"));
    }

    @Test
    @DisplayName("an error line mid-stream is a PROTOCOL failure with its message, after the text before it")
    void errorLine() {
        String lines = STREAM.substring(0, STREAM.indexOf("{\"model\":\"llama3.2\",\"created_at\":\"2023-08-04T19"))
            + "{\"error\":\"an error was encountered while running the model: unexpected EOF\"}\n";
        server.script(request -> server.writeInPieces(ScriptedServer.head(request, "application/x-ndjson"), lines, true));
        RecordingListener listener = stream(backend);
        BackendException error = listener.awaitError();
        assertEquals(FailureKind.PROTOCOL, error.kind());
        assertEquals("backend local: error: an error was encountered while running the model: unexpected EOF",
            error.getMessage());
        assertEquals("The sky is blue, grüß 世界 🎉", listener.text());
        listener.assertContractKept();
    }

    @Test
    @DisplayName("HTTP 404, 429 and 500 with Ollama's error body fail with HTTP_4XX, HTTP_429 and HTTP_5XX")
    void httpErrors() {
        assertHttpError(404, "{\"error\":\"model 'llama9' not found, try pulling it first\"}", FailureKind.HTTP_4XX,
            "backend local: HTTP 404: model 'llama9' not found, try pulling it first");
        assertHttpError(429, "{\"error\":\"server busy, please try again.  maximum pending requests exceeded\"}",
            FailureKind.HTTP_429, "backend local: HTTP 429: server busy, please try again.  maximum pending requests exceeded");
        assertHttpError(500, "{\"error\":\"llama runner process has terminated: signal: killed\"}", FailureKind.HTTP_5XX,
            "backend local: HTTP 500: llama runner process has terminated: signal: killed");
    }

    @Test
    @DisplayName("a stream cut before the done line is a PROTOCOL failure")
    void cutStream() {
        String cut = STREAM.substring(0, STREAM.indexOf("{\"model\":\"llama3.2\",\"created_at\":\"2023-08-04T19"));
        server.script(request -> server.writeInPieces(ScriptedServer.head(request, "application/x-ndjson"), cut, true));
        RecordingListener listener = stream(backend);
        BackendException error = listener.awaitError();
        assertEquals(FailureKind.PROTOCOL, error.kind());
        assertEquals("backend local: stream ended before the reply was complete", error.getMessage());
    }

    @Test
    @DisplayName("stream=false asks for one object and gives its message as one token")
    void notStreamed(Vertx vertx) {
        String reply = """
            {"model":"llama3.2","created_at":"2023-12-12T14:13:43.416799Z","message":{"role":"assistant","content":"Hello! How are you today? Grüße 🎉"},\
            "done":true,"done_reason":"length","total_duration":5191566416,"load_duration":2154458,"prompt_eval_count":26,\
            "prompt_eval_duration":383809000,"eval_count":298,"eval_duration":4799921000}""";
        server.script(request -> ScriptedServer.respond(request, 200, "application/json; charset=utf-8", reply));
        HttpBackend whole = HttpBackend.create(vertx, config.withStream(false));
        try {
            RecordingListener listener = stream(whole);
            RecordingListener.Outcome outcome = listener.awaitCompletion();
            assertEquals(List.of("Hello! How are you today? Grüße 🎉"), listener.tokens());
            assertEquals("length", outcome.finishReason());
            assertEquals(new TokenUsage(26, 298), outcome.usage());
            assertEquals(false, server.awaitRequest().body().getBoolean("stream"));
        } finally {
            whole.close();
        }
    }

    private void assertHttpError(int status, String body, FailureKind kind, String message) {
        server.script(request -> ScriptedServer.respond(request, status, "application/json; charset=utf-8", body));
        RecordingListener listener = stream(backend);
        BackendException error = listener.awaitError();
        assertEquals(kind, error.kind(), error.getMessage());
        assertEquals(message, error.getMessage());
        assertTrue(listener.tokens().isEmpty());
    }

    private static RecordingListener stream(HttpBackend target) {
        RecordingListener listener = new RecordingListener();
        target.stream(new ChatRequest(null, List.of(ChatMessage.user("Why is the sky blue?"))), listener);
        return listener;
    }
}
