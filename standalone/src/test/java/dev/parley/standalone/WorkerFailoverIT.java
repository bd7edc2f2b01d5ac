package dev.parley.standalone;

import static dev.parley.standalone.client.ParleyHttp.JSON;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.ingest.IngestConfig;
import dev.parley.ingest.IngestService;
import dev.parley.kafka.EmbeddedKafka;
import dev.parley.kafka.registry.SchemaRegistry;
import dev.parley.schemas.config.Env;
import dev.parley.schemas.topics.TopicInitializer;
import dev.parley.schemas.topics.Topics;
import dev.parley.standalone.client.ParleyHttp;
import dev.parley.standalone.client.SseClient;
import dev.parley.worker.InferenceWorker;
import dev.parley.worker.WorkerConfig;
import dev.parley.worker.simulator.LlmSimulator;
import dev.parley.worker.simulator.SimulatorConfig;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Two workers behind one gateway: one dies mid-stream, and the client sees a reset and the whole new reply. */
@DisplayName("A worker stopped abruptly mid-stream: the watcher gets reset, then attempt 2 in full, recorded once")
class WorkerFailoverIT {

    @Test
    @DisplayName("crash mid-stream → reset → attempt 2 → exactly one terminal event")
    void crashMidStream() throws Exception {
        Vertx vertx = Vertx.vertx();
        try (EmbeddedKafka kafka = EmbeddedKafka.ephemeral();
             SchemaRegistry registry = SchemaRegistry.start(kafka.bootstrapServers(), 0);
             LlmSimulator simulator = LlmSimulator.start(vertx, 0, SimulatorConfig.defaults())) {
            TopicInitializer.ensure(Map.of("bootstrap.servers", kafka.bootstrapServers()), Topics.all(2));
            Map<String, String> env = Map.of(
                Env.KAFKA_BOOTSTRAP, kafka.bootstrapServers(), Env.REGISTRY_URL, registry.url(),
                "PARLEY_LLM_URL", simulator.baseUrl(), "PARLEY_HTTP_PORT", "0", "PARLEY_WORKER_METRICS_PORT", "0", "PARLEY_WORKER_GROUP", "g-" + UUID.randomUUID(),
                "PARLEY_WORKER_SESSION_TIMEOUT_MS", "6000", "PARLEY_KAFKA_HEARTBEAT_INTERVAL_MS", "1000",
                "PARLEY_AUTH", "none"); // a gateway on loopback, without authentication (its default is keys)
            InferenceWorker a = InferenceWorker.start(vertx, WorkerConfig.fromEnvironment(new Env(env)).withWorkerId("a"));
            InferenceWorker b = InferenceWorker.start(vertx, WorkerConfig.fromEnvironment(new Env(env)).withWorkerId("b"));
            try (IngestService ingest = IngestService.start(vertx, IngestConfig.fromEnvironment(new Env(env)))) {
                ParleyHttp api = new ParleyHttp("http://localhost:" + ingest.port());
                // Both workers own a partition before the turn that matters, so the crash really moves one.
                await().atMost(Duration.ofSeconds(30)).until(() -> !a.assignedPartitions().isEmpty()
                    && !b.assignedPartitions().isEmpty());
                String session = api.createSession();
                String turn = api.postTurn(session, "long\n#sim: tokens=200 itl_ms=15");
                try (SseClient sse = api.events(session, ParleyHttp.turnQuery(turn))) {
                    await().atMost(Duration.ofSeconds(30)).until(() -> countType(sse, "token") >= 10);
                    InferenceWorker owner = a.generating() > 0 ? a : b;
                    owner.crash();

                    await().atMost(Duration.ofSeconds(60)).until(() -> ParleyHttp.terminal(sse.events(), turn) != null);
                    List<SseClient.Event> resets = sse.events().stream().filter(e -> e.type().equals("reset"))
                        .collect(Collectors.toList());
                    assertEquals(1, resets.size(), "one reset: " + resets);
                    assertEquals(2, JSON.readTree(resets.get(0).data()).get("attempt").asInt());
                    SseClient.Event done = ParleyHttp.terminal(sse.events(), turn);
                    assertEquals("done", done.type());
                    assertEquals(2, JSON.readTree(done.data()).get("attempt").asInt());
                    String ledgerText = api.turnStatus(session, turn, 30).get("text").asText();
                    assertEquals(ledgerText, ParleyHttp.streamedReply(sse.events(), turn),
                        "after the reset the client holds exactly the recorded reply");
                    assertTrue(ledgerText.split(" ").length >= 150, "attempt 2 is the whole reply");
                }
            } finally {
                a.close();
                b.close();
            }
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
    }

    private static long countType(SseClient sse, String type) {
        return sse.events().stream().filter(e -> e.type().equals(type)).count();
    }
}
