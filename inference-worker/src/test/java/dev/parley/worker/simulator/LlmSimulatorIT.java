package dev.parley.worker.simulator;

import static dev.parley.worker.simulator.SimWire.STOP_REPLY;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The simulator on the wire, read by a plain HTTP client rather than Parley's own backend. */
@ExtendWith(VertxExtension.class)
class LlmSimulatorIT {

    private static final HttpClient HTTP = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .build();

    private Vertx vertx;
    private LlmSimulator simulator;

    @BeforeEach
    void start(Vertx vertx) {
        this.vertx = vertx;
        simulator = LlmSimulator.start(vertx, 0, SimulatorConfig.defaults()
            .withTimeToFirstToken(Duration.ofMillis(1))
            .withInterTokenLatency(Duration.ZERO));
    }

    @AfterEach
    void stop() {
        simulator.close();
    }

    @Test
    @DisplayName("a stream is role chunk, one chunk per token, finish, usage and [DONE], all labelled as simulated")
    void streamWireFormat() throws Exception {
        HttpResponse<String> response = post(simulator, chat("Explain Kafka.\n#sim: tokens=5", true, true));
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        assertEquals("true", response.headers().firstValue("X-Parley-Simulator").orElse(null));
        List<String> data = dataLines(response.body());
        assertEquals("[DONE]", data.get(data.size() - 1));
        List<JsonObject> chunks = data.subList(0, data.size() - 1).stream().map(JsonObject::new).toList();
        assertEquals(1 + 5 + 1 + 1, chunks.size(), data.toString());
        for (JsonObject chunk : chunks) {
            assertEquals("chat.completion.chunk", chunk.getString("object"));
            assertEquals("parley-simulator", chunk.getString("model"));
            assertEquals("parley-simulator", chunk.getString("system_fingerprint"));
        }
        assertEquals("assistant", delta(chunks.get(0)).getString("role"));
        StringBuilder text = new StringBuilder();
        for (JsonObject chunk : chunks.subList(1, 6)) {
            text.append(delta(chunk).getString("content"));
        }
        assertEquals("stop", chunks.get(6).getJsonArray("choices").getJsonObject(0).getString("finish_reason"));
        JsonObject usage = chunks.get(7).getJsonObject("usage");
        assertTrue(chunks.get(7).getJsonArray("choices").isEmpty());
        assertEquals(2, usage.getInteger("prompt_tokens"));
        assertEquals(5, usage.getInteger("completion_tokens"));
        assertEquals(text.toString(), completionText(post(simulator, chat("Explain Kafka.\n#sim: tokens=5", false,
            false))), "streaming and blocking give the same text");
    }

    @Test
    @DisplayName("without include_usage there is no usage chunk")
    void noUsageUnlessAsked() throws Exception {
        List<String> data = dataLines(post(simulator, chat("Hi\n#sim: tokens=2", true, false)).body());
        assertEquals(1 + 2 + 1 + 1, data.size(), data.toString());
        assertFalse(data.stream().anyMatch(line -> line.contains("\"usage\"")), data.toString());
    }

    @Test
    @DisplayName("a blocking request gets one chat.completion with the text and usage")
    void blockingCompletion() throws Exception {
        HttpResponse<String> response = post(simulator, chat("#sim: reply=\"Hello, wörld!\"", false, false));
        assertEquals(200, response.statusCode());
        JsonObject body = new JsonObject(response.body());
        assertEquals("chat.completion", body.getString("object"));
        assertEquals("parley-simulator", body.getString("model"));
        assertEquals("parley-simulator", body.getString("system_fingerprint"));
        assertEquals("Hello, wörld!", completionText(response));
        assertEquals(2, body.getJsonObject("usage").getInteger("completion_tokens"));
    }

    @Test
    @DisplayName("#sim: echo replies with every message it received, as JSON, so a test can see the model's context")
    void echoDirective() throws Exception {
        JsonArray messages = new JsonArray()
            .add(new JsonObject().put("role", "system").put("content", "Be brief."))
            .add(new JsonObject().put("role", "user").put("content", "My name is Ada."))
            .add(new JsonObject().put("role", "assistant").put("content", "Hello Ada, nice to meet you."))
            .add(new JsonObject().put("role", "user").put("content", "What is my name?\n#sim: echo"));
        JsonObject body = new JsonObject().put("model", "anything").put("messages", messages).put("stream", true);
        HttpResponse<String> response = post(simulator, body);
        StringBuilder streamed = new StringBuilder();
        for (String data : dataLines(response.body())) {
            if (!data.equals("[DONE]") && delta(new JsonObject(data)).getString("content") != null) {
                streamed.append(delta(new JsonObject(data)).getString("content"));
            }
        }
        assertEquals(messages, new JsonArray(streamed.toString()));

        HttpResponse<String> bad = post(simulator, chat("hi\n#sim: echo=yes", false, false));
        assertEquals(400, bad.statusCode());
        assertEquals("echo", new JsonObject(bad.body()).getJsonObject("error").getString("param"));
    }

