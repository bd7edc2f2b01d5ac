package dev.parley.worker.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.worker.batch.BatchPrompt;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The simulator answering a batch call ({@link BatchPrompt}) with a streamed JSON array, over its real HTTP server. */
@ExtendWith(VertxExtension.class)
class LlmSimulatorBatchTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String A = "Hello there.\n#sim: tokens=4";
    private static final String B = "Quote me.\n#sim: reply=\"She said \\\"hi\\\"\\nand left.\"";
    private static final String C = "What now?";
    private static final String STATE = "{\"mood\":\"calm\",\"hp\":3}";

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

    @ParameterizedTest
    @EnumSource(Protocol.class)
    @DisplayName("a batch of three is answered as a JSON array in their order, each reply what its message alone gets")
    void answersInOrder(Protocol protocol) throws Exception {
        StreamedText streamed = stream(protocol, A, B, C);
        assertTrue(streamed.protocolEnded() && streamed.httpEnded(), streamed.body());
        Objects objects = objects(streamed.text());
        assertNull(objects.failure(), streamed.text());
        assertEquals(List.of("a", "b", "c"), objects.agents());
        assertEquals(alone(protocol, A), objects.replies().get(0));
        assertEquals("She said \"hi\"\nand left.", objects.replies().get(1));
        assertEquals(alone(protocol, C), objects.replies().get(2));
        assertEquals(streamed.tokens().size(), streamed.completionTokens(), "usage counts the whole array");

        List<String> tokens = streamed.tokens();
        assertEquals("[{\"agent\":\"a\",\"reply\":\"", tokens.get(0));
        assertTrue(tokens.contains(",{\"agent\":\"b\",\"reply\":\""), tokens.toString());
        assertTrue(tokens.contains("\"}"), "each object closes in a token of its own: " + tokens);
        assertTrue(tokens.contains(" \\\"hi\\\"") && tokens.contains("\\nand"),
            "the reply's tokens are JSON-escaped: " + tokens);
        assertEquals("]", tokens.get(tokens.size() - 1));
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    @DisplayName("without streaming the one reply holds the same array")
    void wholeReply(Protocol protocol) throws Exception {
        HttpResponse<String> response = SimWire.post(simulator.rootUrl() + StreamedText.path(protocol),
            request(protocol, agents(A, B, C), false), SimWire.ANTHROPIC_HEADERS);
        assertEquals(200, response.statusCode(), response.body());
        JsonObject body = new JsonObject(response.body());
        String text = switch (protocol) {
            case OPENAI -> body.getJsonArray("choices").getJsonObject(0).getJsonObject("message").getString("content");
            case OLLAMA -> body.getJsonObject("message").getString("content");
            case ANTHROPIC -> body.getJsonArray("content").getJsonObject(0).getString("text");
        };
        assertEquals(stream(protocol, A, B, C).text(), text);
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    @DisplayName("batch=omit leaves the agent out of the array")
    void omit(Protocol protocol) throws Exception {
        Objects objects = objects(stream(protocol, A, B + "\n#sim: batch=omit", C).text());
        assertNull(objects.failure());
        assertEquals(List.of("a", "c"), objects.agents());
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    @DisplayName("batch=duplicate puts the agent's object in twice")
    void duplicate(Protocol protocol) throws Exception {
        Objects objects = objects(stream(protocol, A, B + "\n#sim: batch=duplicate", C).text());
        assertNull(objects.failure());
        assertEquals(List.of("a", "b", "b", "c"), objects.agents());
        assertEquals(objects.replies().get(1), objects.replies().get(2));
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    @DisplayName("batch=extra adds an object for 'stranger', an agent not in the batch, after the agent's own")
    void extra(Protocol protocol) throws Exception {
        Objects objects = objects(stream(protocol, A, B + "\n#sim: batch=extra", C).text());
        assertNull(objects.failure());
        assertEquals(List.of("a", "b", "stranger", "c"), objects.agents());
        assertFalse(objects.replies().get(2).isEmpty());
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    @DisplayName("batch=malformed breaks the JSON at the agent's object, after intact earlier ones; the stream ends")
    void malformed(Protocol protocol) throws Exception {
        StreamedText streamed = stream(protocol, A, B + "\n#sim: batch=malformed", C);
        assertTrue(streamed.protocolEnded() && streamed.httpEnded(), streamed.body());
        Objects objects = objects(streamed.text());
        assertEquals(List.of("a"), objects.agents());
        assertEquals(alone(protocol, A), objects.replies().get(0));
        assertNotNull(objects.failure(), streamed.text());
        assertEquals(streamed.tokens().size(), streamed.completionTokens());
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    @DisplayName("batch=cut cuts the stream inside that agent's reply: no end event, no end of the HTTP body")
    void cut(Protocol protocol) throws Exception {
        StreamedText streamed = stream(protocol, A, B + "\n#sim: batch=cut", C);
        assertFalse(streamed.protocolEnded(), streamed.body());
        assertFalse(streamed.httpEnded(), streamed.body());
        assertEquals(-1, streamed.completionTokens());
        Objects objects = objects(streamed.text());
        assertEquals(List.of("a"), objects.agents());
        assertNotNull(objects.failure());
        String bStarts = ",{\"agent\":\"b\",\"reply\":\"";
        assertTrue(streamed.text().contains(bStarts + "She"), streamed.text());
        assertFalse(streamed.text().contains("left."), "cut part-way through b's reply: " + streamed.text());
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    @DisplayName("#sim: echo on an agent replies with its own entry of the batch: name, state and message")
    void echo(Protocol protocol) throws Exception {
        String echoed = "Who am I?\n#sim: echo";
        Objects objects = objects(stream(protocol, A, echoed, C).text());
        assertEquals(List.of("a", "b", "c"), objects.agents());
        JsonNode entry = JSON.readTree(objects.replies().get(1));
        assertEquals(JSON.readTree("{\"agent\":\"b\",\"state\":" + STATE + ",\"message\":"
            + JSON.writeValueAsString(echoed) + "}"), entry);
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    @DisplayName("a whole-call fault on an agent's message fails the call: a status before streaming, fail_after in it")
    void callFaults(Protocol protocol) throws Exception {
        String url = simulator.rootUrl() + StreamedText.path(protocol);
        HttpResponse<String> first = SimWire.post(url, request(protocol, agents(A + "\n#sim: status=503", B, C), true),
            SimWire.ANTHROPIC_HEADERS);
        assertEquals(503, first.statusCode(), first.body());
        HttpResponse<String> later = SimWire.post(url, request(protocol, agents(A, B, C + "\n#sim: status=429"), true),
            SimWire.ANTHROPIC_HEADERS);
        assertEquals(429, later.statusCode(), "the first agent that sets a call fault decides: " + later.body());

        StreamedText failed = stream(protocol, A + "\n#sim: fail_after=2", B, C);
        assertFalse(failed.protocolEnded(), failed.body());
        assertEquals(2, failed.tokens().size(), failed.body());
        assertTrue(failed.text().startsWith("[{\"agent\":\"a\",\"reply\":\""), failed.text());
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    @DisplayName("a request that is not a batch call is answered as before, even when it looks like one")
    void notABatch(Protocol protocol) throws Exception {
        String plain = "Hi\n#sim: reply=\"plain text\"";
        assertEquals("plain text", StreamedText.request(simulator.port(), protocol, request(protocol, plain, true))
            .text());
        String broken = "{\"agents\":[{\"agent\":\"a\"\n#sim: reply=\"not a batch\"";
        assertEquals("not a batch", StreamedText.request(simulator.port(), protocol, request(protocol, broken, true))
            .text());
    }

    /** What the simulator streams for one message sent alone, not in a batch. */
    private String alone(Protocol protocol, String message) throws IOException {
        return StreamedText.request(simulator.port(), protocol, request(protocol, message, true)).text();
    }

    private StreamedText stream(Protocol protocol, String... messages) throws IOException {
        return StreamedText.request(simulator.port(), protocol, request(protocol, agents(messages), true));
    }

    /** Agents a, b, c... with these messages; b has a state. */
    private static String agents(String... messages) {
        List<BatchPrompt.Agent> agents = new ArrayList<>();
        for (int i = 0; i < messages.length; i++) {
            agents.add(new BatchPrompt.Agent(String.valueOf((char) ('a' + i)), i == 1 ? STATE : null, messages[i]));
        }
        return BatchPrompt.agentsJson(agents);
    }

    /** A batch call's messages in each protocol's request: the format as system prompt, the agents as user message. */
    private static JsonObject request(Protocol protocol, String userMessage, boolean stream) {
        JsonObject user = new JsonObject().put("role", "user").put("content", userMessage);
        JsonObject body = new JsonObject().put("model", "anything").put("stream", stream);
        switch (protocol) {
            case OPENAI -> body.put("messages", new JsonArray()
                    .add(new JsonObject().put("role", "system").put("content", BatchPrompt.FORMAT)).add(user))
                .put("stream_options", stream ? new JsonObject().put("include_usage", true) : null);
            case OLLAMA -> body.put("messages", new JsonArray()
                .add(new JsonObject().put("role", "system").put("content", BatchPrompt.FORMAT)).add(user));
            case ANTHROPIC -> body.put("system", BatchPrompt.FORMAT).put("max_tokens", 4096)
                .put("messages", new JsonArray().add(user));
        }
        return body;
    }

    /**
     * The array's objects as far as they parse, as a client reading it incrementally would get them.
     *
     * @param failure why parsing stopped before the array's end, or null
     */
    private record Objects(List<String> agents, List<String> replies, Exception failure) {
    }

    private static Objects objects(String text) throws IOException {
        List<String> agents = new ArrayList<>();
        List<String> replies = new ArrayList<>();
        try (JsonParser parser = JSON.createParser(text)) {
            assertEquals(JsonToken.START_ARRAY, parser.nextToken(), text);
            while (parser.nextToken() == JsonToken.START_OBJECT) {
                JsonNode object = JSON.readTree(parser);
                agents.add(object.path("agent").asText());
                replies.add(object.path("reply").asText());
            }
            assertEquals(JsonToken.END_ARRAY, parser.currentToken(), text);
            assertNull(parser.nextToken(), "nothing after the array: " + text);
        } catch (JsonProcessingException e) {
            return new Objects(agents, replies, e);
        }
        return new Objects(agents, replies, null);
    }
}
