package dev.parley.standalone;

import static dev.parley.standalone.client.ParleyHttp.JSON;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.avro.Commitment;
import dev.parley.avro.CommitmentStatus;
import dev.parley.avro.EmbeddingIndexed;
import dev.parley.ingest.IngestConfig;
import dev.parley.ingest.auth.AuthConfig;
import dev.parley.ingest.IngestService;
import dev.parley.kafka.EmbeddedKafka;
import dev.parley.kafka.registry.SchemaRegistry;
import dev.parley.postprocess.PostprocessApp;
import dev.parley.postprocess.PostprocessConfig;
import dev.parley.schemas.config.Env;
import dev.parley.schemas.serde.AvroSerde;
import dev.parley.schemas.topics.TopicInitializer;
import dev.parley.schemas.topics.TopicSpec;
import dev.parley.schemas.topics.Topics;
import dev.parley.standalone.client.ParleyHttp;
import dev.parley.worker.InferenceWorker;
import dev.parley.worker.WorkerConfig;
import dev.parley.worker.simulator.LlmSimulator;
import dev.parley.worker.simulator.SimulatorConfig;
import io.vertx.core.Vertx;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * postprocess-streams on a real broker behind the real gateway and worker: turns posted over HTTP show up in the
 * snapshot, embeddings, commitments and search; the app survives a stop and a restart, the worker's context does
 * not depend on it, and a reset rebuild gives the same snapshot. The tests share one session and run in order.
 */
