package dev.parley.ingest;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.ingest.support.Api;
import dev.parley.ingest.support.Gateway;
import dev.parley.ingest.support.SharedKafka;
import dev.parley.kafka.EmbeddedKafka;
import dev.parley.schemas.topics.TopicInitializer;
import dev.parley.schemas.topics.Topics;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@DisplayName("Health: live always, ready only when a turn posted now would be generated")
@ExtendWith(SharedKafka.Extension.class)
class HealthIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final int LEDGER_PARTITIONS = Topics.LEDGER.partitions();

    @Test
    @DisplayName("503 not_ready naming the missing topics, then naming the empty worker group once they exist, "
            + "503 again when Kafka is gone")
    void kafkaAndTopics() {
        String group = uniqueGroup();
        EmbeddedKafka kafka = EmbeddedKafka.ephemeral(); // its own broker: no topics yet
        try (Gateway gateway = Gateway.start(SharedKafka.ingestConfig(kafka.bootstrapServers(),
                "http://localhost:9", Map.of(IngestConfig.WORKER_GROUP, group)))) {
            Api api = gateway.api();
            assertEquals(new JsonObject().put("status", "live"), api.get("/health/live").json());

            Api.Response notReady = api.get("/health/ready");
            assertEquals(503, notReady.status());
            assertEquals("not_ready", notReady.errorCode());
            String message = message(notReady);
            Topics.all().forEach(spec -> assertTrue(message.contains(spec.name()), message));
            assertEquals(new JsonObject().put("kafka", "ok").put("topics", message), checks(notReady));

            Api.Response noSession = api.post("/v1/sessions", null);
            assertEquals(503, noSession.status(), noSession.body());
            assertEquals("not_ready", noSession.errorCode());

            TopicInitializer.ensure(Map.of("bootstrap.servers", kafka.bootstrapServers()), Topics.all());
            Api.Response noWorker = await().atMost(TIMEOUT).until(() -> api.get("/health/ready"),
                    response -> "ok".equals(checks(response).getString("topics")) && answered(response));
            assertEquals(503, noWorker.status(), noWorker.body());
            assertEquals("no worker is in group " + group + "; " + allUnassigned(), message(noWorker));

            kafka.close();
            Api.Response gone = api.get("/health/ready");
            assertEquals(503, gone.status(), gone.body());
            assertEquals("not_ready", gone.errorCode());
            assertTrue(message(gone).startsWith("Kafka does not answer: "), gone.body());
            assertEquals(200, api.get("/health/live").status());
        } finally {
            kafka.close();
        }
    }

    @Test
    @DisplayName("503 naming the unassigned ledger partitions while no worker is in the group (turns are still "
            + "accepted), 200 once a consumer of that group holds them all, 503 again once it leaves")
    void workersHoldTheLedger() {
        SharedKafka kafka = SharedKafka.get();
        String group = uniqueGroup();
        try (Gateway gateway = Gateway.start(kafka.ingestConfig(Map.of(IngestConfig.WORKER_GROUP, group)))) {
            Api api = gateway.api();

            Api.Response noWorker = await().atMost(TIMEOUT).until(() -> api.get("/health/ready"), HealthIT::answered);
            assertEquals(503, noWorker.status(), noWorker.body());
            assertEquals("not_ready", noWorker.errorCode());
            String message = "no worker is in group " + group + "; " + allUnassigned();
            assertEquals(message, message(noWorker));
            assertEquals(checks(message), checks(noWorker));

            // durable in the ledger: a worker that joins later generates it
            api.submitTurn(api.createSession(), "hello while no worker runs");

            try (KafkaConsumer<byte[], byte[]> worker = workerConsumer(kafka, group)) {
                await().atMost(TIMEOUT).pollInSameThread().until(() -> {
                    worker.poll(Duration.ofMillis(100));
                    return worker.assignment().size() == LEDGER_PARTITIONS;
                });
                Api.Response ready = await().atMost(TIMEOUT).until(() -> api.get("/health/ready"),
                        response -> response.status() == 200);
                assertEquals(new JsonObject().put("status", "ready").put("checks", checks(LEDGER_PARTITIONS + " of "
                        + LEDGER_PARTITIONS + " ledger partitions held by 1 worker(s)")), ready.json());
            }

            Api.Response left = await().atMost(TIMEOUT).until(() -> api.get("/health/ready"),
                    response -> response.status() != 200 && answered(response));
            assertEquals(503, left.status(), left.body());
            assertEquals("not_ready", left.errorCode());
            assertEquals(message, message(left));
        }
    }

    /** A plain consumer in the worker group, subscribed to the ledger like a worker. */
    private static KafkaConsumer<byte[], byte[]> workerConsumer(SharedKafka kafka, String group) {
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(Topics.LEDGER.name()));
        return consumer;
    }

    private static String uniqueGroup() {
        return "health-it-workers-" + UUID.randomUUID();
    }

    private static String allUnassigned() {
        return "ledger partitions unassigned: " + IntStream.range(0, LEDGER_PARTITIONS).mapToObj(String::valueOf)
                .collect(Collectors.joining(", ")) + " (of " + LEDGER_PARTITIONS + ")";
    }

    /** Every check passed up to the workers, whose result is {@code workers}. */
    private static JsonObject checks(String workers) {
        return new JsonObject().put("kafka", "ok").put("topics", "ok")
                .put("ledger", LEDGER_PARTITIONS + " partitions writable").put("workers", workers);
    }

    private static JsonObject checks(Api.Response response) {
        return response.json().getJsonObject("checks");
    }

    /**
     * Whether Kafka answered the workers check: on a loaded machine the group lookup can time out, and the check then
     * says honestly that it cannot tell, which is not yet the answer a test waits for.
     */
    private static boolean answered(Api.Response response) {
        return response.status() == 200 || !message(response).startsWith("cannot tell which workers");
    }

    private static String message(Api.Response response) {
        return response.json().getJsonObject("error").getString("message");
    }
}
