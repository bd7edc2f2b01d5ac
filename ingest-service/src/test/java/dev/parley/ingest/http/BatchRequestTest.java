package dev.parley.ingest.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.ingest.ApiException;
import dev.parley.ingest.IngestConfig;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("A batch body is validated, agent by agent, before anything is written")
class BatchRequestTest {

    private static final int MAX_BYTES = 100;
    private static final int MAX_AGENTS = 3;

    private static BatchRequest parse(String body) {
        return BatchRequest.parse(Buffer.buffer(body), MAX_BYTES, MAX_AGENTS);
    }

    private static ApiException refused(String body) {
        return assertThrows(ApiException.class, () -> parse(body));
    }

    private static String batch(JsonObject... agents) {
        return new JsonObject().put("agents", new JsonArray(List.of((Object[]) agents))).encode();
    }

    private static JsonObject agent(String sessionId, String text) {
        return new JsonObject().put("sessionId", sessionId).put("text", text);
    }

    @Test
    @DisplayName("agents are read in order with instructions and route; states become compact JSON")
    void valid() {
        BatchRequest batch = parse("""
                {"instructions": "Stay in character.", "route": "npc-fast", "agents": [
                  {"sessionId": "s1", "agent": "guard", "text": "Halt!", "state": { "hp" : 12, "mood": ["wary"] }},
                  {"sessionId": "s2", "text": "Hello", "state": "plain string"},
                  {"sessionId": "s3", "agent": null, "text": "Hi", "state": null}]}
                """);

        assertEquals("Stay in character.", batch.instructions());
        assertEquals("npc-fast", batch.route());
        assertEquals(List.of(
                new BatchRequest.Agent("s1", "guard", "Halt!", "{\"hp\":12,\"mood\":[\"wary\"]}"),
                new BatchRequest.Agent("s2", "agent-1", "Hello", "\"plain string\""),
                new BatchRequest.Agent("s3", "agent-2", "Hi", null)), batch.agents());
    }

    @Test
    @DisplayName("retryAlone is false unless the batch says true; anything but a boolean is refused")
    void retryAlone() {
        assertFalse(parse(batch(agent("s1", "Hi"))).retryAlone());
        assertTrue(parse("{\"retryAlone\": true, \"agents\": [{\"sessionId\": \"s1\", \"text\": \"Hi\"}]}")
                .retryAlone());
        ApiException e = refused("{\"retryAlone\": \"yes\", \"agents\": [{\"sessionId\": \"s1\", \"text\": \"Hi\"}]}");
        assertEquals(400, e.status());
        assertEquals("retryAlone must be true or false", e.getMessage());
    }

