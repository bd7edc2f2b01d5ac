package dev.parley.ingest;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.avro.LedgerEvent;
import dev.parley.avro.UserTurn;
import dev.parley.schemas.ids.UuidV7;
import dev.parley.ingest.support.FakeWorker;
import dev.parley.ingest.support.Gateway;
import dev.parley.ingest.support.LedgerProbe;
import dev.parley.ingest.support.SharedKafka;
import dev.parley.ingest.support.WsClient;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@DisplayName("The WebSocket takes turns and streams the same events as SSE, with resume")
@ExtendWith(SharedKafka.Extension.class)
class WebSocketIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private static Gateway gateway;
    private static FakeWorker worker;
    private static LedgerProbe ledger;

    @BeforeAll
    static void start() {
        SharedKafka kafka = SharedKafka.get();
        gateway = Gateway.start(kafka.ingestConfig(Map.of()));
        worker = new FakeWorker(kafka.clientConfig());
        ledger = new LedgerProbe(kafka.clientConfig());
    }

    @AfterAll
    static void stop() {
        ledger.close();
        worker.close();
        gateway.close();
    }

    @Test
    @DisplayName("a turn frame is appended and accepted; its reply streams as frames; resume replays after a cursor")
    void turnEventsAndResume() {
        String sessionId = gateway.api().createSession();
        Map<TopicPartition, Long> mark = ledger.mark();
        try (WsClient ws = connect(sessionId, "")) {
            ws.send(new JsonObject().put("type", "turn").put("text", "over the socket").put("clientTurnId", "w1")
                    .put("route", "fast").put("spotlight", true));
            await().atMost(TIMEOUT).until(() -> !ws.frames("accepted").isEmpty());
            String turnId = ws.frames("accepted").get(0).getString("turnId");
            List<LedgerEvent> appended = ledger.readToEnd(mark);
            assertEquals(1, appended.size());
            assertEquals(turnId, appended.get(0).getTurnId());
            UserTurn user = (UserTurn) appended.get(0).getPayload();
            assertEquals("over the socket", user.getText());
            assertEquals("fast", user.getRoute());
            assertTrue(user.getSpotlight());

            List<RecordMetadata> written = worker.stream(sessionId, turnId, 1, List.of("one ", "two ", "three"));
            await().atMost(TIMEOUT).until(() -> !ws.frames("done").isEmpty());
            List<JsonObject> events = streamFrames(ws);
            assertEquals(List.of("token", "token", "token", "done"), types(events));
            assertEquals(EventStreamIT.cursors(written), events.stream().map(f -> f.getString("cursor")).toList());
            assertEquals(new JsonObject().put("type", "token").put("turnId", turnId).put("attempt", 1)
                    .put("seq", 0).put("stage", "answer").put("text", "one ").put("cursor", EventStreamIT.cursor(written.get(0))),
                    events.get(0));

            ws.send(new JsonObject().put("type", "resume").put("cursor", EventStreamIT.cursor(written.get(0))));
            await().atMost(TIMEOUT).until(() -> ws.frames("done").size() == 2);
            List<JsonObject> replayed = streamFrames(ws).subList(4, streamFrames(ws).size());
            assertEquals(EventStreamIT.cursors(written.subList(1, 4)),
                    replayed.stream().map(f -> f.getString("cursor")).toList());
        }
    }

    @Test
    @DisplayName("a staged reply's frames carry stage and confidence; stage boundaries are frames of their own")
    void stagesOverSocket() {
        String sessionId = gateway.api().createSession();
        String turnId = gateway.api().submitTurn(sessionId, "think");
        try (WsClient ws = connect(sessionId, "?turnId=" + turnId)) {
            worker.boundary(sessionId, turnId, 1, 0, "quick", "stage_start", 0.5f, "small");
            worker.stageChunk(sessionId, turnId, 1, 1, "quick", "Guess", 0.5f);
            worker.boundary(sessionId, turnId, 1, 2, "quick", "stage_end", 0.5f, null);
            worker.boundary(sessionId, turnId, 1, 3, "deep", "stage_start", 0.8f, "big");
            worker.stageChunk(sessionId, turnId, 1, 4, "deep", "Answer", 0.8f);
            worker.boundary(sessionId, turnId, 1, 5, "deep", "stage_end", 0.8f, null);
            worker.done(sessionId, turnId, 1, 6, null);
            await().atMost(TIMEOUT).until(() -> !ws.frames("done").isEmpty());
            List<JsonObject> frames = streamFrames(ws);
            assertEquals(List.of("stage:quick:start:0.5", "token:quick:Guess:0.5", "stage:quick:end:0.5",
                "stage:deep:start:0.8", "token:deep:Answer:0.8", "stage:deep:end:0.8", "done:null:null:null"),
                frames.stream().map(f -> f.getString("type") + ":" + f.getString("stage") + ":"
                    + (f.containsKey("boundary") ? f.getString("boundary") : f.getString("text")) + ":"
                    + f.getDouble("confidence")).toList());
            assertEquals("small", frames.get(0).getString("backend"));
        }
    }

    @Test
    @DisplayName("the same clientTurnId over the socket gets the same turnId")
    void clientTurnIdOverSocket() {
        String sessionId = gateway.api().createSession();
        try (WsClient ws = connect(sessionId, "")) {
            JsonObject turn = new JsonObject().put("type", "turn").put("text", "again").put("clientTurnId", "same");
            ws.send(turn);
            ws.send(turn);
            await().atMost(TIMEOUT).until(() -> ws.frames("accepted").size() == 2);
            List<JsonObject> accepted = ws.frames("accepted");
            assertEquals(accepted.get(0).getString("turnId"), accepted.get(1).getString("turnId"));
        }
    }

    @Test
    @DisplayName("bad frames get error frames and the socket stays open")
    void badFrames() {
        String sessionId = gateway.api().createSession();
        try (WsClient ws = connect(sessionId, "")) {
            ws.send(new JsonObject().put("type", "turn"));
            ws.send(new JsonObject().put("type", "resume").put("cursor", "nope"));
            ws.send(new JsonObject().put("type", "dance"));
            ws.send(new JsonObject().put("type", "turn").put("text", "hi").put("route", "no spaces"));
            ws.send(new JsonObject().put("type", "turn").put("text", "hi").put("spotlight", "yes"));
            await().atMost(TIMEOUT).until(() -> ws.frames("error").size() == 5);
            assertEquals(List.of("missing_text", "bad_cursor", "bad_request", "bad_route", "bad_spotlight"),
                    ws.frames("error").stream().map(f -> f.getString("code")).toList());

            ws.send(new JsonObject().put("type", "turn").put("text", "still works"));
            await().atMost(TIMEOUT).until(() -> !ws.frames("accepted").isEmpty());
            assertTrue(!ws.closed());
        }
    }

    @Test
    @DisplayName("an unknown session is refused before the upgrade")
    void unknownSession() {
        RuntimeException refused = assertThrows(RuntimeException.class,
                () -> connect(UuidV7.next().toString(), ""));
        Throwable cause = refused;
        while (cause != null && !(cause instanceof WebSocketHandshakeException)) {
            cause = cause.getCause();
        }
        assertTrue(cause != null, String.valueOf(refused));
        assertEquals(404, ((WebSocketHandshakeException) cause).getResponse().statusCode());
    }

    private static WsClient connect(String sessionId, String query) {
        URI uri = URI.create("ws://localhost:" + gateway.api().port() + "/v1/sessions/" + sessionId + "/ws" + query);
        return WsClient.connect(gateway.api().http(), uri);
    }

    private static List<JsonObject> streamFrames(WsClient ws) {
        return ws.frames().stream().filter(f -> f.containsKey("cursor")).toList();
    }

    private static List<String> types(List<JsonObject> frames) {
        return frames.stream().map(f -> f.getString("type")).toList();
    }
}
