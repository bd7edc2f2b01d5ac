package dev.parley.worker.simulator;

import static dev.parley.worker.simulator.SimWire.STOP_REPLY;
import static dev.parley.worker.simulator.SimWire.ANTHROPIC_HEADERS;
import static dev.parley.worker.simulator.SimWire.post;
import static dev.parley.worker.simulator.SimWire.sse;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.worker.simulator.SimWire.Sse;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The simulator speaking Anthropic Messages ({@code /v1/messages}), read by a plain HTTP client. */
@ExtendWith(VertxExtension.class)
class LlmSimulatorAnthropicIT {

    private LlmSimulator simulator;
    private String messagesUrl;

    @BeforeEach
    void start(Vertx vertx) {
        simulator = LlmSimulator.start(vertx, 0, SimulatorConfig.defaults()
            .withTimeToFirstToken(Duration.ofMillis(1))
            .withInterTokenLatency(Duration.ZERO));
        messagesUrl = simulator.rootUrl() + "/v1/messages";
    }

    @AfterEach
    void stop() {
        simulator.close();
    }

    @Test
    @DisplayName("a stream is message_start, a text block of deltas, message_delta and message_stop, each event named")
    void streamWireFormat() throws Exception {
        HttpResponse<String> response = post(messagesUrl, request("Explain Kafka.\n#sim: tokens=5", true),
            ANTHROPIC_HEADERS);
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        List<Sse> events = sse(response.body());
        List<String> expected = new ArrayList<>(List.of("message_start", "content_block_start", "ping"));
        expected.addAll(Collections.nCopies(5, "content_block_delta"));
        expected.addAll(List.of("content_block_stop", "message_delta", "message_stop"));
        assertEquals(expected, events.stream().map(Sse::event).toList());
        for (Sse event : events) {
            assertEquals(event.event(), event.json().getString("type"), "data.type names the event: " + event);
        }
        JsonObject message = events.get(0).json().getJsonObject("message");
        assertTrue(message.getString("id").startsWith("msg_"), message.encode());
        assertEquals("message", message.getString("type"));
        assertEquals("assistant", message.getString("role"));
        assertEquals(new JsonArray(), message.getJsonArray("content"));
        assertEquals("parley-simulator", message.getString("model"));
        assertTrue(message.containsKey("stop_reason"));
        assertNull(message.getValue("stop_reason"));
        assertEquals(new JsonObject().put("input_tokens", 2).put("output_tokens", 1), message.getJsonObject("usage"));
        assertEquals(new JsonObject().put("type", "content_block_start").put("index", 0)
            .put("content_block", new JsonObject().put("type", "text").put("text", "")), events.get(1).json());
        StringBuilder text = new StringBuilder();
        for (Sse delta : events.subList(3, 8)) {
            assertEquals(0, delta.json().getInteger("index"));
            assertEquals("text_delta", delta.json().getJsonObject("delta").getString("type"));
            text.append(delta.json().getJsonObject("delta").getString("text"));
        }
        assertEquals(new JsonObject().put("type", "content_block_stop").put("index", 0), events.get(8).json());
        JsonObject messageDelta = events.get(9).json();
        assertEquals(new JsonObject().put("stop_reason", "end_turn").putNull("stop_sequence"),
            messageDelta.getJsonObject("delta"));
        assertEquals(new JsonObject().put("output_tokens", 5), messageDelta.getJsonObject("usage"));

        JsonObject whole = new JsonObject(post(messagesUrl, request("Explain Kafka.\n#sim: tokens=5", false),
            ANTHROPIC_HEADERS).body());
        assertEquals(text.toString(), whole.getJsonArray("content").getJsonObject(0).getString("text"),
            "streaming and blocking give the same text");
    }

    @Test
    @DisplayName("a blocking request gets the Message: text content, stop_reason and usage")
    void blocking() throws Exception {
        HttpResponse<String> response = post(messagesUrl, request("#sim: reply=\"Hello, wörld!\"", false)
            .put("system", "Be brief."), ANTHROPIC_HEADERS);
        assertEquals(200, response.statusCode());
        JsonObject message = new JsonObject(response.body());
        assertEquals("message", message.getString("type"));
        assertEquals(new JsonArray().add(new JsonObject().put("type", "text").put("text", "Hello, wörld!")),
            message.getJsonArray("content"));
        assertEquals("end_turn", message.getString("stop_reason"));
        assertEquals(new JsonObject().put("input_tokens", 2).put("output_tokens", 2), message.getJsonObject("usage"));
    }