    @Test
    @DisplayName("without instructions, route and states, those are null")
    void minimal() {
        BatchRequest batch = parse(batch(agent("s1", "hi")));

        assertNull(batch.instructions());
        assertNull(batch.route());
        assertEquals(List.of(new BatchRequest.Agent("s1", "agent-0", "hi", null)), batch.agents());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"{}", "{\"agents\": []}", "{\"agents\": {}}", "{\"agents\": null}",
            "{\"agents\": [{\"sessionId\":\"a\",\"text\":\"1\"},{\"sessionId\":\"b\",\"text\":\"2\"},"
                    + "{\"sessionId\":\"c\",\"text\":\"3\"},{\"sessionId\":\"d\",\"text\":\"4\"}]}"})
    @DisplayName("agents must be an array of 1 to the most agents allowed: bad_request")
    void agentCount(String body) {
        ApiException error = refused(body);

        assertEquals(400, error.status());
        assertEquals("bad_request", error.code());
        assertEquals("agents must be an array of 1 to 3 agents", error.getMessage());
    }

    @Test
    @DisplayName("two agents in one session get bad_request naming both")
    void duplicateSession() {
        ApiException error = refused(batch(agent("s1", "a"), agent("s2", "b"), agent("s1", "c")));

        assertEquals("bad_request", error.code());
        assertTrue(error.getMessage().startsWith("agents[2].sessionId is the same as agents[0]'s"),
                error.getMessage());
    }

    @Test
    @DisplayName("two agents with one name get bad_request, also when the name is a default one")
    void duplicateName() {
        ApiException named = refused(batch(agent("s1", "a").put("agent", "npc"), agent("s2", "b").put("agent", "npc")));
        ApiException defaulted = refused(batch(agent("s1", "a").put("agent", "agent-1"), agent("s2", "b")));

        assertEquals("bad_request", named.code());
        assertTrue(named.getMessage().startsWith("agents[1].agent is the same as agents[0]'s"), named.getMessage());
        assertEquals("bad_request", defaulted.code());
    }

    @Test
    @DisplayName("a missing or blank text gets missing_text naming the agent")
    void missingText() {
        ApiException missing = refused(batch(agent("s1", "a"), new JsonObject().put("sessionId", "s2")));
        ApiException blank = refused(batch(agent("s1", "  ")));

        assertEquals("missing_text", missing.code());
        assertEquals("agents[1].text must be a non-empty string", missing.getMessage());
        assertEquals("missing_text", blank.code());
    }

    @Test
    @DisplayName("a text, a state or instructions over the turn limit get 413 turn_too_large")
    void sizes() {
        String big = "é".repeat(51); // 102 UTF-8 bytes

        ApiException text = refused(batch(agent("s1", big)));
        ApiException state = refused(batch(agent("s1", "a").put("state", new JsonObject().put("k", "x".repeat(95)))));
        ApiException instructions = refused(new JsonObject().put("instructions", big)
                .put("agents", new JsonArray().add(agent("s1", "a"))).encode());

        for (ApiException error : List.of(text, state, instructions)) {
            assertEquals(413, error.status());
            assertEquals("turn_too_large", error.code());
        }
        assertEquals("agents[0].text is 102 UTF-8 bytes; the limit is 100", text.getMessage());
        assertEquals("agents[0].state as compact JSON is 103 UTF-8 bytes; the limit is 100", state.getMessage());
        assertEquals("instructions is 102 UTF-8 bytes; the limit is 100", instructions.getMessage());
    }

    @Test
    @DisplayName("an agent's text and state with the instructions, each within the limit, must fit one Kafka record")
    void oneRecord() {
        int max = IngestConfig.MAX_TURN_BYTES_LIMIT;
        String body = new JsonObject().put("instructions", "i".repeat(400_000)).put("agents", new JsonArray()
                .add(agent("s1", "small"))
                .add(agent("s2", "t".repeat(300_000)).put("state", "s".repeat(300_000)))).encode();

        ApiException error = assertThrows(ApiException.class, () -> BatchRequest.parse(Buffer.buffer(body), max, 2));

        assertEquals(413, error.status());
        assertEquals("turn_too_large", error.code());
        assertTrue(error.getMessage().startsWith("agents[1]'s text and state and the instructions are 1000002 "),
                error.getMessage());
    }

    @Test
    @DisplayName("bad fields get bad_request, a bad route bad_route, and a body that is not a JSON object invalid_json")
    void badFields() {
        assertEquals("bad_request", refused(batch(new JsonObject().put("text", "no session"))).code());
        assertEquals("bad_request", refused(batch(agent("", "a"))).code());
        assertEquals("bad_request", refused(batch(agent("s1", "a").put("agent", ""))).code());
        assertEquals("bad_request", refused(batch(agent("s1", "a").put("agent", "n".repeat(65)))).code());
        assertEquals("bad_request", refused(batch(agent("s1", "a").put("agent", 7))).code());
        assertEquals("bad_request", refused("{\"agents\": [\"s1\"]}").code());
        assertEquals("bad_request", refused("{\"instructions\": 5, \"agents\": [{\"sessionId\":\"s\",\"text\":\"a\"}]}")
                .code());
        assertEquals("bad_route", refused("{\"route\": \"a b\", \"agents\": [{\"sessionId\":\"s\",\"text\":\"a\"}]}")
                .code());
        assertEquals("invalid_json", refused("[]").code());
        assertEquals("invalid_json", refused("").code());
        ApiException broken = refused("{\"agents\": [");
        assertEquals("invalid_json", broken.code());
        assertTrue(broken.getMessage().startsWith("the body is not valid JSON: line 1"), broken.getMessage());
    }
}
