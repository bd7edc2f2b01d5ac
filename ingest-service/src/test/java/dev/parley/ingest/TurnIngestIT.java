package dev.parley.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.avro.GenerationSettings;
import dev.parley.avro.LedgerEvent;
import dev.parley.avro.SessionCreated;
import dev.parley.avro.UserTurn;
import dev.parley.schemas.ids.UuidV7;
import dev.parley.ingest.support.Api;
import dev.parley.ingest.support.Gateway;
import dev.parley.ingest.support.LedgerProbe;
import dev.parley.ingest.support.SharedKafka;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@DisplayName("Sessions and turns are written to the ledger before the gateway answers")
@ExtendWith(SharedKafka.Extension.class)
class TurnIngestIT {

    private static SharedKafka kafka;
    private static Gateway gateway;
    private static LedgerProbe ledger;

    @BeforeAll
    static void start() {
        kafka = SharedKafka.get();
        gateway = Gateway.start(kafka.ingestConfig(Map.of()));
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

    @Test
    @DisplayName("POST /v1/sessions answers 201 with a UUIDv7 id only after its SessionCreated is in the ledger")
    void sessionCreatedIsDurable() {
        Map<TopicPartition, Long> mark = ledger.mark();

        String sessionId = api().createSession();

        assertTrue(UuidV7.parse(sessionId).isPresent(), sessionId);
        List<LedgerEvent> appended = ledger.readToEnd(mark);
        assertEquals(1, appended.size(), appended.toString());
        LedgerEvent created = appended.get(0);
        assertEquals(sessionId, created.getSessionId());
        assertEquals("", created.getTurnId());
        assertTrue(created.getPayload() instanceof SessionCreated, created.toString());
    }

    @Test
    @DisplayName("a 202 for a turn means its UserTurn is already in the ledger")
    void turnIsDurableBefore202() {
        String sessionId = api().createSession();
        Map<TopicPartition, Long> mark = ledger.mark();

        Api.Response response = api().post("/v1/sessions/" + sessionId + "/turns",
                new JsonObject().put("text", "Hello, Parley").encode());

        assertEquals(202, response.status(), response.body());
        String turnId = response.json().getString("turnId");
        assertEquals("/v1/sessions/" + sessionId + "/events?turnId=" + turnId, response.json().getString("events"));
        List<LedgerEvent> appended = ledger.readToEnd(mark); // no waiting: it must be there already
        assertEquals(1, appended.size(), appended.toString());
        LedgerEvent event = appended.get(0);
        assertEquals(sessionId, event.getSessionId());
        assertEquals(turnId, event.getTurnId());
        assertEquals(0, event.getAttempt());
        assertEquals("ingest-service", event.getProducer());
        assertEquals("Hello, Parley", ((UserTurn) event.getPayload()).getText());
    }

    @Test
    @DisplayName("route and spotlight reach the UserTurn; without them the turn has no route and no spotlight")
    void routeAndSpotlightReachTheLedger() {
        String sessionId = api().createSession();
        Map<TopicPartition, Long> mark = ledger.mark();

        Api.Response asked = api().post("/v1/sessions/" + sessionId + "/turns",
                new JsonObject().put("text", "think hard").put("route", "staged").put("spotlight", true).encode());
        Api.Response plain = api().post("/v1/sessions/" + sessionId + "/turns",
                new JsonObject().put("text", "quick one").encode());

        assertEquals(202, asked.status(), asked.body());
        assertEquals(202, plain.status(), plain.body());
        List<LedgerEvent> appended = userTurns(ledger.readToEnd(mark));
        assertEquals(2, appended.size(), appended.toString());
        UserTurn first = (UserTurn) appended.get(0).getPayload();
        UserTurn second = (UserTurn) appended.get(1).getPayload();
        assertEquals(asked.json().getString("turnId"), appended.get(0).getTurnId());
        assertEquals("staged", first.getRoute());
        assertTrue(first.getSpotlight());
        assertEquals(null, second.getRoute());
        assertEquals(false, second.getSpotlight());
    }

    @Test
    @DisplayName("generation settings reach the UserTurn; without them it has none")
    void generationReachesTheLedger() {
        String sessionId = api().createSession();
        Map<TopicPartition, Long> mark = ledger.mark();

        Api.Response asked = api().post("/v1/sessions/" + sessionId + "/turns", new JsonObject().put("text", "brief")
                .put("generation", new JsonObject().put("maxTokens", 5).put("topP", 0.5).put("stop", "END")).encode());
        Api.Response plain = api().post("/v1/sessions/" + sessionId + "/turns",
                new JsonObject().put("text", "long").encode());

        assertEquals(202, asked.status(), asked.body());
        assertEquals(202, plain.status(), plain.body());
        List<LedgerEvent> appended = userTurns(ledger.readToEnd(mark));
        assertEquals(2, appended.size(), appended.toString());
        assertEquals(new GenerationSettings(5, null, 0.5, List.of("END")),
                ((UserTurn) appended.get(0).getPayload()).getGeneration());
        assertEquals(null, ((UserTurn) appended.get(1).getPayload()).getGeneration());
    }

    @Test
    @DisplayName("the same clientTurnId twice returns the same turnId and appends one UserTurn")
    void clientTurnIdIsIdempotent() {
        String sessionId = api().createSession();
        Map<TopicPartition, Long> mark = ledger.mark();

        String first = submitWithClientTurnId(sessionId, "ct-1");
        String second = submitWithClientTurnId(sessionId, "ct-1");

        assertEquals(first, second);
        assertEquals(1, userTurns(ledger.appendedWithin(mark, Duration.ofSeconds(1))).size());
    }

    @Test
    @DisplayName("the same clientTurnId after a gateway restart is found in the ledger: same turnId, nothing appended")
    void clientTurnIdSurvivesRestart() {
        String sessionId = api().createSession();
        String first = submitWithClientTurnId(sessionId, "ct-restart");
        Map<TopicPartition, Long> mark = ledger.mark();

        gateway.restart();
        String again = submitWithClientTurnId(sessionId, "ct-restart");

        assertEquals(first, again);
        assertEquals(List.of(), ledger.appendedWithin(mark, Duration.ofSeconds(1)));
    }

    @Test
    @DisplayName("concurrent requests with the same clientTurnId append exactly one UserTurn")
    void concurrentClientTurnIdsAppendOnce() {
        String sessionId = api().createSession();
        Map<TopicPartition, Long> mark = ledger.mark();
        String body = new JsonObject().put("text", "once").put("clientTurnId", "ct-race").encode();

        List<CompletableFuture<Api.Response>> requests = IntStream.range(0, 8)
                .mapToObj(i -> api().postAsync("/v1/sessions/" + sessionId + "/turns", body)).toList();
        List<Api.Response> responses = requests.stream().map(CompletableFuture::join).toList();

        responses.forEach(response -> assertEquals(202, response.status(), response.body()));
        Set<String> turnIds = responses.stream().map(r -> r.json().getString("turnId")).collect(Collectors.toSet());
        assertEquals(1, turnIds.size(), turnIds.toString());
        List<LedgerEvent> turns = userTurns(ledger.appendedWithin(mark, Duration.ofSeconds(1)));
        assertEquals(1, turns.size(), turns.toString());
        assertEquals(turnIds.iterator().next(), turns.get(0).getTurnId());
    }

    @Test
    @DisplayName("different clientTurnIds are different turns")
    void differentClientTurnIdsAreDifferentTurns() {
        String sessionId = api().createSession();

        assertTrue(!submitWithClientTurnId(sessionId, "a").equals(submitWithClientTurnId(sessionId, "b")));
    }

    private String submitWithClientTurnId(String sessionId, String clientTurnId) {
        Api.Response response = api().post("/v1/sessions/" + sessionId + "/turns",
                new JsonObject().put("text", "hi").put("clientTurnId", clientTurnId).encode());
        assertEquals(202, response.status(), response.body());
        return response.json().getString("turnId");
    }

    private static List<LedgerEvent> userTurns(List<LedgerEvent> events) {
        return events.stream().filter(event -> event.getPayload() instanceof UserTurn).toList();
    }
}
