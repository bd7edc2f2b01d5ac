package dev.parley.worker.simulator;

import static dev.parley.worker.simulator.SimWire.STOP_REPLY;
import static dev.parley.worker.simulator.SimWire.get;
import static dev.parley.worker.simulator.SimWire.ndjson;
import static dev.parley.worker.simulator.SimWire.post;
import static dev.parley.worker.simulator.SimWire.userMessage;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The simulator speaking Ollama's native {@code /api/chat}, read by a plain HTTP client. */
@ExtendWith(VertxExtension.class)
class LlmSimulatorOllamaIT {

    private LlmSimulator simulator;
    private String chatUrl;

    @BeforeEach
    void start(Vertx vertx) {
        simulator = LlmSimulator.start(vertx, 0, SimulatorConfig.defaults()
            .withTimeToFirstToken(Duration.ofMillis(1))
            .withInterTokenLatency(Duration.ZERO));
        chatUrl = simulator.rootUrl() + "/api/chat";
    }

    @AfterEach
    void stop() {
        simulator.close();
    }

    @Test
    @DisplayName("without a stream field Ollama streams NDJSON: one object per token, then done with its statistics")
    void streamsByDefault() throws Exception {
        HttpResponse<String> response = post(chatUrl, userMessage("Explain Kafka.\n#sim: tokens=5"));
        assertEquals(200, response.statusCode());
        assertEquals("application/x-ndjson", response.headers().firstValue("Content-Type").orElse(null));
        assertEquals("true", response.headers().firstValue("X-Parley-Simulator").orElse(null));
        assertTrue(response.body().endsWith("}\n"), response.body());
        List<JsonObject> lines = ndjson(response.body());
        assertEquals(5 + 1, lines.size(), response.body());
        StringBuilder text = new StringBuilder();
        for (JsonObject line : lines.subList(0, 5)) {
            assertEquals("parley-simulator", line.getString("model"));
            Instant.parse(line.getString("created_at"));
            assertEquals("assistant", line.getJsonObject("message").getString("role"));
            assertEquals(false, line.getBoolean("done"));
            text.append(line.getJsonObject("message").getString("content"));
        }
        JsonObject done = lines.get(5);
        assertEquals(true, done.getBoolean("done"));
        assertEquals("stop", done.getString("done_reason"));
        assertEquals("", done.getJsonObject("message").getString("content"));
        assertEquals(2, done.getInteger("prompt_eval_count"));
        assertEquals(5, done.getInteger("eval_count"));
        for (String key : List.of("total_duration", "load_duration", "prompt_eval_duration", "eval_duration")) {
            assertTrue(done.getLong(key) >= 0, key + " in " + done);
        }
        JsonObject whole = new JsonObject(post(chatUrl, userMessage("Explain Kafka.\n#sim: tokens=5")
            .put("stream", false)).body());
        assertEquals(text.toString(), whole.getJsonObject("message").getString("content"),
            "streaming and blocking give the same text");
    }

    @Test
    @DisplayName("stream false gets one done object with the whole content and the counts")
    void blocking() throws Exception {
        HttpResponse<String> response = post(chatUrl, userMessage("#sim: reply=\"Hello, wörld!\"")
            .put("stream", false));
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        JsonObject body = new JsonObject(response.body());
        assertEquals("Hello, wörld!", body.getJsonObject("message").getString("content"));
        assertEquals(true, body.getBoolean("done"));
        assertEquals("stop", body.getString("done_reason"));
        assertEquals(2, body.getInteger("eval_count"));
        assertEquals(0, body.getInteger("prompt_eval_count"));
    }

    @Test
    @DisplayName("options.num_predict cuts the reply with done_reason length, streamed or not")
    void numPredict() throws Exception {
        JsonObject options = new JsonObject().put("num_predict", 3);
        List<JsonObject> lines = ndjson(post(chatUrl, userMessage("#sim: tokens=10").put("options", options)).body());
        assertEquals(3 + 1, lines.size());
        assertEquals("length", lines.get(3).getString("done_reason"));
        assertEquals(3, lines.get(3).getInteger("eval_count"));
        JsonObject whole = new JsonObject(post(chatUrl, userMessage("#sim: tokens=10").put("options", options)
            .put("stream", false)).body());
        assertEquals("length", whole.getString("done_reason"));
    }

