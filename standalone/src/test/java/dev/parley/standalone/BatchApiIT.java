package dev.parley.standalone;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.standalone.client.ParleyHttp;
import dev.parley.standalone.client.SseClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Batched turns through the public API: POST /v1/batches/turns, the worker's one batch call to the simulator, each
 * agent's own stream over SSE and its turn in its own session's history.
 */
class BatchApiIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    @DisplayName("a batch of three agents is answered in one call: each SSE stream carries its own agent's reply, and the reply is in that session's history")
    void batchThroughThePublicApi(@TempDir Path dataDir) throws Exception {
        Map<String, String> env = StandaloneConfig.onFreePorts(dataDir);
        env.put("PARLEY_EMBEDDINGS", "none");
        try (Standalone parley = Standalone.start(StandaloneConfig.fromEnvironment(env))) {
            ParleyHttp api = new ParleyHttp(parley.url());
            List<String> sessions = List.of(api.createSession(), api.createSession(), api.createSession());
            List<String> replies = List.of("I fetch the rope.", "I guard the gate.", "I sing by the well.");
            ObjectNode body = ParleyHttp.JSON.createObjectNode().put("instructions", "You are villagers.");
            ArrayNode agents = body.putArray("agents");
            for (int i = 0; i < 3; i++) {
                ObjectNode agent = agents.addObject().put("sessionId", sessions.get(i)).put("agent", "npc" + i)
                    .put("text", "#sim: reply=\"" + replies.get(i) + "\" itl_ms=5\nWhat now, npc" + i + "?");
                agent.putObject("state").put("hp", 7 + i);
            }
            JsonNode accepted = ParleyHttp.expect(202, api.send("POST", "/v1/batches/turns", body.toString()));
            List<String> turns = new ArrayList<>();
            accepted.get("turns").forEach(turn -> turns.add(turn.get("turnId").asText()));
            assertEquals(3, turns.size());

            for (int i = 0; i < 3; i++) {
                String turn = turns.get(i);
                try (SseClient sse = api.events(sessions.get(i), ParleyHttp.turnQuery(turn))) {
                    await().atMost(WAIT).until(() -> ParleyHttp.terminal(sse.events(), turn) != null);
                    assertEquals("done", ParleyHttp.terminal(sse.events(), turn).type());
                    assertEquals(replies.get(i), ParleyHttp.streamedReply(sse.events(), turn),
                        "agent " + i + "'s stream has its own reply only");
                }
                JsonNode status = api.turnStatus(sessions.get(i), turn, 0);
                assertEquals(replies.get(i), status.get("text").asText());
                assertEquals(accepted.get("batchId").asText(), status.get("batch").get("batchId").asText());
                assertEquals("npc" + i, status.get("batch").get("agent").asText());
                assertEquals(3, status.get("batch").get("callAgents").asInt(), "one call answered all three");
            }

            // each agent's turn is an ordinary turn of its session: the next turn's context holds it
            String next = api.postTurn(sessions.get(0), "#sim: echo\nAnd then?");
            JsonNode echoed = api.turnStatus(sessions.get(0), next, 30);
            String context = echoed.get("text").asText();
            assertTrue(context.contains("What now, npc0?"), context);
            assertTrue(context.contains(replies.get(0)), context);
            assertFalse(context.contains(replies.get(1)), "no other agent's reply: " + context);
        }
    }
}