@DisplayName("postprocess-streams end to end: snapshot, commitments, search, restart and rebuild")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PostprocessIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String DENTIST = "Nice to meet you, Ada! I'll remind you tomorrow at 9am to call the dentist.";

    @TempDir
    static Path stateDir;
    private static Vertx vertx;
    private static EmbeddedKafka kafka;
    private static SchemaRegistry registry;
    private static LlmSimulator simulator;
    private static InferenceWorker worker;
    private static IngestService ingest;
    private static PostprocessApp postprocess;
    private static PostprocessConfig postprocessConfig;
    private static ParleyHttp api;
    private static String session;
    private static String firstTurn;
    private static JsonNode snapshotBeforeReset;
    private static long snapshotOffset;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        kafka = EmbeddedKafka.ephemeral();
        registry = SchemaRegistry.start(kafka.bootstrapServers(), 0);
        TopicInitializer.ensure(Map.of("bootstrap.servers", kafka.bootstrapServers()), Topics.all(2));
        simulator = LlmSimulator.start(vertx, 0, SimulatorConfig.defaults());
        Map<String, String> env = new HashMap<>(Map.of(
            Env.KAFKA_BOOTSTRAP, kafka.bootstrapServers(), Env.REGISTRY_URL, registry.url(),
            "PARLEY_LLM_URL", simulator.baseUrl(), "PARLEY_HTTP_PORT", "0", "PARLEY_WORKER_METRICS_PORT", "0",
            PostprocessConfig.PORT, "0", PostprocessConfig.STATE_DIR, stateDir.toString(),
            PostprocessConfig.APPLICATION_ID, "postprocess-it-" + UUID.randomUUID()));
        postprocessConfig = PostprocessConfig.fromEnvironment(new Env(env));
        postprocess = PostprocessApp.start(vertx, postprocessConfig);
        env.put(IngestConfig.POSTPROCESS_URL, "http://localhost:" + postprocess.port());
        env.put(AuthConfig.MODE, "none");
        worker = InferenceWorker.start(vertx, WorkerConfig.fromEnvironment(new Env(env)));
        ingest = IngestService.start(vertx, IngestConfig.fromEnvironment(new Env(env)));
        api = new ParleyHttp("http://localhost:" + ingest.port());
    }

    @AfterAll
    static void stop() {
        ingest.close();
        worker.close();
        postprocess.close();
        simulator.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
        registry.close();
        kafka.close();
    }

    @Test
    @Order(1)
    @DisplayName("turns posted through the gateway show up in the snapshot, embeddings, commitments and search")
    void turnsReachEveryView() throws Exception {
        session = api.createSession();
        firstTurn = turn("Hi, my name is Ada and I live in Lisbon.\n#sim: reply=\"" + DENTIST + "\"");
        turn("What is the capital of France?\n#sim: reply=\"Paris is the capital of France.\"");
        turn("How do Kafka partitions keep order?\n#sim: reply=\"Records with one key go to one partition, "
            + "and a partition is an ordered log.\"");

        JsonNode snapshot = awaitSnapshot(s -> s.get("turnCount").asInt() == 3
            && s.get("recentTurns").get(2).get("status").asText().equals("completed"));
        snapshotOffset = snapshot.get("ledgerOffset").asLong();
        assertEquals("Ada", snapshot.get("facts").get("name").asText());
        assertEquals("Lisbon", snapshot.get("facts").get("location").asText());
        JsonNode promise = snapshot.get("openCommitments").get(0);
        assertEquals(1, snapshot.get("openCommitments").size());
        assertEquals(firstTurn, promise.get("turnId").asText());
        assertTrue(promise.get("text").asText().contains("remind you"), promise.toString());
        assertTrue(promise.get("dueAt").asText().endsWith("T09:00:00Z"), promise.toString());

        // Interactive queries see the store before the exactly-once commit makes the topics' records readable.
        await().atMost(WAIT).until(() -> !readAll(Topics.COMMITMENTS).isEmpty());
        List<Commitment> commitments = readAll(Topics.COMMITMENTS);
        assertEquals(1, commitments.stream().filter(c -> c.getSessionId().equals(session)).count());
        assertEquals(CommitmentStatus.OPEN, commitments.get(0).getStatus());
        await().atMost(WAIT).until(() -> readAll(Topics.EMBEDDINGS).stream()
            .filter(e -> e.getSessionId().equals(session)).count() == 6);
        EmbeddingIndexed embedding = readAll(Topics.EMBEDDINGS).get(0);
        assertEquals(384, embedding.getVector().size());
        assertEquals("all-minilm-l6-v2-q", embedding.getModel());

        JsonNode found = search("when do I have to phone my dentist", 3);
        assertEquals(3, found.get("results").size());
        JsonNode best = found.get("results").get(0);
        assertEquals(firstTurn, best.get("turnId").asText(), found.toString());
        assertTrue(best.get("score").asDouble() > found.get("results").get(2).get("score").asDouble());
        assertEquals("Paris is the capital of France.",
            search("which city is France's capital", 1).get("results").get(0).get("text").asText());
    }

    @Test
    @Order(2)
    @DisplayName("the next turn's context holds the snapshot's facts and open promise, and reply N-1")
    void contextFromSnapshot() throws Exception {
        // The worker reads snapshots once they are committed; wait for that one rather than race it.
        await().atMost(WAIT).until(() -> worker.snapshotOffset(session) >= snapshotOffset);
        JsonNode context = echo("What do you know about me?");
        String memory = context.get(0).get("content").asText();
        assertEquals("system", context.get(0).get("role").asText());
        assertTrue(memory.contains("name: Ada"), memory);
        assertTrue(memory.contains("call the dentist"), memory);
        assertEquals("Records with one key go to one partition, and a partition is an ordered log.",
            context.get(context.size() - 2).get("content").asText());
    }

    @Test
    @Order(3)
    @DisplayName("with postprocess-streams stopped, reply N-1 is still in turn N's context; restarted, it catches up")
    void stoppedAndRestarted() throws Exception {
        postprocess.close();
        String reply = "While the Streams app was away.";
        turn("Are you there?\n#sim: reply=\"" + reply + "\"");
        JsonNode context = echo("And now?");
        assertEquals(reply, context.get(context.size() - 2).get("content").asText());
        assertEquals(503, api.send("GET", "/v1/sessions/" + session, null).statusCode(),
            "the gateway says the snapshot service is down");

        postprocess = PostprocessApp.start(vertx, postprocessConfig.withPortAndStateDir(postprocess.port(),
            postprocessConfig.stateDir()));
        JsonNode snapshot = awaitSnapshot(s -> s.get("turnCount").asInt() == 6
            && s.get("recentTurns").get(s.get("recentTurns").size() - 1).get("status").asText().equals("completed"));
        assertEquals("Ada", snapshot.get("facts").get("name").asText(), "state from before the stop is kept");
        assertEquals(1, snapshot.get("openCommitments").size());
        // Once the catch-up is committed (the sessions topic has it), the commitments topic shows what it emitted.
        await().atMost(WAIT).until(() -> readAll(Topics.SESSIONS).stream()
            .anyMatch(s -> s.getSessionId().equals(session) && s.getTurnCount() == 6));
        assertEquals(1, readAll(Topics.COMMITMENTS).size(), "nothing is re-emitted after a restart");
        snapshotBeforeReset = snapshot;
    }

    @Test
    @Order(4)
    @DisplayName("a reset rebuilds every snapshot from the ledger, identical to the one it replaces")
    void resetRebuildsTheSameSnapshot() throws Exception {
        int port = postprocess.port();
        postprocess.close();
        int before = readAll(Topics.SESSIONS).size();
        postprocess = PostprocessApp.start(vertx, postprocessConfig.withPortAndStateDir(port,
            postprocessConfig.stateDir()).withReset(true));
        await().atMost(WAIT).until(() -> readAll(Topics.SESSIONS).size() > before
            && api.send("GET", "/v1/sessions/" + session, null).statusCode() == 200);
        JsonNode rebuilt = awaitSnapshot(s -> s.get("ledgerOffset").asLong()
            == snapshotBeforeReset.get("ledgerOffset").asLong());
        assertEquals(snapshotBeforeReset, rebuilt);
        assertEquals(List.of("all-minilm-l6-v2-q"), readAll(Topics.EMBEDDINGS).stream().map(EmbeddingIndexed::getModel)
            .distinct().toList());
    }

    private static String turn(String text) throws Exception {
        String turnId = api.postTurn(session, text);
        JsonNode status = api.turnStatus(session, turnId, 30);
        assertEquals("completed", status.get("status").asText(), status.toString());
        return turnId;
    }

    /** Posts an echo turn and returns the messages the model got. */
    private static JsonNode echo(String text) throws Exception {
        String turnId = api.postTurn(session, text + "\n#sim: echo");
        JsonNode status = api.turnStatus(session, turnId, 30);
        return JSON.readTree(status.get("text").asText());
    }

    private static JsonNode awaitSnapshot(java.util.function.Predicate<JsonNode> ready) {
        JsonNode[] latest = new JsonNode[1];
        await().atMost(WAIT).until(() -> {
            var response = api.send("GET", "/v1/sessions/" + session, null);
            if (response.statusCode() != 200) {
                return false;
            }
            latest[0] = JSON.readTree(response.body());
            return ready.test(latest[0]);
        });
        return latest[0];
    }

    private static JsonNode search(String q, int k) throws Exception {
        return ParleyHttp.expect(200, api.send("GET", "/v1/sessions/" + session + "/search?q="
            + URLEncoder.encode(q, StandardCharsets.UTF_8) + "&k=" + k, null));
    }

    /** Every committed record of a topic, decoded. */
    private static <V extends SpecificRecord> List<V> readAll(TopicSpec<V> topic) {
        Map<String, Object> config = new HashMap<>(Map.of("bootstrap.servers", kafka.bootstrapServers(),
            "schema.registry.url", registry.url()));
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<V> values = new ArrayList<>();
        try (AvroSerde<V> serde = topic.valueSerde(config);
             KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                 new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic.name()).stream()
                .map(p -> new TopicPartition(topic.name(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(serde.deserializer().deserialize(topic.name(), record.value()));
                }
            }
        }
        return values;
    }
}