    @Test
    @DisplayName("a user message of several text parts (merged turns) takes the directives of its last part only")
    void mergedUserTurns() throws Exception {
        JsonObject body = request("unused", false);
        body.put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", new JsonArray()
            .add(new JsonObject().put("type", "text").put("text", "first\n#sim: reply=\"old\" fail_after=1"))
            .add(new JsonObject().put("type", "text").put("text", "second\n#sim: reply=\"new turn\"")))));
        HttpResponse<String> response = post(messagesUrl, body, ANTHROPIC_HEADERS);
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("new turn", new JsonObject(response.body()).getJsonArray("content").getJsonObject(0)
            .getString("text"));
    }

    @Test
    @DisplayName("stop_sequences end the reply before the sequence with stop_reason stop_sequence, streamed or not")
    void stopSequences() throws Exception {
        JsonArray stop = new JsonArray().add("END");
        List<Sse> events = sse(post(messagesUrl, request(STOP_REPLY, true).put("stop_sequences", stop),
            ANTHROPIC_HEADERS).body());
        JsonObject delta = events.get(events.size() - 2).json();
        assertEquals("stop_sequence", delta.getJsonObject("delta").getString("stop_reason"));
        assertEquals("END", delta.getJsonObject("delta").getString("stop_sequence"));
        assertEquals(3, delta.getJsonObject("usage").getInteger("output_tokens"));
        JsonObject whole = new JsonObject(post(messagesUrl, request(STOP_REPLY, false).put("stop_sequences", stop),
            ANTHROPIC_HEADERS).body());
        assertEquals("stop_sequence", whole.getString("stop_reason"));
        assertEquals("END", whole.getString("stop_sequence"));
        assertEquals("one two three ", whole.getJsonArray("content").getJsonObject(0).getString("text"));
    }

    @Test
    @DisplayName("max_tokens cuts the reply with stop_reason max_tokens, streamed or not; without it the request is refused")
    void maxTokens() throws Exception {
        List<Sse> events = sse(post(messagesUrl, request("#sim: tokens=10", true).put("max_tokens", 3),
            ANTHROPIC_HEADERS).body());
        JsonObject messageDelta = events.get(events.size() - 2).json();
        assertEquals("max_tokens", messageDelta.getJsonObject("delta").getString("stop_reason"));
        assertEquals(3, messageDelta.getJsonObject("usage").getInteger("output_tokens"));
        JsonObject whole = new JsonObject(post(messagesUrl, request("#sim: tokens=10", false).put("max_tokens", 3),
            ANTHROPIC_HEADERS).body());
        assertEquals("max_tokens", whole.getString("stop_reason"));

        JsonObject noMax = request("hi", false);
        noMax.remove("max_tokens");
        HttpResponse<String> refused = post(messagesUrl, noMax, ANTHROPIC_HEADERS);
        assertEquals(400, refused.statusCode());
        assertEquals("invalid_request_error", errorOf(refused).getString("type"));
    }

    @Test
    @DisplayName("thinking=4 streams a thinking block at index 0 (4 deltas, a signature, a stop), then the text at 1")
    void thinkingStream() throws Exception {
        List<Sse> events = sse(post(messagesUrl, request("Why?\n#sim: tokens=2 thinking=4", true),
            ANTHROPIC_HEADERS).body());
        assertEquals(List.of("message_start", "content_block_start", "ping", "content_block_delta",
            "content_block_delta", "content_block_delta", "content_block_delta", "content_block_delta",
            "content_block_stop", "content_block_start", "content_block_delta", "content_block_delta",
            "content_block_stop", "message_delta", "message_stop"), events.stream().map(Sse::event).toList());
        assertEquals(new JsonObject().put("type", "thinking").put("thinking", ""),
            events.get(1).json().getJsonObject("content_block"));
        for (Sse thinking : events.subList(3, 7)) {
            assertEquals(0, thinking.json().getInteger("index"));
            assertEquals("thinking_delta", thinking.json().getJsonObject("delta").getString("type"));
            assertFalse(thinking.json().getJsonObject("delta").getString("thinking").isBlank());
        }
        JsonObject signature = events.get(7).json().getJsonObject("delta");
        assertEquals("signature_delta", signature.getString("type"));
        assertFalse(signature.getString("signature").isEmpty());
        assertEquals(0, events.get(8).json().getInteger("index"));
        assertEquals(1, events.get(9).json().getInteger("index"));
        assertEquals("text", events.get(9).json().getJsonObject("content_block").getString("type"));
        assertEquals(1, events.get(10).json().getInteger("index"));
        assertEquals("text_delta", events.get(10).json().getJsonObject("delta").getString("type"));
        assertEquals(1, events.get(12).json().getInteger("index"));
        assertEquals(4 + 2, events.get(13).json().getJsonObject("usage").getInteger("output_tokens"),
            "thinking counts as output, as in the real API");
    }

    @Test
    @DisplayName("thinking in a blocking Message is a thinking block with its signature before the text block")
    void thinkingBlocking() throws Exception {
        JsonObject message = new JsonObject(post(messagesUrl, request("#sim: reply=done thinking=3", false),
            ANTHROPIC_HEADERS).body());
        JsonArray content = message.getJsonArray("content");
        assertEquals(2, content.size());
        assertEquals("thinking", content.getJsonObject(0).getString("type"));
        assertEquals(3, content.getJsonObject(0).getString("thinking").strip().split("\\s+").length);
        assertFalse(content.getJsonObject(0).getString("signature").isEmpty());
        assertEquals(new JsonObject().put("type", "text").put("text", "done"), content.getJsonObject(1));
        assertEquals(4, message.getJsonObject("usage").getInteger("output_tokens"));
    }

    @Test
    @DisplayName("an empty reply after thinking still opens and closes its text block")
    void emptyReplyAfterThinking() throws Exception {
        List<Sse> events = sse(post(messagesUrl, request("#sim: tokens=0 thinking=1", true), ANTHROPIC_HEADERS)
            .body());
        assertEquals(List.of("message_start", "content_block_start", "ping", "content_block_delta",
            "content_block_delta", "content_block_stop", "content_block_start", "content_block_stop",
            "message_delta", "message_stop"), events.stream().map(Sse::event).toList());
    }

    @Test
    @DisplayName("fail_after ends the stream with Anthropic's overloaded error event and no message_stop")
    void failAfter() throws Exception {
        List<Sse> events = sse(post(messagesUrl, request("#sim: fail_after=2", true), ANTHROPIC_HEADERS).body());
        Sse last = events.get(events.size() - 1);
        assertEquals("error", last.event());
        assertEquals(new JsonObject().put("type", "error").put("error", new JsonObject()
            .put("type", "overloaded_error").put("message", "Overloaded")), last.json());
        assertEquals(2, events.stream().filter(e -> "content_block_delta".equals(e.event())).count());
        assertFalse(events.stream().anyMatch(e -> "message_stop".equals(e.event())));

        HttpResponse<String> blocking = post(messagesUrl, request("#sim: fail_after=2", false), ANTHROPIC_HEADERS);
        assertEquals(500, blocking.statusCode());
        assertEquals("api_error", errorOf(blocking).getString("type"));
    }

    @Test
    @DisplayName("status=NNN answers with Anthropic's error body, the type by status (529 overloaded_error)")
    void statusErrors() throws Exception {
        Map<Integer, String> types = Map.of(400, "invalid_request_error", 401, "authentication_error",
            403, "permission_error", 404, "not_found_error", 429, "rate_limit_error", 500, "api_error",
            529, "overloaded_error");
        for (Map.Entry<Integer, String> status : types.entrySet()) {
            HttpResponse<String> response = post(messagesUrl, request("#sim: status=" + status.getKey(), true),
                ANTHROPIC_HEADERS);
            assertEquals(status.getKey(), response.statusCode());
            JsonObject body = new JsonObject(response.body());
            assertEquals("error", body.getString("type"));
            assertEquals(status.getValue(), body.getJsonObject("error").getString("type"), response.body());
            assertEquals("simulated HTTP " + status.getKey(), body.getJsonObject("error").getString("message"));
        }
    }

    @Test
    @DisplayName("a request without anthropic-version gets 400 invalid_request_error naming the header")
    void versionHeaderRequired() throws Exception {
        HttpResponse<String> response = post(messagesUrl, request("hi", false), "x-api-key", "whatever");
        assertEquals(400, response.statusCode());
        JsonObject error = errorOf(response);
        assertEquals("invalid_request_error", error.getString("type"));
        assertTrue(error.getString("message").contains("anthropic-version"), error.encode());
    }

    @Test
    @DisplayName("echo shows the system prompt first, then the messages, so a test sees the whole context")
    void echoWithSystem() throws Exception {
        JsonObject message = new JsonObject(post(messagesUrl, request("What?\n#sim: echo", false)
            .put("system", "Be brief."), ANTHROPIC_HEADERS).body());
        JsonArray echoed = new JsonArray(message.getJsonArray("content").getJsonObject(0).getString("text"));
        assertEquals(new JsonObject().put("role", "system").put("content", "Be brief."), echoed.getJsonObject(0));
        assertEquals("user", echoed.getJsonObject(1).getString("role"));
    }

    @Test
    @DisplayName("disconnect_after drops the connection mid-stream without message_stop")
    void disconnect() throws Exception {
        try (Socket socket = new Socket("localhost", simulator.port())) {
            SimWire.writeRequest(socket, "/v1/messages", request("#sim: disconnect_after=2", true),
                ANTHROPIC_HEADERS);
            String raw = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(raw.startsWith("HTTP/1.1 200"), raw);
            assertEquals(2, raw.split("event: content_block_delta", -1).length - 1, raw);
            assertFalse(raw.contains("message_stop"), raw);
        }
        await().until(() -> simulator.activeStreams() == 0);
        assertEquals(0, simulator.cancelledStreams());
    }

    private static JsonObject request(String userMessage, boolean stream) {
        return SimWire.userMessage(userMessage).put("max_tokens", 1024).put("stream", stream);
    }

    private static JsonObject errorOf(HttpResponse<String> response) {
        JsonObject body = new JsonObject(response.body());
        assertEquals("error", body.getString("type"), response.body());
        return body.getJsonObject("error");
    }
}
