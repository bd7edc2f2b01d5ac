package dev.parley.postprocess;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.parley.avro.AssistantReply;
import dev.parley.avro.LedgerEvent;
import dev.parley.avro.ReplyCancelled;
import dev.parley.avro.ReplyFailed;
import dev.parley.avro.SessionCreated;
import dev.parley.avro.Usage;
import dev.parley.avro.UserTurn;
import dev.parley.kafka.EmbeddedKafka;
import dev.parley.kafka.registry.SchemaRegistry;
import dev.parley.postprocess.topology.PrincipalUsages;
import dev.parley.schemas.config.Env;
import dev.parley.schemas.ids.UuidV7;
import dev.parley.schemas.serde.AvroSerde;
import dev.parley.schemas.topics.TopicInitializer;
import dev.parley.schemas.topics.Topics;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Usage adds up, and sessions are listed, per principal across sessions and instances; either instance answers for
 * every principal.
 */
class PrincipalUsageIT {

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    @DisplayName("GET /usage/{principal} counts each turn once, a null principal as anonymous, a stranger as zeros; "
        + "GET /principals/{principal}/sessions lists its own sessions newest first with their first lines; a third "
        + "instance on one's state directory stops at once, naming it")
    void usageAddsUpPerPrincipal(@TempDir Path stateA, @TempDir Path stateB) throws Exception {
        Vertx vertx = Vertx.vertx();
        try (EmbeddedKafka kafka = EmbeddedKafka.ephemeral();
             SchemaRegistry registry = SchemaRegistry.start(kafka.bootstrapServers(), 0)) {
            TopicInitializer.ensure(Map.of("bootstrap.servers", kafka.bootstrapServers()), Topics.all(2));
            Map<String, String> env = Map.of(Env.KAFKA_BOOTSTRAP, kafka.bootstrapServers(),
                Env.REGISTRY_URL, registry.url(), PostprocessConfig.PORT, "0", PostprocessConfig.EMBEDDINGS, "none",
                PostprocessConfig.APPLICATION_ID, "usage-" + UUID.randomUUID());
            PostprocessConfig config = PostprocessConfig.fromEnvironment(new Env(env));
            Map<String, JsonArray> sessions = write(kafka.bootstrapServers(), registry.url());
            try (PostprocessApp a = PostprocessApp.start(vertx, config.withPortAndStateDir(0, stateA));
                 PostprocessApp b = PostprocessApp.start(vertx, config.withPortAndStateDir(0, stateB))) {
                await().atMost(Duration.ofSeconds(60)).until(() -> a.ownedPartitions().size() == 1
                    && b.ownedPartitions().size() == 1);
                IllegalStateException third = assertThrows(IllegalStateException.class,
                    () -> PostprocessApp.start(vertx, config.withPortAndStateDir(0, stateA)));
                assertEquals("another postprocess-streams (" + config.applicationId() + ") is using the state "
                    + "directory " + stateA.toAbsolutePath() + "; stop it or give this one its own "
                    + "PARLEY_POSTPROCESS_STATE_DIR", third.getMessage());
                JsonObject ada = expected("ada", 2, 1, 1, 0, 13, 5, 0.75, true);
                JsonObject grace = expected("grace", 1, 1, 0, 0, 4, 2, 0.0, false);
                JsonObject anonymous = expected(PrincipalUsages.ANONYMOUS, 1, 0, 0, 1, 7, 1, 0.5, false);
                for (PostprocessApp asked : List.of(a, b)) {
                    // the last event of each principal is counted last: once it is, so is everything before it
                    for (JsonObject totals : List.of(ada, grace, anonymous)) {
                        String path = "/usage/" + totals.getString("principal");
                        await().atMost(Duration.ofSeconds(60)).until(() -> turns(get(asked, path))
                            == totals.getLong("turns"));
                        assertEquals(totals, new JsonObject(get(asked, path).body()));
                    }
                    assertEquals(expected("stranger", 0, 0, 0, 0, 0, 0, 0.0, false),
                        new JsonObject(get(asked, "/usage/stranger").body()));
                    for (Map.Entry<String, JsonArray> listed : sessions.entrySet()) {
                        String path = "/principals/" + listed.getKey() + "/sessions";
                        await().atMost(Duration.ofSeconds(60)).until(() -> listed.getValue()
                            .equals(withoutTimes(get(asked, path))));
                    }
                    JsonObject newest = new JsonObject(get(asked, "/principals/ada/sessions?limit=1").body());
                    assertEquals(sessions.get("ada").getJsonObject(0), withoutTimes(newest).getJsonObject(0));
                    assertEquals(1, newest.getJsonArray("sessions").size());
                    assertEquals(new JsonObject().put("principal", "stranger").put("sessions", new JsonArray()),
                        new JsonObject(get(asked, "/principals/stranger/sessions").body()));
                    assertEquals(400, get(asked, "/principals/ada/sessions?limit=201").statusCode());
                }
            }
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
    }

    /** The sessions listed, each without its createdAt (the events' times are the producer's clock). */
    private static JsonArray withoutTimes(HttpResponse<String> response) {
        return response.statusCode() == 200 ? withoutTimes(new JsonObject(response.body())) : null;
    }

    private static JsonArray withoutTimes(JsonObject list) {
        JsonArray sessions = new JsonArray();
        for (Object session : list.getJsonArray("sessions")) {
            JsonObject entry = ((JsonObject) session).copy();
            if (entry.remove("createdAt") == null) {
                throw new AssertionError("no createdAt in " + session);
            }
            sessions.add(entry);
        }
        return sessions;
    }

    private static long turns(HttpResponse<String> response) {
        return response.statusCode() == 200 ? new JsonObject(response.body()).getLong("turns") : -1;
    }

    private static JsonObject expected(String principal, long turns, long completed, long failed, long cancelled,
                                       long prompt, long completion, double cost, boolean estimated) {
        return new JsonObject().put("principal", principal).put("turns", turns).put("completed", completed)
            .put("failed", failed).put("cancelled", cancelled).put("promptTokens", prompt)
            .put("completionTokens", completion).put("costUsd", cost).put("estimated", estimated);
    }

    private HttpResponse<String> get(PostprocessApp app, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + app.port() + path)).build(),
            HttpResponse.BodyHandlers.ofString());
    }

    /**
     * ada: a turn answered twice (a regenerated attempt: counted once), then a failed one in the same session, so
     * once the failed one counts the second answer has been seen; grace: one turn without prices; a null principal:
     * one cancelled turn. ada opens a second session after the first, named by its first turn's line after a
     * simulator directive. Returns each principal's sessions as they should be listed (without times).
     */
    private static Map<String, JsonArray> write(String bootstrap, String registryUrl) throws Exception {
        Map<String, Object> config = new HashMap<>(Map.of("bootstrap.servers", bootstrap,
            "schema.registry.url", registryUrl));
        try (AvroSerde<LedgerEvent> serde = Topics.LEDGER.valueSerde(config);
             KafkaProducer<String, LedgerEvent> producer = new KafkaProducer<>(config, new StringSerializer(),
                 serde.serializer())) {
            String adaOne = UuidV7.next().toString();
            send(producer, adaOne, "", 0, new SessionCreated("ada", null));
            String t1 = UuidV7.next().toString();
            send(producer, adaOne, t1, 0, UserTurn.newBuilder().setText("Hello").setPrincipal("ada").build());
            AssistantReply first = AssistantReply.newBuilder().setText("Hi").setUsage(usage(10, 5, false))
                .setCostUsd(0.25).setPrincipal("ada").build();
            send(producer, adaOne, t1, 1, first);
            send(producer, adaOne, t1, 2, AssistantReply.newBuilder(first).setText("Hi again")
                .setUsage(usage(10, 6, false)).build());
            String t2 = UuidV7.next().toString();
            send(producer, adaOne, t2, 0, UserTurn.newBuilder().setText("More").setPrincipal("ada").build());
            send(producer, adaOne, t2, 1, ReplyFailed.newBuilder().setPartialText("").setReason("down")
                .setUsage(usage(3, 0, true)).setCostUsd(0.5).setPrincipal("ada").build());
            String adaTwo = UuidV7.next().toString();
            send(producer, adaTwo, "", 0, new SessionCreated("ada", null));
            send(producer, adaTwo, UuidV7.next().toString(), 0, UserTurn.newBuilder()
                .setText("#sim: tokens=2\n Second one \nand more").setPrincipal("ada").build());
            String graceSession = UuidV7.next().toString();
            send(producer, graceSession, "", 0, new SessionCreated("grace", null));
            String t4 = UuidV7.next().toString();
            send(producer, graceSession, t4, 0, UserTurn.newBuilder().setText("Hi").setPrincipal("grace").build());
            send(producer, graceSession, t4, 1, AssistantReply.newBuilder().setText("Hello Grace")
                .setUsage(usage(4, 2, false)).setPrincipal("grace").build());
            String anonymousSession = UuidV7.next().toString();
            send(producer, anonymousSession, "", 0, new SessionCreated(null, null));
            String t5 = UuidV7.next().toString();
            send(producer, anonymousSession, t5, 0, UserTurn.newBuilder().setText("Hey").build());
            send(producer, anonymousSession, t5, 1, ReplyCancelled.newBuilder().setPartialText("Ha")
                .setUsage(usage(7, 1, false)).setCostUsd(0.5).build());
            return Map.of("ada", new JsonArray().add(listed(adaTwo, "Second one")).add(listed(adaOne, "Hello")),
                "grace", new JsonArray().add(listed(graceSession, "Hi")),
                PrincipalUsages.ANONYMOUS, new JsonArray().add(listed(anonymousSession, "Hey")));
        }
    }

    private static JsonObject listed(String sessionId, String firstLine) {
        return new JsonObject().put("sessionId", sessionId).put("firstLine", firstLine);
    }

    private static void send(KafkaProducer<String, LedgerEvent> producer, String session, String turn, int attempt,
                             Object payload) throws Exception {
        producer.send(new ProducerRecord<>(Topics.LEDGER.name(), session, LedgerEvent.newBuilder()
            .setEventId(UUID.randomUUID().toString()).setSessionId(session).setTurnId(turn)
            .setTimestamp(Instant.now()).setProducer("test").setAttempt(attempt).setPayload(payload).build())).get();
    }

    private static Usage usage(int prompt, int completion, boolean estimated) {
        return Usage.newBuilder().setPromptTokens(prompt).setCompletionTokens(completion).setEstimated(estimated)
            .build();
    }
}