    @Test
    @DisplayName("options.stop ends the reply before the sequence with done_reason stop, streamed or not")
    void stopSequences() throws Exception {
        JsonObject options = new JsonObject().put("stop", new JsonArray().add("END"));
        List<JsonObject> lines = ndjson(post(chatUrl, userMessage(STOP_REPLY).put("options", options)).body());
        JsonObject done = lines.get(lines.size() - 1);
        assertEquals("stop", done.getString("done_reason"));
        assertEquals(3, done.getInteger("eval_count"));
        assertEquals("one two three ", lines.stream().map(line -> line.getJsonObject("message").getString("content"))
            .collect(Collectors.joining()));
        JsonObject whole = new JsonObject(post(chatUrl, userMessage(STOP_REPLY).put("options", options)
            .put("stream", false)).body());
        assertEquals("one two three ", whole.getJsonObject("message").getString("content"));
        assertEquals("stop", whole.getString("done_reason"));
    }

    @Test
    @DisplayName("fail_after ends the stream with an {error} line and no done object; unstreamed it is HTTP 500")
    void failAfter() throws Exception {
        List<JsonObject> lines = ndjson(post(chatUrl, userMessage("#sim: fail_after=2")).body());
        assertEquals(2 + 1, lines.size(), lines.toString());
        assertEquals(new JsonObject().put("error", "simulated failure after 2 tokens"), lines.get(2));
        assertFalse(lines.stream().anyMatch(line -> Boolean.TRUE.equals(line.getBoolean("done"))));

        HttpResponse<String> blocking = post(chatUrl, userMessage("#sim: fail_after=2").put("stream", false));
        assertEquals(500, blocking.statusCode());
        assertEquals("simulated failure after 2 tokens", new JsonObject(blocking.body()).getString("error"));
    }

    @Test
    @DisplayName("status=503 and a bad directive answer with Ollama's {error} body")
    void errors() throws Exception {
        HttpResponse<String> status = post(chatUrl, userMessage("#sim: status=503"));
        assertEquals(503, status.statusCode());
        assertEquals("1", status.headers().firstValue("Retry-After").orElse(null));
        assertEquals(new JsonObject().put("error", "simulated HTTP 503"), new JsonObject(status.body()));

        HttpResponse<String> bad = post(chatUrl, userMessage("#sim: tokens=lots"));
        assertEquals(400, bad.statusCode());
        assertTrue(new JsonObject(bad.body()).getString("error").contains("tokens=lots"), bad.body());

        HttpResponse<String> noMessages = post(chatUrl, new JsonObject().put("model", "x"));
        assertEquals(400, noMessages.statusCode());
        assertTrue(new JsonObject(noMessages.body()).containsKey("error"));
    }

    @Test
    @DisplayName("thinking= is Anthropic's: Ollama ignores it")
    void thinkingIgnored() throws Exception {
        List<JsonObject> lines = ndjson(post(chatUrl, userMessage("#sim: tokens=2 thinking=5")).body());
        assertEquals(2 + 1, lines.size(), lines.toString());
        assertEquals(2, lines.get(2).getInteger("eval_count"));
    }

    @Test
    @DisplayName("disconnect_after closes the connection mid-response, without the done object")
    void disconnect() throws Exception {
        try (Socket socket = new Socket("localhost", simulator.port())) {
            SimWire.writeRequest(socket, "/api/chat", userMessage("#sim: disconnect_after=2"));
            String raw = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(raw.startsWith("HTTP/1.1 200"), raw);
            assertEquals(2, raw.split("\"done\":false", -1).length - 1, raw);
            assertFalse(raw.contains("\"done\":true"), raw);
        }
        await().until(() -> simulator.activeStreams() == 0);
        assertEquals(List.of(), simulator.clientGoneNanos());
    }

    @Test
    @DisplayName("a stall holds the stream until the client leaves, and the simulator notes when it left")
    void stall() throws Exception {
        long beforeClose;
        try (Socket socket = new Socket("localhost", simulator.port())) {
            SimWire.writeRequest(socket, "/api/chat", userMessage("#sim: stall_after=1"));
            SimWire.readUntil(socket.getInputStream(), "\"done\":false");
            await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2))
                .until(() -> simulator.activeStreams() == 1 && simulator.clientGoneNanos().isEmpty());
            beforeClose = System.nanoTime();
        }
        await().until(() -> simulator.clientGoneNanos().size() == 1);
        assertTrue(simulator.clientGoneNanos().get(0) >= beforeClose);
        assertEquals(1, simulator.cancelledStreams());
    }

    @Test
    @DisplayName("/api/tags lists the simulated model")
    void tags() throws Exception {
        HttpResponse<String> tags = get(simulator.rootUrl() + "/api/tags");
        assertEquals(200, tags.statusCode());
        JsonObject model = new JsonObject(tags.body()).getJsonArray("models").getJsonObject(0);
        assertEquals("parley-simulator", model.getString("name"));
        assertEquals("parley-simulator", model.getString("model"));
    }
}
