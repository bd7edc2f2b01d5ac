package dev.parley.ingest.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.ingest.ApiException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A batch is answered 202 only when every agent's turn was written, else with what was written")
class BatchHandlersTest {

    private static final List<BatchRequest.Agent> AGENTS = List.of(
            new BatchRequest.Agent("s0", "smith", "hi", null),
            new BatchRequest.Agent("s1", "baker", "hi", null),
            new BatchRequest.Agent("s2", "guard", "hi", null));

    @Test
    @DisplayName("every turn written: 202 with each agent's turn in request order")
    void allWritten() {
        BatchHandlers.Answer answer = BatchHandlers.answer("b", AGENTS, List.of(Future.succeededFuture("t0"),
                Future.succeededFuture("t1"), Future.succeededFuture("t2")));

        assertEquals(202, answer.status());
        assertEquals(new JsonObject().put("batchId", "b").put("turns", new JsonArray()
                .add(turn("smith", "s0", "t0")).add(turn("baker", "s1", "t1")).add(turn("guard", "s2", "t2"))),
                answer.body());
    }

    @Test
    @DisplayName("some turns not written: the write failure's 500 naming the turns written and the agents not")
    void someNotWritten() {
        ApiException kafkaDown = ApiException.kafkaWriteFailed(new IllegalStateException("broker unreachable"));
        BatchHandlers.Answer answer = BatchHandlers.answer("b", AGENTS, List.of(Future.succeededFuture("t0"),
                Future.failedFuture(kafkaDown), Future.succeededFuture("t2")));

        assertEquals(500, answer.status());
        JsonObject error = answer.body().getJsonObject("error");
        assertEquals("kafka_write_failed", error.getString("code"));
        assertTrue(error.getString("message").startsWith("1 of 3 turns of batch b were not written (the event was not "
                + "stored in Kafka: broker unreachable)"), error.getString("message"));
        assertEquals("b", answer.body().getString("batchId"));
        assertEquals(new JsonArray().add(turn("smith", "s0", "t0")).add(turn("guard", "s2", "t2")),
                answer.body().getJsonArray("turns"));
        assertEquals(new JsonArray().add(new JsonObject().put("agent", "baker").put("sessionId", "s1")),
                answer.body().getJsonArray("failed"));
    }

    private static JsonObject turn(String agent, String sessionId, String turnId) {
        return new JsonObject().put("agent", agent).put("sessionId", sessionId).put("turnId", turnId)
                .put("events", "/v1/sessions/" + sessionId + "/events?turnId=" + turnId);
    }
}