    @Test
    @DisplayName("fail_after ends the stream with an OpenAI error event and no [DONE]")
    void failAfterOnTheWire() throws Exception {
        List<String> data = dataLines(post(simulator, chat("#sim: fail_after=2", true, true)).body());
        JsonObject error = new JsonObject(data.get(data.size() - 1)).getJsonObject("error");
        assertEquals("simulated failure after 2 tokens", error.getString("message"));
        assertEquals("server_error", error.getString("type"));
        assertEquals(1 + 2 + 1, data.size(), data.toString());
        assertFalse(data.contains("[DONE]"));
    }

    @Test
    @DisplayName("max_tokens cuts the reply with finish_reason length")
    void maxTokens() throws Exception {
        JsonObject request = chat("#sim: tokens=10", false, false).put("max_tokens", 3);
        JsonObject body = new JsonObject(post(simulator, request).body());
        assertEquals("length", body.getJsonArray("choices").getJsonObject(0).getString("finish_reason"));
        assertEquals(3, body.getJsonObject("usage").getInteger("completion_tokens"));
    }

    @Test
    @DisplayName("stop ends the reply before the first stop sequence, finish_reason stop; max_tokens may end it first")
    void stopSequences() throws Exception {
        JsonObject body = new JsonObject(post(simulator, chat(STOP_REPLY, false, false)
            .put("stop", new JsonArray().add("five").add("END"))).body());
        JsonObject choice = body.getJsonArray("choices").getJsonObject(0);
        assertEquals("one two three ", choice.getJsonObject("message").getString("content"));
        assertEquals("stop", choice.getString("finish_reason"));
        assertEquals(3, body.getJsonObject("usage").getInteger("completion_tokens"));

        JsonObject cut = new JsonObject(post(simulator, chat(STOP_REPLY, false, false).put("stop", "END")
            .put("max_tokens", 2)).body());
        assertEquals("length", cut.getJsonArray("choices").getJsonObject(0).getString("finish_reason"));
        assertEquals("one two", cut.getJsonArray("choices").getJsonObject(0).getJsonObject("message")
            .getString("content"));
    }

    @Test
    @DisplayName("status=429 answers 429 with Retry-After and an OpenAI error body")
    void statusDirective() throws Exception {
        HttpResponse<String> response = post(simulator, chat("#sim: status=429", true, true));
        assertEquals(429, response.statusCode());
        assertEquals("1", response.headers().firstValue("Retry-After").orElse(null));
        assertEquals("true", response.headers().firstValue("X-Parley-Simulator").orElse(null));
        assertEquals("simulated HTTP 429", new JsonObject(response.body()).getJsonObject("error").getString("message"));
    }

    @Test
    @DisplayName("bad input gets 400 with an OpenAI error; a bad directive is named in param; wrong types refused")
    void badRequests() throws Exception {
        HttpResponse<String> badDirective = post(simulator, chat("#sim: tokens=lots", true, true));
        assertEquals(400, badDirective.statusCode());
        JsonObject error = new JsonObject(badDirective.body()).getJsonObject("error");
        assertEquals("tokens", error.getString("param"));
        assertTrue(error.getString("message").contains("tokens=lots"), error.getString("message"));
        assertEquals("invalid_request_error", error.getString("type"));

        HttpResponse<String> notJson = send(HttpRequest.newBuilder(URI.create(simulator.baseUrl()
            + "/chat/completions")).POST(HttpRequest.BodyPublishers.ofString("{nope")).build());
        assertEquals(400, notJson.statusCode());
        assertTrue(new JsonObject(notJson.body()).containsKey("error"));

        HttpResponse<String> noMessages = post(simulator, new JsonObject().put("model", "x"));
        assertEquals(400, noMessages.statusCode());
        assertEquals("messages", new JsonObject(noMessages.body()).getJsonObject("error").getString("param"));

        HttpResponse<String> wrongType = post(simulator, chat("hi", false, false).put("max_tokens", "three"));
        assertEquals(400, wrongType.statusCode());
        JsonObject typeError = new JsonObject(wrongType.body()).getJsonObject("error");
        assertEquals("invalid_request_error", typeError.getString("type"));
        assertTrue(typeError.getString("message").contains("three"), typeError.getString("message"));
    }

