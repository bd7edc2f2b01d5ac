package dev.parley.worker.simulator;

import static dev.parley.worker.simulator.SimWire.ANTHROPIC_HEADERS;
import static dev.parley.worker.simulator.SimWire.get;
import static dev.parley.worker.simulator.SimWire.ndjson;
import static dev.parley.worker.simulator.SimWire.post;
import static dev.parley.worker.simulator.SimWire.sse;
import static dev.parley.worker.simulator.SimWire.userMessage;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.worker.simulator.SimWire.Sse;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** One simulator as several named backends ({@code /{name}/...}) speaking different protocols, scoped by on=. */
@ExtendWith(VertxExtension.class)
class LlmSimulatorBackendsIT {

    private LlmSimulator simulator;

    @BeforeEach
    void start(Vertx vertx) {
        simulator = LlmSimulator.start(vertx, 0, SimulatorConfig.defaults()
            .withTimeToFirstToken(Duration.ofMillis(1))
            .withInterTokenLatency(Duration.ZERO));
    }

    @AfterEach
    void stop() {
        simulator.close();
    }

    @Test
    @DisplayName("on=local makes the local Ollama backend fail mid-stream while the cloud Anthropic backend answers")
    void onScopesAFaultToOneBackend() throws Exception {
        String message = "Explain Kafka.\n#sim: tokens=6\n#sim: fail_after=2 on=local";
        List<JsonObject> local = ndjson(post(simulator.rootUrl("local") + "/api/chat", userMessage(message)).body());
        assertEquals(new JsonObject().put("error", "simulated failure after 2 tokens"), local.get(local.size() - 1));

        List<Sse> cloud = sse(post(simulator.rootUrl("cloud") + "/v1/messages", anthropic(message),
            ANTHROPIC_HEADERS).body());
        assertEquals("message_stop", cloud.get(cloud.size() - 1).event());
        assertEquals(6, cloud.get(cloud.size() - 2).json().getJsonObject("usage").getInteger("output_tokens"));

        HttpResponse<String> unnamed = post(simulator.baseUrl() + "/chat/completions", userMessage(message));
        assertEquals(200, unnamed.statusCode(), "lines with on= do not apply to the unprefixed paths");
        assertEquals("stop", new JsonObject(unnamed.body()).getJsonArray("choices").getJsonObject(0)
            .getString("finish_reason"));

        assertEquals(1, simulator.totalStreams("local"));
        assertEquals(1, simulator.totalStreams("cloud"));
        assertEquals(0, simulator.totalStreams("other"));
    }

    @Test
    @DisplayName("two names get their own lines; a line may name several backends, and later lines win")
    void twoNames() throws Exception {
        String message = "Hi\n#sim: tokens=3 on=local\n#sim: tokens=7 on=cloud\n#sim: status=503 on=spare,cloud";
        JsonObject local = new JsonObject(post(simulator.baseUrl("local") + "/chat/completions",
            userMessage(message)).body());
        assertEquals(3, local.getJsonObject("usage").getInteger("completion_tokens"));
        HttpResponse<String> cloud = post(simulator.baseUrl("cloud") + "/chat/completions", userMessage(message));
        assertEquals(503, cloud.statusCode());
        HttpResponse<String> spare = post(simulator.rootUrl("spare") + "/api/chat", userMessage(message));
        assertEquals(503, spare.statusCode());
    }

    @Test
    @DisplayName("the same directives give the same text in all three protocols")
    void sameReplyEveryProtocol() throws Exception {
        String message = "Same question.\n#sim: tokens=6";
        JsonObject openAi = new JsonObject(post(simulator.baseUrl("a") + "/chat/completions", userMessage(message))
            .body());
        JsonObject ollama = new JsonObject(post(simulator.rootUrl("b") + "/api/chat", userMessage(message)
            .put("stream", false)).body());
        JsonObject anthropic = new JsonObject(post(simulator.rootUrl("c") + "/v1/messages", anthropic(message)
            .put("stream", false), ANTHROPIC_HEADERS).body());
        String text = openAi.getJsonArray("choices").getJsonObject(0).getJsonObject("message").getString("content");
        assertEquals(text, ollama.getJsonObject("message").getString("content"));
        assertEquals(text, anthropic.getJsonArray("content").getJsonObject(0).getString("text"));
    }

    @Test
    @DisplayName("models and tags answer under a prefix; a bad name in the path is 404, a bad on= is 400")
    void prefixedPathsAndBadNames() throws Exception {
        assertEquals(200, get(simulator.baseUrl("cloud") + "/models").statusCode());
        assertEquals(200, get(simulator.rootUrl("local") + "/api/tags").statusCode());
        assertEquals(404, post("http://localhost:" + simulator.port() + "/Local/api/chat", userMessage("hi"))
            .statusCode());
        HttpResponse<String> badOn = post(simulator.baseUrl("cloud") + "/chat/completions",
            userMessage("hi\n#sim: tokens=1 on=Cloud"));
        assertEquals(400, badOn.statusCode());
        assertEquals("on", new JsonObject(badOn.body()).getJsonObject("error").getString("param"));
        assertThrows(IllegalArgumentException.class, () -> simulator.rootUrl("no/slash"));
    }

    @Test
    @DisplayName("a client that leaves while waiting for the first token is noted, with when, under its backend")
    void clientGoneDuringTimeToFirstToken() throws Exception {
        long beforeClose;
        try (Socket socket = new Socket("localhost", simulator.port())) {
            SimWire.writeRequest(socket, "/local/v1/messages", anthropic("#sim: ttft_ms=600000", true),
                ANTHROPIC_HEADERS);
            SimWire.readUntil(socket.getInputStream(), "\r\n\r\n");
            assertEquals(1, simulator.activeStreams());
            beforeClose = System.nanoTime();
        }
        await().until(() -> simulator.clientGoneNanos("local").size() == 1);
        assertTrue(simulator.clientGoneNanos("local").get(0) >= beforeClose);
        assertEquals(List.of(), simulator.clientGoneNanos("cloud"));
        assertEquals(simulator.clientGoneNanos("local"), simulator.clientGoneNanos());
        assertEquals(0, simulator.activeStreams());
    }

    @Test
    @DisplayName("a blocking request whose client leaves before the answer is noted too")
    void clientGoneBeforeBlockingAnswer() throws Exception {
        try (Socket socket = new Socket("localhost", simulator.port())) {
            SimWire.writeRequest(socket, "/cloud/api/chat", userMessage("#sim: ttft_ms=600000").put("stream", false));
            await().until(() -> simulator.activeStreams() == 1);
        }
        await().until(() -> simulator.clientGoneNanos("cloud").size() == 1);
    }

    private static JsonObject anthropic(String message) {
        return userMessage(message).put("max_tokens", 1024).put("stream", true);
    }

    private static JsonObject anthropic(String message, boolean stream) {
        return anthropic(message).put("stream", stream);
    }
}
