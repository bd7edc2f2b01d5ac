package dev.parley.ingest;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.avro.CancelRequested;
import dev.parley.avro.LedgerEvent;
import dev.parley.ingest.support.Api;
import dev.parley.ingest.support.FakeWorker;
import dev.parley.ingest.support.Gateway;
import dev.parley.ingest.support.LedgerProbe;
import dev.parley.ingest.support.SharedKafka;
import dev.parley.ingest.support.SseClient;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@DisplayName("Turn status comes from the ledger; cancel appends one CancelRequested")
@ExtendWith(SharedKafka.Extension.class)
class TurnStatusIT {

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
    @DisplayName("pending, then ?wait= returns completed with the ledger's text, which equals the streamed text")
    void pendingThenCompleted() {
        String sessionId = gateway.api().createSession();
        String turnId = gateway.api().submitTurn(sessionId, "hi");
        try (SseClient sse = SseClient.open(gateway.api().http(),
                gateway.api().uri("/v1/sessions/" + sessionId + "/events?turnId=" + turnId), Map.of())) {
            assertEquals(new JsonObject().put("turnId", turnId).put("status", "pending").put("text", ""),
                    gateway.api().get(path(sessionId, turnId)).json());

            CompletableFuture<Api.Response> waiting = gateway.api().getAsync(path(sessionId, turnId) + "?wait=30");
            // nothing ends the turn yet, so the waiting request must still be open
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !waiting.isDone());
            worker.stream(sessionId, turnId, 1, List.of("Streaming ", "equals ", "blocking")); // and its reply

            Api.Response answer = waiting.join();
            assertEquals(200, answer.status(), answer.body());
            assertEquals(new JsonObject().put("turnId", turnId).put("status", "completed")
                    .put("text", "Streaming equals blocking"), answer.json());
            await().atMost(TIMEOUT).until(() -> sse.hasEvent("done"));
            String streamed = sse.events("token").stream().map(e -> e.data().getString("text"))
                    .collect(Collectors.joining());
            assertEquals(answer.json().getString("text"), streamed);
        }
    }

    @Test
    @DisplayName("?wait= that expires answers pending")
    void waitExpires() {
        String sessionId = gateway.api().createSession();
        String turnId = gateway.api().submitTurn(sessionId, "hi");

        Api.Response answer = gateway.api().get(path(sessionId, turnId) + "?wait=1");

        assertEquals(200, answer.status(), answer.body());
        assertEquals("pending", answer.json().getString("status"));
    }

    @Test
    @DisplayName("failed and cancelled turns report the partial text and the reason")
    void failedAndCancelled() {
        String sessionId = gateway.api().createSession();
        String failing = gateway.api().submitTurn(sessionId, "one");
        String cancelled = gateway.api().submitTurn(sessionId, "two");

        worker.failed(sessionId, failing, 1, "partial", "backend error");
        worker.cancelled(sessionId, cancelled, 2, "half");

        assertEquals(new JsonObject().put("turnId", failing).put("status", "failed").put("text", "partial")
                .put("reason", "backend error"), gateway.api().get(path(sessionId, failing) + "?wait=10").json());
        assertEquals(new JsonObject().put("turnId", cancelled).put("status", "cancelled").put("text", "half")
                .put("reason", "cancel requested"), gateway.api().get(path(sessionId, cancelled) + "?wait=10").json());
    }

    @Test
    @DisplayName("cancel appends exactly one CancelRequested, and 409 turn_finished once the turn has ended")
    void cancel() {
        String sessionId = gateway.api().createSession();
        String turnId = gateway.api().submitTurn(sessionId, "long story");
        Map<TopicPartition, Long> mark = ledger.mark();

        Api.Response accepted = gateway.api().post(path(sessionId, turnId) + "/cancel", null);

        assertEquals(202, accepted.status(), accepted.body());
        assertEquals(new JsonObject().put("turnId", turnId).put("status", "cancelling"), accepted.json());
        List<LedgerEvent> appended = ledger.readToEnd(mark);
        assertEquals(1, appended.size(), appended.toString());
        assertEquals(turnId, appended.get(0).getTurnId());
        CancelRequested cancel = (CancelRequested) appended.get(0).getPayload();
        assertTrue(!cancel.getRequestedAt().isAfter(Instant.now()), cancel.toString());

        worker.cancelled(sessionId, turnId, 1, "long");
        Map<TopicPartition, Long> afterEnd = ledger.mark();
        Api.Response refused = gateway.api().post(path(sessionId, turnId) + "/cancel", null);

        assertEquals(409, refused.status(), refused.body());
        assertEquals("turn_finished", refused.errorCode());
        assertEquals(List.of(), ledger.appendedWithin(afterEnd, Duration.ofMillis(500)));
    }

    private static String path(String sessionId, String turnId) {
        return "/v1/sessions/" + sessionId + "/turns/" + turnId;
    }
}