    @Test
    @DisplayName("models, health and unknown paths answer JSON and say they are the simulator")
    void otherEndpoints() throws Exception {
        HttpResponse<String> models = get("/v1/models");
        assertEquals(200, models.statusCode());
        assertEquals("parley-simulator",
            new JsonObject(models.body()).getJsonArray("data").getJsonObject(0).getString("id"));
        HttpResponse<String> health = get("/health");
        assertEquals(200, health.statusCode());
        assertEquals(true, new JsonObject(health.body()).getBoolean("simulator"));
        HttpResponse<String> missing = get("/v1/nothing");
        assertEquals(404, missing.statusCode());
        assertEquals("true", missing.headers().firstValue("X-Parley-Simulator").orElse(null));
        assertTrue(new JsonObject(missing.body()).getJsonObject("error").getString("message").contains("/v1/nothing"));
    }

    @Test
    @DisplayName("the configured default fault applies unless the request names its own")
    void defaultFault() throws Exception {
        LlmSimulator faulty = LlmSimulator.start(vertx, 0, simulator.config()
            .withDefaultFault(new Fault(Fault.Kind.FAIL_AFTER, 2)));
        try {
            List<String> byDefault = dataLines(post(faulty, chat("Hi", true, false)).body());
            assertTrue(byDefault.get(byDefault.size() - 1).contains("simulated failure after 2 tokens"));
            List<String> ownFault = dataLines(post(faulty, chat("Hi\n#sim: fail_after=4", true, false)).body());
            assertTrue(ownFault.get(ownFault.size() - 1).contains("simulated failure after 4 tokens"));
        } finally {
            faulty.close();
        }
    }

    @Test
    @DisplayName("a client that leaves mid-stream is counted as cancelled and its reply stops")
    void clientLeaves() throws Exception {
        try (Socket socket = new Socket("localhost", simulator.port())) {
            SimWire.writeRequest(socket, "/v1/chat/completions", chat("#sim: tokens=100000 itl_ms=5", true, false));
            SimWire.readUntil(socket.getInputStream(), "\"content\"");
            assertEquals(1, simulator.activeStreams());
        }
        await().until(() -> simulator.cancelledStreams() == 1 && simulator.activeStreams() == 0);
    }

    @Test
    @DisplayName("disconnect_after drops the connection mid-response, without the chunked terminator")
    void disconnectOnTheWire() throws Exception {
        try (Socket socket = new Socket("localhost", simulator.port())) {
            SimWire.writeRequest(socket, "/v1/chat/completions", chat("#sim: disconnect_after=2", true, false));
            String raw = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(raw.startsWith("HTTP/1.1 200"), raw);
            assertEquals(3, raw.split("\"delta\"", -1).length - 1, raw);
            assertFalse(raw.contains("[DONE]"), raw);
            assertFalse(raw.endsWith("0\r\n\r\n"), raw);
        }
        await().until(() -> simulator.activeStreams() == 0);
        assertEquals(0, simulator.cancelledStreams());
    }

    @Test
    @DisplayName("a stall holds the connection until the client leaves")
    void stallUntilClientLeaves() throws Exception {
        try (Socket socket = new Socket("localhost", simulator.port())) {
            SimWire.writeRequest(socket, "/v1/chat/completions", chat("#sim: stall_after=1", true, false));
            SimWire.readUntil(socket.getInputStream(), "\"content\"");
            await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2))
                .until(() -> simulator.activeStreams() == 1 && simulator.cancelledStreams() == 0);
        }
        await().until(() -> simulator.cancelledStreams() == 1 && simulator.activeStreams() == 0);
    }

    private static JsonObject chat(String userMessage, boolean stream, boolean includeUsage) {
        JsonObject body = new JsonObject()
            .put("model", "anything")
            .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", userMessage)))
            .put("stream", stream);
        if (includeUsage) {
            body.put("stream_options", new JsonObject().put("include_usage", true));
        }
        return body;
    }

    private static HttpResponse<String> post(LlmSimulator target, JsonObject body) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(target.baseUrl() + "/chat/completions"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body.encode()))
            .build());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return send(HttpRequest.newBuilder(URI.create("http://localhost:" + simulator.port() + path)).GET().build());
    }

    private static HttpResponse<String> send(HttpRequest request) throws Exception {
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static List<String> dataLines(String body) {
        List<String> data = new ArrayList<>();
        for (String event : body.split("\n\n")) {
            if (event.startsWith("data: ")) {
                data.add(event.substring("data: ".length()));
            }
        }
        return data;
    }

    private static JsonObject delta(JsonObject chunk) {
        return chunk.getJsonArray("choices").getJsonObject(0).getJsonObject("delta");
    }

    private static String completionText(HttpResponse<String> response) {
        return new JsonObject(response.body()).getJsonArray("choices").getJsonObject(0).getJsonObject("message")
            .getString("content");
    }
}
