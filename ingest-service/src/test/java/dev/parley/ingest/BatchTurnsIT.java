package dev.parley.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.avro.BatchTag;
import dev.parley.avro.LedgerEvent;
import dev.parley.avro.UserTurn;
import dev.parley.ingest.support.Api;
import dev.parley.ingest.support.Gateway;
import dev.parley.ingest.support.LedgerProbe;
import dev.parley.ingest.support.SharedKafka;
import dev.parley.schemas.ids.UuidV7;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@DisplayName("POST /v1/batches/turns writes one tagged UserTurn per agent, each in its own session, before the 202")
@ExtendWith(SharedKafka.Extension.class)
class BatchTurnsIT {

    private static final String PATH = "/v1/batches/turns";
    private static final int MAX_AGENTS = 3;
    private static final int MAX_TURN_BYTES = 1_000;

    private static Gateway gateway;
    private static LedgerProbe ledger;

    @BeforeAll
    static void start() {
        SharedKafka kafka = SharedKafka.get();
        gateway = Gateway.start(kafka.ingestConfig(Map.of(IngestConfig.BATCH_MAX_AGENTS, "" + MAX_AGENTS,
                IngestConfig.MAX_TURN_BYTES, "" + MAX_TURN_BYTES)));
        ledger = new LedgerProbe(kafka.clientConfig());
    }

    @AfterAll
    static void stop() {
        ledger.close();
        gateway.close();
    }

    private static Api api() {
        return gateway.api();
    }

    private static JsonObject agent(String sessionId, String name, String text) {
        return new JsonObject().put("sessionId", sessionId).put("agent", name).put("text", text);
    }

    private static String batch(JsonObject... agents) {
        return new JsonObject().put("agents", new JsonArray(List.of((Object[]) agents))).encode();
    }

    @Test
    @DisplayName("a 202 for 3 agents means their 3 UserTurns are in the ledger, one per session, tagged with one batch")
    void batchIsDurableBefore202() {
        List<String> sessions = List.of(api().createSession(), api().createSession(), api().createSession());
        String body = new JsonObject()
                .put("instructions", "You are villagers in a fantasy town.")
                .put("route", "npc")
                .put("agents", new JsonArray()
                        .add(agent(sessions.get(0), "smith", "Need a sword?")
                                .put("state", new JsonObject().put("mood", "grumpy").put("gold", 12)))
                        .add(agent(sessions.get(1), "baker", "Fresh bread!")
                                .put("state", new JsonArray().add(1).add(true).add((Object) null)))
                        .add(new JsonObject().put("sessionId", sessions.get(2)).put("text", "Who goes there?")))
                .encode();
        Map<TopicPartition, Long> mark = ledger.mark();

        Api.Response response = api().post(PATH, body);

        assertEquals(202, response.status(), response.body());
        String batchId = response.json().getString("batchId");
        assertTrue(UuidV7.parse(batchId).isPresent(), batchId);
        JsonArray turns = response.json().getJsonArray("turns");
        assertEquals(3, turns.size(), turns.encode());
        List<String> names = List.of("smith", "baker", "agent-2");
        for (int i = 0; i < 3; i++) {
            JsonObject turn = turns.getJsonObject(i);
            assertEquals(names.get(i), turn.getString("agent"));
            assertEquals(sessions.get(i), turn.getString("sessionId"));
            assertEquals("/v1/sessions/" + sessions.get(i) + "/events?turnId=" + turn.getString("turnId"),
                    turn.getString("events"));
        }

        List<LedgerEvent> appended = ledger.readToEnd(mark); // no waiting: every turn must be there already
        assertEquals(3, appended.size(), appended.toString());
        Map<String, LedgerEvent> bySession = appended.stream()
                .collect(Collectors.toMap(LedgerEvent::getSessionId, event -> event));
        assertEquals(3, bySession.size(), "each turn in its own session");
        List<String> states = List.of("{\"mood\":\"grumpy\",\"gold\":12}", "[1,true,null]");
        List<String> texts = List.of("Need a sword?", "Fresh bread!", "Who goes there?");
        for (int i = 0; i < 3; i++) {
            LedgerEvent event = bySession.get(sessions.get(i));
            assertEquals(turns.getJsonObject(i).getString("turnId"), event.getTurnId());
            UserTurn turn = (UserTurn) event.getPayload();
            assertEquals(texts.get(i), turn.getText());
            assertEquals("npc", turn.getRoute());
            assertNull(turn.getClientTurnId());
            BatchTag tag = turn.getBatch();
            assertEquals(batchId, tag.getBatchId());
            assertEquals(names.get(i), tag.getAgent());
            assertEquals(i, tag.getPosition());
            assertEquals(3, tag.getAgents());
            assertEquals(i < 2 ? states.get(i) : null, tag.getState());
            assertEquals("You are villagers in a fantasy town.", tag.getInstructions());
        }
    }

    @Test
    @DisplayName("a bad batch gets 400 (no agents, one session twice, one name twice, too many agents), "
            + "a body over the limit 413, and nothing is written")
    void badBatchesWriteNothing() {
        String first = api().createSession();
        String second = api().createSession();
        Map<TopicPartition, Long> mark = ledger.mark();

        Map<String, Api.Response> refused = Map.of(
                "no agents", api().post(PATH, batch()),
                "one session twice", api().post(PATH, batch(agent(first, "a", "hi"), agent(first, "b", "hi"))),
                "one name twice", api().post(PATH, batch(agent(first, "npc", "hi"), agent(second, "npc", "hi"))),
                "too many agents", api().post(PATH, batch(agent(first, "a", "hi"), agent(second, "b", "hi"),
                        agent(UuidV7.next().toString(), "c", "hi"), agent(UuidV7.next().toString(), "d", "hi"))),
                "a blank text", api().post(PATH, batch(agent(first, "a", " "))));
        refused.forEach((what, response) -> {
            assertEquals(400, response.status(), what + ": " + response.body());
            assertEquals(what.equals("a blank text") ? "missing_text" : "bad_request", response.errorCode(), what);
        });
        assertEquals("agents must be an array of 1 to 3 agents",
                refused.get("too many agents").json().getJsonObject("error").getString("message"));

        Api.Response tooLarge = api().post(PATH, new JsonObject().put("padding", "x".repeat(MAX_TURN_BYTES * 11))
                .put("agents", new JsonArray().add(agent(first, "a", "hi"))).encode());
        assertEquals(413, tooLarge.status(), tooLarge.body());
        assertEquals("turn_too_large", tooLarge.errorCode());

        assertEquals(List.of(), ledger.appendedWithin(new HashMap<>(mark), Duration.ofSeconds(1)));
    }

    @Test
    @DisplayName("an unknown session gets the 404 a single turn gets, and no agent's turn is written")
    void unknownSessionWritesNothing() {
        String known = api().createSession();
        String unknown = UuidV7.next().toString();
        Map<TopicPartition, Long> mark = ledger.mark();

        Api.Response response = api().post(PATH, batch(agent(known, "a", "hi"), agent(unknown, "b", "hi")));
        Api.Response single = api().post("/v1/sessions/" + unknown + "/turns",
                new JsonObject().put("text", "hi").encode());

        assertEquals(404, response.status(), response.body());
        assertEquals(single.body(), response.body());
        assertEquals(List.of(), ledger.appendedWithin(new HashMap<>(mark), Duration.ofSeconds(1)));
    }
}
