package dev.parley.worker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.avro.AssistantReply;
import dev.parley.avro.BackendCall;
import dev.parley.avro.GenerationSettings;
import dev.parley.avro.LedgerEvent;
import dev.parley.avro.ReplyCancelled;
import dev.parley.avro.ReplyFailed;
import dev.parley.avro.StageText;
import dev.parley.avro.TokenChunk;
import dev.parley.schemas.config.Env;
import dev.parley.worker.catalogue.Catalogue;
import dev.parley.worker.catalogue.CatalogueLoader;
import dev.parley.worker.simulator.Fault;
import dev.parley.worker.simulator.LlmSimulator;
import dev.parley.worker.simulator.SimulatorConfig;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Routes of several backends against a real broker and real HTTP simulators: fallback before the first token and
 * mid-stream, all backends down, breakers, the bulkhead and its priority lane, staged routes, usage and cost.
 */
class RoutesIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private static WorkerKafka kafka;
    private static Vertx vertx;
    private static LlmSimulator good;
    private static LlmSimulator flaky;
    private static LlmSimulator down;
    private static LlmSimulator slow;
    private static InferenceWorker worker;
    private static KafkaProbe probe;

    @BeforeAll
    static void start() throws IOException {
        kafka = WorkerKafka.start(2);
        Map<String, Object> clients = kafka.clients();
        vertx = Vertx.vertx();
        SimulatorConfig quick = SimulatorConfig.defaults().withTimeToFirstToken(Duration.ofMillis(5))
            .withInterTokenLatency(Duration.ofMillis(2)).withReplyTokens(12);
        good = LlmSimulator.start(vertx, 0, quick);
        flaky = LlmSimulator.start(vertx, 0, quick.withDefaultFault(Fault.parse("fail_after=5")));
        down = LlmSimulator.start(vertx, 0, quick.withDefaultFault(Fault.parse("status=503")));
        slow = LlmSimulator.start(vertx, 0, quick.withTimeToFirstToken(Duration.ofMillis(600)));
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort(); // nobody listens there once it is closed: a backend that is down
        }
        Path file = Files.createTempFile("backends", ".yaml");
        Files.writeString(file, """
            backends:
              good:
                kind: openai
                url: %s
                model: good-model
                prices: {inputPerMillion: 1.0, outputPerMillion: 2.0}
              flaky: {kind: openai, url: %s, model: flaky-model}
              down: {kind: openai, url: %s, model: down-model}
              broken:
                kind: openai
                url: %s
                model: broken-model
                breaker: {failureRatePercent: 50, minimumCalls: 2, windowCalls: 2, openForMs: 600000, halfOpenCalls: 1}
              slow: {kind: openai, url: %s, model: slow-model, maxConcurrent: 1}
              gone: {kind: openai, url: http://localhost:%d/v1, model: gone-model}
              talky:
                kind: openai
                url: %s
                model: talky-model
                prices: {inputPerMillion: 1.0, outputPerMillion: 2.0}
              thinker: {kind: anthropic, url: %s, model: thinker-model}
              waiter: {kind: ollama, url: %s, model: waiter-model}
              metered: {kind: openai, url: %s, model: metered-model}
            routes:
              default: [good]
              before-first-token: [down, good]
              mid-stream: [flaky, good]
              all-down: [down, flaky]
              breaker: [broken, good]
              queued: [slow]
              unreachable: [gone, good]
              staged:
                stages:
                  - {stage: quick, backends: [good], confidence: 0.5}
                  - {stage: deep, backends: [good], confidence: 0.8}
                  - {stage: synthesis, backends: [good], confidence: 0.95}
              staged-flaky:
                stages:
                  - {stage: quick, backends: [good], confidence: 0.5}
                  - {stage: deep, backends: [flaky, good], confidence: 0.8}
                  - {stage: synthesis, backends: [good], confidence: 0.95}
              staged-talky:
                stages:
                  - {stage: quick, backends: [good], confidence: 0.5}
                  - {stage: deep, backends: [talky], confidence: 0.8}
                  - {stage: synthesis, backends: [good], confidence: 0.95}
            router:
              default: default
            """.formatted(good.baseUrl(), flaky.baseUrl(), down.baseUrl(), down.baseUrl(), slow.baseUrl(), closedPort,
                good.baseUrl("talky"), good.rootUrl("thinker"),
                good.rootUrl("waiter"), good.baseUrl("metered")));
        Catalogue catalogue = CatalogueLoader.load(new Env(Map.of("PARLEY_BACKENDS_FILE", file.toString())));
        WorkerConfig config = new WorkerConfig("it-" + UUID.randomUUID(), "workers-" + UUID.randomUUID(), clients,
            catalogue.backends().get("good"), 64, 2_000, Duration.ZERO, "")
            .withCatalogue(catalogue).withMetricsPort(0);
        worker = InferenceWorker.start(vertx, config);
        probe = new KafkaProbe(clients);
    }

    @AfterAll
    static void stop() {
        probe.close();
        worker.close();
        for (LlmSimulator simulator : List.of(good, flaky, down, slow)) {
            simulator.close();
        }
        vertx.close().toCompletionStage().toCompletableFuture().join();
        kafka.close();
    }

    @Test
    @DisplayName("a backend failing before its first token is replaced unseen: one attempt, the fallback's reply")
    void fallbackBeforeFirstToken() {
        String turn = probe.turn(KafkaProbe.newId(), "Hello there", "before-first-token", false);
        AssistantReply reply = reply(turn);
        assertEquals("good", reply.getBackend());
        assertEquals(1, terminal(turn).getAttempt());
        assertEquals(reply.getText(), probe.streamedText(turn, 1));
        assertTrue(probe.chunks(turn).stream().allMatch(chunk -> chunk.getAttempt() == 1));
        List<BackendCall> calls = reply.getAttempts();
        assertEquals(List.of("down", "good"), calls.stream().map(BackendCall::getBackend).toList());
        assertEquals(List.of("failed", "completed"), calls.stream().map(BackendCall::getOutcome).toList());
        assertEquals("http_5xx", calls.get(0).getFailureKind());
        assertEquals("before-first-token", reply.getRoute().getRoute());
        assertEquals("requested", reply.getRoute().getRule());
    }

    @Test
    @DisplayName("a backend failing mid-stream is replaced in a new attempt; one terminal event; the abandoned text is recorded")
    void fallbackMidStream() {
        String turn = probe.turn(KafkaProbe.newId(), "Tell me a story", "mid-stream", false);
        AssistantReply reply = reply(turn);
        assertEquals(2, terminal(turn).getAttempt());
        assertEquals("good", reply.getBackend());
        assertEquals(reply.getText(), probe.streamedText(turn, 2), "the final attempt's chunks are the reply");
        String abandoned = probe.streamedText(turn, 1);
        assertFalse(abandoned.isEmpty());
        assertTrue(probe.chunks(turn, 1).stream().noneMatch(TokenChunk::getFinal$),
            "the abandoned attempt has no final chunk: clients see reset, not a failure");
        BackendCall first = reply.getAttempts().get(0);
        assertEquals("flaky", first.getBackend());
        assertEquals("abandoned", first.getOutcome());
        assertEquals(1, first.getAttempt());
        assertEquals(abandoned, first.getPartialText());
        assertTrue(first.getReason().contains("simulated failure"), first.getReason());
        assertTrue(first.getUsage().getEstimated(), "a failed call's usage is estimated");
        assertEquals("completed", reply.getAttempts().get(1).getOutcome());
        assertEquals(2, reply.getAttempts().get(1).getAttempt());
    }

    @Test
    @DisplayName("when every backend of a route fails, ReplyFailed names each with its reason and keeps the partial text")
    void allBackendsDown() {
        String turn = probe.turn(KafkaProbe.newId(), "Anyone there?", "all-down", false);
        await().atMost(WAIT).until(() -> !probe.terminals(turn).isEmpty());
        ReplyFailed failed = assertInstanceOf(ReplyFailed.class, terminal(turn).getPayload());
        assertTrue(failed.getReason().contains("down: ") && failed.getReason().contains("flaky: "), failed.getReason());
        assertTrue(failed.getReason().contains("503"), failed.getReason());
        assertEquals(probe.streamedText(turn, 1), failed.getPartialText());
        assertFalse(failed.getPartialText().isEmpty(), "flaky streamed five tokens before failing");
        assertEquals(List.of("failed", "abandoned"),
            failed.getAttempts().stream().map(BackendCall::getOutcome).toList());
        assertTrue(failed.getAttempts().stream().allMatch(call -> call.getUsage().getEstimated()),
            "neither failed call reported usage: both are estimated");
        assertTrue(failed.getUsage().getEstimated() && failed.getUsage().getCompletionTokens() > 0,
            "the turn's usage counts the abandoned call's five tokens: " + failed.getUsage());
        await().atMost(WAIT).until(() -> probe.terminals(turn).size() == 1);
    }

    @Test
    @DisplayName("a backend nobody listens on at start does not stop the worker: its turns go to the next backend, "
        + "the call failed as connect")
    void unreachableAtStart() {
        AssistantReply reply = reply(probe.turn(KafkaProbe.newId(), "Anyone home?", "unreachable", false));
        assertEquals("good", reply.getBackend());
        BackendCall gone = reply.getAttempts().get(0);
        assertEquals("gone", gone.getBackend());
        assertEquals("failed", gone.getOutcome());
        assertEquals("connect", gone.getFailureKind());
        assertTrue(gone.getUsage().getEstimated(), "a failed call's usage is estimated");
        assertEquals(0, gone.getUsage().getCompletionTokens());
        assertTrue(scrape().contains(
            "parley_backend_failures_total{backend=\"gone\",kind=\"connect\",service=\"worker\"} 1.0"));
    }

    @Test
    @DisplayName("a backend's metrics count its request and success and time its first token and the gaps between "
        + "its tokens, on the worker's Prometheus endpoint")
    void perBackendMetrics() {
        AssistantReply reply = reply(probe.turn(KafkaProbe.newId(), "Measure me", "metered", false));
        assertEquals("metered", reply.getBackend());
        String metrics = scrape();
        String backend = "{backend=\"metered\",service=\"worker\"}";
        assertEquals(1.0, metric(metrics, "parley_backend_requests_total" + backend));
        assertEquals(1.0, metric(metrics, "parley_backend_successes_total" + backend));
        assertEquals(0.0, metric(metrics, "parley_backend_cancels_total" + backend));
        assertEquals(1.0, metric(metrics, "parley_backend_ttft_seconds_count" + backend));
        assertEquals(11.0, metric(metrics, "parley_backend_itl_seconds_count" + backend), "12 tokens, 11 gaps");
        assertTrue(metrics.contains("parley_backend_ttft_seconds_bucket{backend=\"metered\","), "a histogram");
        assertEquals(0.0, metric(metrics, "parley_backend_breaker_state" + backend), "closed");
        assertEquals(0.0, metric(metrics, "parley_backend_queue" + backend));
    }

    @Test
    @DisplayName("a backend's breaker opens after its failures; then calls to it are rejected without a request")
    void breakerOpens() throws Exception {
        String session = KafkaProbe.newId();
        for (int i = 0; i < 2; i++) {
            assertEquals("good", reply(probe.turn(session, "turn " + i, "breaker", false)).getBackend());
        }
        long before = down.totalStreams();
        AssistantReply third = reply(probe.turn(session, "turn 3", "breaker", false));
        BackendCall rejected = third.getAttempts().get(0);
        assertEquals("rejected", rejected.getOutcome());
        assertEquals("breaker_open", rejected.getFailureKind());
        assertNull(rejected.getUsage());
        assertEquals(before, down.totalStreams(), "an open breaker makes no request");
        String metrics = scrape();
        assertTrue(metrics.contains("parley_backend_breaker_state{backend=\"broken\",service=\"worker\"} 1.0"), metrics);
        assertTrue(metrics.contains(
            "parley_backend_failures_total{backend=\"broken\",kind=\"breaker_open\",service=\"worker\"} 1.0"), metrics);
        assertTrue(metrics.contains("parley_backend_breaker_transitions_total{backend=\"broken\",from=\"closed\","
            + "service=\"worker\",to=\"open\"} 1.0"), metrics);
    }

    @Test
    @DisplayName("the bulkhead queues turns beyond a backend's limit, and a spotlight turn goes ahead of the line")
    void bulkheadAndSpotlight() {
        String first = probe.turn(KafkaProbe.newId(), "first", "queued", false);
        await().atMost(WAIT).until(() -> slow.activeStreams() == 1);
        String normal = probe.turn(KafkaProbe.newId(), "normal", "queued", false);
        await().atMost(WAIT).pollInterval(Duration.ofMillis(5))
            .until(() -> worker.backends().get("slow").waiting() == 1);
        String spotlight = probe.turn(KafkaProbe.newId(), "spotlight", "queued", true);
        await().atMost(WAIT).pollInterval(Duration.ofMillis(5))
            .until(() -> worker.backends().get("slow").waiting() == 2);
        for (String turn : List.of(first, normal, spotlight)) {
            reply(turn);
        }
        List<String> order = probe.firstChunkOrder(List.of(first, normal, spotlight));
        assertEquals(List.of(first, spotlight, normal), order);
        assertTrue(scrape().contains("parley_backend_queue{backend=\"slow\",service=\"worker\"}"));
    }

    @Test
    @DisplayName("a cancel while a turn waits in a backend's line ends it cancelled without a request")
    void cancelWhileQueued() {
        String first = probe.turn(KafkaProbe.newId(), "first", "queued", false);
        await().atMost(WAIT).until(() -> slow.activeStreams() == 1);
        String session = KafkaProbe.newId();
        String waiting = probe.turn(session, "waiting", "queued", false);
        await().atMost(WAIT).pollInterval(Duration.ofMillis(5))
            .until(() -> worker.backends().get("slow").waiting() == 1);
        long requests = slow.totalStreams();
        probe.cancel(session, waiting);
        await().atMost(WAIT).until(() -> !probe.terminals(waiting).isEmpty());
        ReplyCancelled cancelled = assertInstanceOf(ReplyCancelled.class, terminal(waiting).getPayload());
        assertEquals("cancelled", cancelled.getAttempts().get(0).getOutcome());
        assertEquals(0, worker.backends().get("slow").waiting());
        reply(first);
        assertEquals(requests, slow.totalStreams(), "the cancelled turn never reached the backend");
    }

    @Test
    @DisplayName("a staged route streams quick, deep and synthesis with boundaries and confidence; the reply keeps each")
    void stagedRoute() {
        String turn = probe.turn(KafkaProbe.newId(), "Explain Kafka transactions", "staged", false);
        AssistantReply reply = reply(turn);
        List<TokenChunk> chunks = probe.chunks(turn, 1);
        List<String> markers = chunks.stream().filter(c -> c.getBoundary() != null)
            .map(c -> c.getBoundary() + ":" + c.getStage() + ":" + c.getConfidence()).toList();
        assertEquals(List.of("stage_start:quick:0.5", "stage_end:quick:0.5", "stage_start:deep:0.8",
            "stage_end:deep:0.8", "stage_start:synthesis:0.95", "stage_end:synthesis:0.95"), markers);
        List<StageText> stages = reply.getStages();
        assertEquals(List.of("quick", "deep", "synthesis"), stages.stream().map(StageText::getStage).toList());
        for (StageText stage : stages) {
            String streamed = chunks.stream().filter(c -> c.getBoundary() == null && !c.getFinal$())
                .filter(c -> c.getStage().equals(stage.getStage())).map(TokenChunk::getText)
                .collect(Collectors.joining());
            assertEquals(stage.getText(), streamed, stage.getStage());
            assertFalse(streamed.isEmpty());
        }
        assertEquals(stages.get(2).getText(), reply.getText(), "the reply's text is the synthesis");
        assertTrue(chunks.stream().filter(c -> c.getBoundary() == null && !c.getFinal$())
            .allMatch(c -> c.getConfidence() != null), "every text chunk carries its stage's confidence");
        assertEquals(3, reply.getAttempts().size());
    }

    @Test
    @DisplayName("a turn's max tokens and stop sequences go to every stage's call and to the fallback after a failure; "
        + "a reply cut by the limit finishes with length")
    void generationSettingsOnEveryCall() {
        GenerationSettings threeTokens = new GenerationSettings(3, 0.2, null, List.of());
        AssistantReply staged = reply(probe.turnWithGeneration(KafkaProbe.newId(), "Explain Kafka transactions",
            "staged", threeTokens));
        assertEquals("length", staged.getFinishReason());
        assertEquals(3, staged.getAttempts().size());
        for (BackendCall call : staged.getAttempts()) {
            assertEquals(3, call.getUsage().getCompletionTokens(), call.getStage());
        }

        AssistantReply fallback = reply(probe.turnWithGeneration(KafkaProbe.newId(),
            "Hi\n#sim: reply=\"one two three END four\"", "before-first-token",
            new GenerationSettings(null, null, null, List.of("END"))));
        assertEquals(List.of("down:failed", "good:completed"), fallback.getAttempts().stream()
            .map(call -> call.getBackend() + ":" + call.getOutcome()).toList());
        assertEquals("one two three ", fallback.getText());
        assertEquals("stop", fallback.getFinishReason());
    }

    @Test
    @DisplayName("a cancel during a staged route's deep stage stops that stage's upstream request, starts no synthesis "
        + "and records the cancelled call's estimated usage and its cost")
    void cancelStopsTheRunningStage() {
        String session = KafkaProbe.newId();
        int goneBefore = good.clientGoneNanos("talky").size();
        String turn = probe.turn(session, "Take your time\n#sim: tokens=2000 itl_ms=10 on=talky", "staged-talky",
            false);
        await().atMost(WAIT).until(() -> probe.chunks(turn).stream()
            .filter(c -> "deep".equals(c.getStage()) && c.getBoundary() == null).count() >= 3);
        probe.cancel(session, turn);
        await().atMost(WAIT).until(() -> !probe.terminals(turn).isEmpty());
        ReplyCancelled cancelled = assertInstanceOf(ReplyCancelled.class, terminal(turn).getPayload());
        await().atMost(WAIT).until(() -> good.clientGoneNanos("talky").size() == goneBefore + 1);
        assertTrue(probe.chunks(turn).stream().noneMatch(c -> "synthesis".equals(c.getStage())),
            "the synthesis stage never started");
        List<BackendCall> calls = cancelled.getAttempts();
        assertEquals(List.of("quick:good:completed", "deep:talky:cancelled"), calls.stream()
            .map(c -> c.getStage() + ":" + c.getBackend() + ":" + c.getOutcome()).toList());
        BackendCall deep = calls.get(1);
        assertTrue(deep.getUsage().getEstimated(), "a cancelled call's usage is estimated");
        assertTrue(deep.getUsage().getCompletionTokens() > 0, deep.toString());
        assertEquals((deep.getUsage().getPromptTokens() * 1.0 + deep.getUsage().getCompletionTokens() * 2.0)
            / 1_000_000, deep.getCostUsd(), 1e-12);
        assertTrue(cancelled.getUsage().getEstimated());
        assertEquals(calls.get(0).getCostUsd() + deep.getCostUsd(), cancelled.getCostUsd(), 1e-12);
    }

    @Test
    @DisplayName("a cancel while an Ollama backend still processes the prompt (no first token yet) closes that request "
        + "and ends the turn cancelled, with the call's estimated usage")
    void cancelDuringTimeToFirstToken() {
        String session = KafkaProbe.newId();
        long requestsBefore = good.totalStreams("waiter");
        int goneBefore = good.clientGoneNanos("waiter").size();
        String turn = probe.turn(session, "Think hard\n#sim: ttft_ms=600000 on=waiter", "waiter", false);
        await().atMost(WAIT).until(() -> good.totalStreams("waiter") == requestsBefore + 1);
        probe.cancel(session, turn);
        await().atMost(WAIT).until(() -> !probe.terminals(turn).isEmpty());
        ReplyCancelled cancelled = assertInstanceOf(ReplyCancelled.class, terminal(turn).getPayload());
        await().atMost(WAIT).until(() -> good.clientGoneNanos("waiter").size() == goneBefore + 1);
        assertEquals("", cancelled.getPartialText());
        BackendCall call = cancelled.getAttempts().get(0);
        assertEquals("waiter:cancelled", call.getBackend() + ":" + call.getOutcome());
        assertTrue(call.getUsage().getEstimated() && call.getUsage().getPromptTokens() > 0, call.toString());
        assertEquals(0, call.getUsage().getCompletionTokens());
    }

    @Test
    @DisplayName("an Anthropic backend's thinking streams as chunks of stage reasoning before the answer, and stays "
        + "out of the reply's text")
    void thinkingIsReasoning() {
        String turn = probe.turn(KafkaProbe.newId(),
            "Why is the sky blue?\n#sim: thinking=4 reply=\"Blue scatters most.\"", "thinker", false);
        AssistantReply reply = reply(turn);
        assertEquals("Blue scatters most.", reply.getText());
        List<TokenChunk> chunks = probe.chunks(turn, 1).stream().filter(c -> !c.getFinal$()).toList();
        List<String> stages = chunks.stream().map(TokenChunk::getStage).distinct().toList();
        assertEquals(List.of("reasoning", "answer"), stages, "the thinking first, then the answer");
        String reasoning = chunks.stream().filter(c -> c.getStage().equals("reasoning")).map(TokenChunk::getText)
            .collect(Collectors.joining());
        assertEquals(4, reasoning.trim().split("\\s+").length, reasoning);
        assertEquals(reply.getText(), chunks.stream().filter(c -> c.getStage().equals("answer"))
            .map(TokenChunk::getText).collect(Collectors.joining()), "the answer's chunks are the reply");
    }

    @Test
    @DisplayName("a staged route's deep stage failing mid-stream: a new attempt replays the quick stage, then the "
        + "fallback's deep and the synthesis; one terminal event")
    void stagedFallbackMidStream() {
        String turn = probe.turn(KafkaProbe.newId(), "Explain partitions", "staged-flaky", false);
        AssistantReply reply = reply(turn);
        assertEquals(2, terminal(turn).getAttempt());
        assertTrue(probe.chunks(turn, 1).stream().noneMatch(TokenChunk::getFinal$), "attempt 1 was abandoned");
        List<TokenChunk> chunks = probe.chunks(turn, 2);
        assertEquals(List.of("stage_start:quick:good", "stage_end:quick:null", "stage_start:deep:good",
            "stage_end:deep:null", "stage_start:synthesis:good", "stage_end:synthesis:null"), chunks.stream()
            .filter(c -> c.getBoundary() != null).map(c -> c.getBoundary() + ":" + c.getStage() + ":" + c.getBackend())
            .toList());
        for (StageText stage : reply.getStages()) {
            assertEquals(stage.getText(), chunks.stream().filter(c -> c.getBoundary() == null && !c.getFinal$())
                .filter(c -> c.getStage().equals(stage.getStage())).map(TokenChunk::getText)
                .collect(Collectors.joining()), "attempt 2 streams stage " + stage.getStage() + " whole");
        }
        assertEquals(reply.getStages().get(2).getText(), reply.getText());
        assertEquals(List.of("quick:good:completed", "deep:flaky:abandoned", "deep:good:completed",
            "synthesis:good:completed"), reply.getAttempts().stream()
            .map(c -> c.getStage() + ":" + c.getBackend() + ":" + c.getOutcome()).toList());
    }

    @Test
    @DisplayName("usage and cost are recorded per call and summed, from the backend's counts and the catalogue's prices")
    void usageAndCost() {
        AssistantReply reply = reply(probe.turn(KafkaProbe.newId(), "Count me", null, false));
        assertEquals("default", reply.getRoute().getRoute());
        assertEquals("default", reply.getRoute().getRule());
        BackendCall call = reply.getAttempts().get(0);
        assertFalse(call.getUsage().getEstimated(), "the simulator reports usage");
        assertEquals(12, call.getUsage().getCompletionTokens());
        double expected = (call.getUsage().getPromptTokens() * 1.0 + 12 * 2.0) / 1_000_000;
        assertEquals(expected, call.getCostUsd(), 1e-12);
        assertEquals(expected, reply.getCostUsd(), 1e-12);
        assertEquals(call.getUsage().getPromptTokens(), reply.getUsage().getPromptTokens());
    }

    @Test
    @DisplayName("a turn naming an unknown route fails with a reason listing the routes")
    void unknownRoute() {
        String turn = probe.turn(KafkaProbe.newId(), "Hi", "nowhere", false);
        await().atMost(WAIT).until(() -> !probe.terminals(turn).isEmpty());
        ReplyFailed failed = assertInstanceOf(ReplyFailed.class, terminal(turn).getPayload());
        assertTrue(failed.getReason().contains("nowhere") && failed.getReason().contains("staged"),
            failed.getReason());
    }

    private static AssistantReply reply(String turn) {
        await().atMost(WAIT).until(() -> !probe.terminals(turn).isEmpty());
        return assertInstanceOf(AssistantReply.class, terminal(turn).getPayload(),
            () -> "terminal event: " + terminal(turn));
    }

    private static LedgerEvent terminal(String turn) {
        List<LedgerEvent> terminals = probe.terminals(turn);
        assertEquals(1, terminals.size(), "exactly one terminal event");
        return terminals.get(0);
    }

    /** The value of the sample named exactly {@code sample} (name and labels) in a Prometheus scrape. */
    private static double metric(String metrics, String sample) {
        return metrics.lines().filter(line -> line.startsWith(sample + " ")).findFirst()
            .map(line -> Double.parseDouble(line.substring(sample.length() + 1)))
            .orElseThrow(() -> new AssertionError("no sample " + sample + " in\n" + metrics));
    }

    private static String scrape() {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + worker.metricsPort() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
            return response.body();
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
