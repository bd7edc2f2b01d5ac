package dev.parley.worker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.avro.AssistantReply;
import dev.parley.avro.LedgerEvent;
import dev.parley.avro.TokenChunk;
import dev.parley.kafka.EmbeddedKafka;
import dev.parley.kafka.registry.SchemaRegistry;
import dev.parley.schemas.topics.TopicInitializer;
import dev.parley.schemas.topics.Topics;
import dev.parley.worker.backend.BackendConfig;
import dev.parley.worker.simulator.LlmSimulator;
import dev.parley.worker.simulator.SimulatorConfig;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Worker fail-over: exactly one terminal event per turn across crashes and zombies")
class FailoverIT {

    private EmbeddedKafka kafka;
    private SchemaRegistry registry;
    private Vertx vertx;
    private LlmSimulator simulator;
    private KafkaProbe probe;
    private Map<String, Object> clients;
    private BackendConfig backend;
    private final String group = "workers-" + UUID.randomUUID();

    @BeforeEach
    void start() {
        kafka = EmbeddedKafka.ephemeral();
        registry = SchemaRegistry.start(kafka.bootstrapServers(), 0);
        // Short session timeout: a worker that dies without saying goodbye is noticed within seconds.
        clients = Map.of("bootstrap.servers", kafka.bootstrapServers(), "schema.registry.url", registry.url(),
            "heartbeat.interval.ms", 1000);
        vertx = Vertx.vertx();
        simulator = LlmSimulator.start(vertx, 0, SimulatorConfig.defaults().withTimeToFirstToken(Duration.ofMillis(5)));
        backend = BackendConfig.of(simulator.baseUrl(), LlmSimulator.MODEL);
    }

    @AfterEach
    void stop() {
        if (probe != null) {
            probe.close();
        }
        simulator.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
        registry.close();
        kafka.close();
    }

    @Test
    @DisplayName("a worker that dies mid-stream: another regenerates the turn as attempt 2, recorded exactly once")
    void crashMidStreamRegeneratesOnce() {
        createTopics(2);
        InferenceWorker a = worker("a");
        InferenceWorker b = worker("b");
        awaitAssignments(a, b);
        String session = KafkaProbe.newId();
        String turn = probe.turn(session, "Long story\n#sim: tokens=150 itl_ms=15");
        await().atMost(Duration.ofSeconds(30)).until(() -> probe.chunks(turn, 1).size() >= 10);
        InferenceWorker owner = a.generating() > 0 ? a : b;
        InferenceWorker survivor = owner == a ? b : a;

        owner.crash();

        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> !probe.terminals(turn).isEmpty());
            LedgerEvent terminal = probe.terminals(turn).get(0);
            assertEquals(2, terminal.getAttempt());
            AssistantReply reply = assertInstanceOf(AssistantReply.class, terminal.getPayload());
            await().atMost(Duration.ofSeconds(10)).until(() -> probe.chunks(turn, 2).stream().anyMatch(TokenChunk::getFinal$));
            assertEquals(reply.getText(), probe.streamedText(turn, 2), "the final attempt's chunks are the reply");
            assertTrue(probe.chunks(turn, 1).stream().noneMatch(TokenChunk::getFinal$), "attempt 1 never finished");
            assertExactlyOneTerminal(turn);
        } finally {
            survivor.close();
        }
    }

    @Test
    @DisplayName("a zombie whose worker id was taken over is fenced (group member and transactional producer): "
        + "its reply never reaches the ledger")
    void zombieIsFenced() {
        createTopics(1); // one partition: it stays with the zombie when the successor joins
        InferenceWorker zombie = worker("fixed-id");
        String session = KafkaProbe.newId();
        String turn = probe.turn(session, "Medium story\n#sim: tokens=120 itl_ms=25");
        await().atMost(Duration.ofSeconds(30)).until(() -> probe.chunks(turn, 1).size() >= 5);

        // The same worker id again, e.g. a restart while the old process hangs on: the group fences the old
        // member, the new transactional producer fences the old one, so whatever the zombie streams is not recorded.
        InferenceWorker successor = worker("fixed-id");
        try {
            await().atMost(Duration.ofSeconds(90)).until(() -> !probe.terminals(turn).isEmpty());
            LedgerEvent terminal = probe.terminals(turn).get(0);
            assertTrue(terminal.getAttempt() >= 2, "the zombie's attempt 1 was not recorded");
            AssistantReply reply = assertInstanceOf(AssistantReply.class, terminal.getPayload());
            assertEquals(reply.getText(), probe.streamedText(turn, terminal.getAttempt()));
            assertExactlyOneTerminal(turn);
        } finally {
            successor.close();
            zombie.close();
        }
    }

    private void createTopics(int partitions) {
        TopicInitializer.ensure(Map.of("bootstrap.servers", kafka.bootstrapServers()), Topics.all(partitions));
        probe = new KafkaProbe(clients);
    }

    private InferenceWorker worker(String id) {
        WorkerConfig config = new WorkerConfig(id, group, clients, backend, 64, 16_000, Duration.ZERO, "",
            Duration.ofSeconds(6));
        return InferenceWorker.start(vertx, config);
    }

    /** Both workers own partitions before the test turn arrives, so a crash really moves one. */
    private void awaitAssignments(InferenceWorker a, InferenceWorker b) {
        await().atMost(Duration.ofSeconds(30)).until(() -> !a.assignedPartitions().isEmpty()
            && !b.assignedPartitions().isEmpty());
    }

    private void assertExactlyOneTerminal(String turn) {
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(4))
            .until(() -> probe.terminals(turn).size() == 1);
        List<LedgerEvent> terminals = probe.terminals(turn);
        assertEquals(1, terminals.size(), terminals.toString());
    }
}
