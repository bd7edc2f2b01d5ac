package dev.parley.worker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.avro.AssistantReply;
import dev.parley.avro.LedgerEvent;
import dev.parley.avro.SessionCreated;
import dev.parley.avro.TokenChunk;
import dev.parley.kafka.EmbeddedKafka;
import dev.parley.kafka.registry.SchemaRegistry;
import dev.parley.schemas.serde.AvroSerde;
import dev.parley.schemas.topics.TopicInitializer;
import dev.parley.schemas.topics.Topics;
import dev.parley.worker.backend.BackendConfig;
import dev.parley.worker.simulator.LlmSimulator;
import dev.parley.worker.simulator.SimulatorConfig;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("Worker fail-over and recovery: exactly one terminal event per turn across crashes, restarts and zombies")
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
    @DisplayName("a worker that dies mid-batch: the agents already answered keep their one reply, the others are "
        + "answered by the survivor in the next attempt, together in one call")
    void crashMidBatch() {
        createTopics(1); // every agent's session on the one partition, which the first worker owns
        InferenceWorker a = worker("a");
        await().atMost(Duration.ofSeconds(30)).until(() -> !a.assignedPartitions().isEmpty());
        InferenceWorker b = worker("b");
        String batchId = KafkaProbe.newId();
        List<String> texts = List.of("#sim: reply=\"quick one\" itl_ms=15\nA", "#sim: tokens=120\nB",
            "#sim: tokens=40\nC");
        List<String> turns = new java.util.ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            turns.add(probe.batchTurn(KafkaProbe.newId(), texts.get(i), null, dev.parley.avro.BatchTag.newBuilder()
                .setBatchId(batchId).setAgent("agent" + i).setPosition(i).setAgents(texts.size()).build()));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> !probe.terminals(turns.get(0)).isEmpty()
            && probe.chunks(turns.get(1), 1).size() >= 10);

        a.crash();

        try {
            for (String turn : turns.subList(1, 3)) {
                await().atMost(Duration.ofSeconds(60)).until(() -> !probe.terminals(turn).isEmpty());
            }
            assertExactlyOneTerminal(turns.get(0));
            assertEquals(1, probe.terminals(turns.get(0)).get(0).getAttempt());
            assertEquals("quick one", assertInstanceOf(AssistantReply.class,
                probe.terminals(turns.get(0)).get(0).getPayload()).getText());
            List<AssistantReply> again = new java.util.ArrayList<>();
            // the next attempt after the last one that streamed: B had streamed, C (after B's 120 tokens in the
            // array) had not, so it is answered as attempt 1
            List<Integer> attempts = List.of(2, 1);
            for (int i = 0; i < 2; i++) {
                String turn = turns.get(i + 1);
                assertExactlyOneTerminal(turn);
                LedgerEvent terminal = probe.terminals(turn).get(0);
                int expected = attempts.get(i);
                assertEquals(expected, terminal.getAttempt());
                AssistantReply reply = assertInstanceOf(AssistantReply.class, terminal.getPayload());
                assertEquals(reply.getText(), probe.streamedText(turn, expected));
                again.add(reply);
            }
            assertEquals(again.get(0).getBatch().getCallId(), again.get(1).getBatch().getCallId(), "one call");
            assertEquals(2, again.get(0).getBatch().getCallAgents());
        } finally {
            b.close();
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

    @ParameterizedTest(name = "the partition ends with a {0} marker")
    @ValueSource(strings = {"commit", "abort"})
    @DisplayName("an open turn before a transaction marker at the partition's end is generated by the next owner")
    void openTurnBeforeTrailingMarkerIsGenerated(String marker) {
        createTopics(1);
        String session = KafkaProbe.newId();
        String turn = probe.turn(session, "hello");
        endWithTransactionMarker(marker.equals("commit"));

        InferenceWorker worker = worker("w");
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> !probe.terminals(turn).isEmpty());
            LedgerEvent terminal = probe.terminals(turn).get(0);
            assertInstanceOf(AssistantReply.class, terminal.getPayload());
            assertEquals(1, terminal.getAttempt(), "nobody streamed it before");
            assertExactlyOneTerminal(turn);
        } finally {
            worker.close();
        }
    }

    @Test
    @DisplayName("a worker killed mid-stream and restarted with the same id takes its partition back without "
        + "waiting out its session, and finishes the turn exactly once as attempt 2")
    void restartWithSameIdTakesPartitionsBack() {
        createTopics(1);
        Duration longSession = Duration.ofSeconds(60); // far longer than the wait below: only a rejoin explains it
        InferenceWorker first = worker("same", longSession);
        await().atMost(Duration.ofSeconds(30)).until(() -> !first.assignedPartitions().isEmpty());
        String session = KafkaProbe.newId();
        String turn = probe.turn(session, "Long story\n#sim: tokens=150 itl_ms=15");
        await().atMost(Duration.ofSeconds(30)).until(() -> probe.chunks(turn, 1).size() >= 5);

        first.crash(); // stays in the group like a killed process: no leave, no commit

        InferenceWorker second = worker("same", longSession);
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> !second.assignedPartitions().isEmpty());
            await().atMost(Duration.ofSeconds(20)).until(() -> !probe.terminals(turn).isEmpty());
            LedgerEvent terminal = probe.terminals(turn).get(0);
            assertEquals(2, terminal.getAttempt());
            AssistantReply reply = assertInstanceOf(AssistantReply.class, terminal.getPayload());
            assertEquals(reply.getText(), probe.streamedText(turn, 2));
            assertExactlyOneTerminal(turn);

            String next = probe.turn(session, "and now?");
            await().atMost(Duration.ofSeconds(20)).until(() -> !probe.terminals(next).isEmpty());
        } finally {
            second.close();
        }
    }

    /** A transaction on the ledger partition (another session's event), committed or aborted: its marker is last. */
    private void endWithTransactionMarker(boolean commit) {
        Map<String, Object> config = new HashMap<>(clients);
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "marker-" + UUID.randomUUID());
        try (AvroSerde<LedgerEvent> serde = Topics.LEDGER.valueSerde(clients);
             KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config, new StringSerializer(),
                 new ByteArraySerializer())) {
            String other = KafkaProbe.newId();
            LedgerEvent created = LedgerEvent.newBuilder().setEventId(UUID.randomUUID().toString())
                .setSessionId(other).setTurnId("").setTimestamp(Instant.now()).setProducer("test").setAttempt(0)
                .setPayload(new SessionCreated("test", null)).build();
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(Topics.LEDGER.name(), 0, other,
                serde.serializer().serialize(Topics.LEDGER.name(), created)));
            if (commit) {
                producer.commitTransaction();
            } else {
                producer.abortTransaction();
            }
        }
    }

    private void createTopics(int partitions) {
        TopicInitializer.ensure(Map.of("bootstrap.servers", kafka.bootstrapServers()), Topics.all(partitions));
        probe = new KafkaProbe(clients);
    }

    private InferenceWorker worker(String id) {
        return worker(id, Duration.ofSeconds(6));
    }

    private InferenceWorker worker(String id, Duration sessionTimeout) {
        WorkerConfig config = new WorkerConfig(id, group, clients, backend, 64, 16_000, Duration.ZERO, "")
            .withSessionTimeout(sessionTimeout);
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
