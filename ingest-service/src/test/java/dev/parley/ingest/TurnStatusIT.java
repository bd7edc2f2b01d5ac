package dev.parley.ingest;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.avro.AssistantReply;
import dev.parley.avro.BackendCall;
import dev.parley.avro.CancelRequested;
import dev.parley.avro.ReplyCancelled;
import dev.parley.avro.ReplyFailed;
import dev.parley.avro.RouteChoice;
import dev.parley.avro.StageText;
import dev.parley.avro.Usage;
import dev.parley.avro.LedgerEvent;
import dev.parley.ingest.support.Api;
import dev.parley.ingest.support.FakeWorker;
import dev.parley.ingest.support.Gateway;
import dev.parley.ingest.support.LedgerProbe;
import dev.parley.ingest.support.SharedKafka;
import dev.parley.ingest.support.SseClient;
import io.vertx.core.json.JsonArray;
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
            assertEquals(ended(new JsonObject().put("turnId", turnId).put("status", "completed")
                    .put("text", "Streaming equals blocking")), answer.json());
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

        assertEquals(ended(new JsonObject().put("turnId", failing).put("status", "failed").put("text", "partial")
                .put("reason", "backend error")), gateway.api().get(path(sessionId, failing) + "?wait=10").json());
        assertEquals(ended(new JsonObject().put("turnId", cancelled).put("status", "cancelled").put("text", "half")
                .put("reason", "cancel requested")), gateway.api().get(path(sessionId, cancelled) + "?wait=10").json());
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

    @Test
    @DisplayName("a completed staged turn reports its route, backend, stages, every backend call, usage and cost")
    void completedWithRouteStagesAndAttempts() {
        String sessionId = gateway.api().createSession();
        String turnId = gateway.api().submitTurn(sessionId, "think");
        AssistantReply reply = AssistantReply.newBuilder().setText("Deep answer").setModel("big-1")
                .setFinishReason("stop").setUsage(usage(30, 12, true)).setBackend("big")
                .setRoute(new RouteChoice("staged", "requested"))
                .setStages(List.of(new StageText("quick", "Fast guess", 0.5f, "small"),
                        new StageText("deep", "Deep answer", 0.9f, "big")))
                .setAttempts(List.of(
                        call(1, "quick", "flaky", "failed", "connect refused", "connect", "", null, 0.0),
                        call(1, "quick", "small", "completed", null, null, "Fast guess", usage(10, 2, false), 0.001),
                        call(1, "deep", "big", "completed", null, null, "Deep answer", usage(20, 10, true), 0.02)))
                .setCostUsd(0.021).build();

        worker.terminal(sessionId, turnId, 1, reply);

        JsonObject status = gateway.api().get(path(sessionId, turnId) + "?wait=10").json();
        assertEquals("completed", status.getString("status"));
        assertEquals(new JsonObject().put("route", "staged").put("rule", "requested"), status.getJsonObject("route"));
        assertEquals("big", status.getString("backend"));
        assertEquals(new JsonArray()
                .add(new JsonObject().put("stage", "quick").put("text", "Fast guess").put("confidence", 0.5)
                        .put("backend", "small"))
                .add(new JsonObject().put("stage", "deep").put("text", "Deep answer").put("confidence", 0.9)
                        .put("backend", "big")), status.getJsonArray("stages"));
        assertEquals(3, status.getJsonArray("attempts").size());
        assertEquals(new JsonObject().put("attempt", 1).put("stage", "quick").put("backend", "flaky")
                .putNull("model").put("outcome", "failed").put("reason", "connect refused")
                .put("failureKind", "connect").put("partialText", "").putNull("usage").put("costUsd", 0.0),
                status.getJsonArray("attempts").getJsonObject(0));
        assertEquals(new JsonObject().put("promptTokens", 20).put("completionTokens", 10)
                .put("cachedPromptTokens", 0).put("estimated", true),
                status.getJsonArray("attempts").getJsonObject(2).getJsonObject("usage"));
        assertEquals(new JsonObject().put("promptTokens", 30).put("completionTokens", 12)
                .put("cachedPromptTokens", 0).put("estimated", true),
                status.getJsonObject("usage"));
        assertEquals(0.021, status.getDouble("costUsd"));
    }

    @Test
    @DisplayName("failed and cancelled turns report their route, backend calls, usage and cost, and no backend")
    void failedAndCancelledWithAttempts() {
        String sessionId = gateway.api().createSession();
        String failing = gateway.api().submitTurn(sessionId, "one");
        String cancelled = gateway.api().submitTurn(sessionId, "two");

        worker.terminal(sessionId, failing, 2, ReplyFailed.newBuilder().setPartialText("Hal").setReason("all down")
                .setRoute(new RouteChoice("default", "default")).setUsage(usage(5, 1, false))
                .setAttempts(List.of(call(1, "answer", "a", "abandoned", "stalled", "idle_stall", "Ha",
                        usage(5, 1, false), 0.0005), call(2, "answer", "b", "rejected", "breaker open",
                        "breaker_open", "", null, 0.0))).setCostUsd(0.0005).build());
        worker.terminal(sessionId, cancelled, 1, ReplyCancelled.newBuilder().setPartialText("Hi").setReason("asked")
                .setUsage(usage(3, 1, true)).setAttempts(List.of(call(1, "answer", "a", "cancelled", "asked", null,
                        "Hi", usage(3, 1, true), 0.0))).build());

        JsonObject failed = gateway.api().get(path(sessionId, failing) + "?wait=10").json();
        assertEquals("failed", failed.getString("status"));
        assertEquals(new JsonObject().put("route", "default").put("rule", "default"), failed.getJsonObject("route"));
        assertEquals(List.of("abandoned", "rejected"), failed.getJsonArray("attempts").stream()
                .map(a -> ((JsonObject) a).getString("outcome")).toList());
        assertEquals("Ha", failed.getJsonArray("attempts").getJsonObject(0).getString("partialText"));
        assertEquals("breaker_open", failed.getJsonArray("attempts").getJsonObject(1).getString("failureKind"));
        assertEquals(new JsonObject().put("promptTokens", 5).put("completionTokens", 1)
                .put("cachedPromptTokens", 0).put("estimated", false),
                failed.getJsonObject("usage"));
        assertEquals(0.0005, failed.getDouble("costUsd"));
        assertTrue(failed.containsKey("backend") && failed.getValue("backend") == null, failed.encode());
        assertEquals(new JsonArray(), failed.getJsonArray("stages"));

        JsonObject stopped = gateway.api().get(path(sessionId, cancelled) + "?wait=10").json();
        assertEquals("cancelled", stopped.getString("status"));
        assertTrue(stopped.containsKey("route") && stopped.getValue("route") == null, stopped.encode());
        assertTrue(stopped.containsKey("costUsd") && stopped.getValue("costUsd") == null, stopped.encode());
        assertEquals(true, stopped.getJsonObject("usage").getBoolean("estimated"));
        assertEquals("cancelled", stopped.getJsonArray("attempts").getJsonObject(0).getString("outcome"));
    }

    @Test
    @DisplayName("a pending turn has none of the outcome fields")
    void pendingHasNoOutcome() {
        String sessionId = gateway.api().createSession();
        String turnId = gateway.api().submitTurn(sessionId, "hi");

        JsonObject pending = gateway.api().get(path(sessionId, turnId)).json();

        assertEquals(new JsonObject().put("turnId", turnId).put("status", "pending").put("text", ""), pending);
    }

    /**
     * The keys every ended turn has, empty: what a worker that recorded no route, calls or usage leaves; the fake
     * worker's replies finish with stop, failed and cancelled turns with none.
     */
    private static JsonObject ended(JsonObject status) {
        return status.putNull("route").putNull("backend")
                .put("finishReason", "completed".equals(status.getString("status")) ? "stop" : null)
                .put("stages", new JsonArray())
                .put("attempts", new JsonArray()).putNull("usage").putNull("costUsd");
    }

    private static Usage usage(int prompt, int completion, boolean estimated) {
        return Usage.newBuilder().setPromptTokens(prompt).setCompletionTokens(completion).setEstimated(estimated)
                .build();
    }

    private static BackendCall call(int attempt, String stage, String backend, String outcome, String reason,
                                    String failureKind, String partialText, Usage usage, double costUsd) {
        return BackendCall.newBuilder().setAttempt(attempt).setStage(stage).setBackend(backend).setModel(null)
                .setOutcome(outcome).setReason(reason).setFailureKind(failureKind).setPartialText(partialText)
                .setUsage(usage).setCostUsd(costUsd).build();
    }

    private static String path(String sessionId, String turnId) {
        return "/v1/sessions/" + sessionId + "/turns/" + turnId;
    }
}
