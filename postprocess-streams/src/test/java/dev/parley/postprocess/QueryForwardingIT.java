package dev.parley.postprocess;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.parley.avro.AssistantReply;
import dev.parley.avro.LedgerEvent;
import dev.parley.avro.Usage;
import dev.parley.avro.UserTurn;
import dev.parley.kafka.EmbeddedKafka;
import dev.parley.kafka.registry.SchemaRegistry;
import dev.parley.schemas.config.Env;
import dev.parley.schemas.ids.UuidV7;
import dev.parley.schemas.serde.AvroSerde;
import dev.parley.schemas.topics.TopicInitializer;
import dev.parley.schemas.topics.Topics;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two Streams instances share the ledger's partitions; either one answers for every session. */
class QueryForwardingIT {

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    @DisplayName("with two instances, a query reaches the instance that owns the session, whichever one is asked")
    void anyInstanceAnswersForEverySession(@TempDir Path stateA, @TempDir Path stateB) throws Exception {
        Vertx vertx = Vertx.vertx();
        try (EmbeddedKafka kafka = EmbeddedKafka.ephemeral();
             SchemaRegistry registry = SchemaRegistry.start(kafka.bootstrapServers(), 0)) {
            TopicInitializer.ensure(Map.of("bootstrap.servers", kafka.bootstrapServers()), Topics.all(2));
            Map<String, String> env = Map.of(Env.KAFKA_BOOTSTRAP, kafka.bootstrapServers(),
                Env.REGISTRY_URL, registry.url(), PostprocessConfig.PORT, "0",
                PostprocessConfig.APPLICATION_ID, "forwarding-" + UUID.randomUUID());
            PostprocessConfig config = PostprocessConfig.fromEnvironment(new Env(env));
            String[] sessions = {sessionIn(0), sessionIn(1)};
            write(kafka.bootstrapServers(), registry.url(), sessions);
            try (PostprocessApp a = PostprocessApp.start(vertx, config.withPortAndStateDir(0, stateA));
                 PostprocessApp b = PostprocessApp.start(vertx, config.withPortAndStateDir(0, stateB))) {
                // Each instance owns one partition, so for every session one of the two must forward.
                await().atMost(Duration.ofSeconds(60)).until(() -> a.ownedPartitions().size() == 1
                    && b.ownedPartitions().size() == 1);
                assertNotEquals(a.ownedPartitions(), b.ownedPartitions());
                for (String session : sessions) {
                    for (PostprocessApp asked : List.of(a, b)) {
                        // the reply, not only the turn: usage is counted when the turn ends
                        await().atMost(Duration.ofSeconds(60)).until(() -> replied(get(asked, "/sessions/" + session)));
                        JsonObject snapshot = new JsonObject(get(asked, "/sessions/" + session).body());
                        assertEquals(1, snapshot.getInteger("turnCount"));
                        assertEquals("Grace", snapshot.getJsonObject("facts").getString("name"));
                        assertEquals(new JsonObject().put("promptTokens", 12).put("completionTokens", 8)
                            .put("costUsd", 0.25).put("estimated", true), snapshot.getJsonObject("usage"));
                        JsonObject found = new JsonObject(get(asked, "/sessions/" + session + "/search?q="
                            + URLEncoder.encode("who wrote the first compiler", StandardCharsets.UTF_8) + "&k=1")
                            .body());
                        assertEquals(session, found.getString("sessionId"));
                        assertEquals(1, found.getJsonArray("results").size());
                    }
                }
            }
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
    }

    private static boolean replied(HttpResponse<String> snapshot) {
        return snapshot.statusCode() == 200 && new JsonObject(snapshot.body()).getValue("usage") != null;
    }

    private HttpResponse<String> get(PostprocessApp app, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + app.port() + path)).build(),
            HttpResponse.BodyHandlers.ofString());
    }

    /** A session id that lands in ledger partition {@code partition} of 2. */
    private static String sessionIn(int partition) {
        String id = UuidV7.next().toString();
        while (Utils.toPositive(Utils.murmur2(id.getBytes(StandardCharsets.UTF_8))) % 2 != partition) {
            id = UuidV7.next().toString();
        }
        return id;
    }

    private static void write(String bootstrap, String registryUrl, String[] sessions) throws Exception {
        Map<String, Object> config = new HashMap<>(Map.of("bootstrap.servers", bootstrap,
            "schema.registry.url", registryUrl));
        try (AvroSerde<LedgerEvent> serde = Topics.LEDGER.valueSerde(config);
             KafkaProducer<String, LedgerEvent> producer = new KafkaProducer<>(config, new StringSerializer(),
                 serde.serializer())) {
            for (String session : sessions) {
                String turn = UuidV7.next().toString();
                producer.send(record(session, turn, UserTurn.newBuilder().setText("My name is Grace. Who wrote the first compiler?").setClientTurnId(null).build())).get();
                producer.send(record(session, turn, AssistantReply.newBuilder().setText("Grace Hopper wrote the A-0 compiler.").setModel("m").setFinishReason("stop")
                    .setUsage(Usage.newBuilder().setPromptTokens(12).setCompletionTokens(8).setEstimated(true).build())
                    .setCostUsd(0.25).build())).get();
            }
        }
    }

    private static ProducerRecord<String, LedgerEvent> record(String session, String turn, Object payload) {
        return new ProducerRecord<>(Topics.LEDGER.name(), session, LedgerEvent.newBuilder()
            .setEventId(UUID.randomUUID().toString()).setSessionId(session).setTurnId(turn)
            .setTimestamp(Instant.now()).setProducer("test").setAttempt(0).setPayload(payload).build());
    }
}
