package dev.parley.kafka.registry;

import static dev.parley.kafka.registry.TestSchemas.USER_V1;
import static dev.parley.kafka.registry.TestSchemas.USER_WITH_AGE;
import static dev.parley.kafka.registry.TestSchemas.USER_WITH_EMAIL;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.kafka.EmbeddedKafka;
import dev.parley.kafka.registry.RegistryHttp.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SchemaRegistryRestartIT {

    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startKafka() {
        kafka = EmbeddedKafka.ephemeral();
    }

    @AfterAll
    static void stopKafka() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    @DisplayName("a registry restarted on the same broker serves identical ids, subjects, versions, configs and deletes")
    void restartRebuildsTheSameState() {
        String topic = "_schemas-restart";
        JsonObject before;
        try (SchemaRegistry registry = SchemaRegistry.start(kafka.bootstrapServers(), 0, topic)) {
            RegistryHttp http = new RegistryHttp(registry.url());
            http.put("/config", "{\"compatibility\":\"FULL\"}");
            http.put("/config/orders-value", "{\"compatibility\":\"NONE\"}");
            http.put("/config/users-value", "{\"compatibility\":\"FORWARD_TRANSITIVE\"}");
            http.put("/config/gone-value", "{\"compatibility\":\"NONE\"}");
            http.register("users-value", USER_V1);
            http.register("users-value", USER_WITH_EMAIL);
            http.register("orders-value", USER_V1);
            http.register("orders-value", USER_WITH_AGE);
            http.register("orders-value", "\"string\"");
            http.register("gone-value", USER_WITH_EMAIL);
            http.register("gone-value", "{\"type\":\"enum\",\"name\":\"Mood\",\"symbols\":[\"UP\",\"DOWN\"]}");
            assertEquals(new JsonArray().add(1).add(2), http.delete("/subjects/gone-value").array());
            before = snapshot(http);
        }
        assertEquals(List.of("orders-value", "users-value"), before.getJsonArray("subjects").getList());
        assertEquals(40408, new JsonObject(before.getJsonObject("bySubject").getJsonObject("gone-value")
                .getString("config")).getInteger("error_code"), "deleting a subject removes its config");

        try (SchemaRegistry restarted = SchemaRegistry.start(kafka.bootstrapServers(), 0, topic)) {
            RegistryHttp http = new RegistryHttp(restarted.url());
            assertEquals(before.encodePrettily(), snapshot(http).encodePrettily());

            assertError(404, 40401, http.get("/subjects/gone-value/versions"));
            int maxId = before.getJsonObject("ids").size();
            assertEquals(maxId + 1, http.register("fresh-value", "{\"type\":\"fixed\",\"name\":\"Hash\",\"size\":16}"));
            assertEquals(before.getJsonObject("ids").getJsonObject("1").getString("schema"),
                    http.get("/schemas/ids/" + http.register("fresh-value-2", USER_V1)).json().getString("schema"));
        }
    }

    @Test
    @DisplayName("close() stops the HTTP server, Vert.x, the Kafka clients and the reader thread, and can be repeated")
    void closeLeavesNoThreadsBehind() {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        try (SchemaRegistry registry = SchemaRegistry.start(kafka.bootstrapServers(), 0, "_schemas-threads")) {
            RegistryHttp http = new RegistryHttp(registry.url());
            http.register("threads-value", USER_V1);
            assertFalse(registryThreads(before).isEmpty(), "the registry runs its own threads while open");
            registry.close(); // and again by try-with-resources: closing twice is harmless
        }
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertEquals(Set.of(), registryThreads(before)));
    }

    /** Threads started since {@code before}, other than the JDK HTTP client's and the broker's own. */
    private static Set<String> registryThreads(Set<Thread> before) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> !before.contains(thread) && thread.isAlive())
                .map(Thread::getName)
                .filter(name -> name.startsWith("vert.x-") || name.startsWith("vertx-")
                        || name.contains("parley-schema-registry") || name.contains("globalEventExecutor"))
                .collect(Collectors.toSet());
    }

    /** Everything a client can read, keyed so that two registries on the same log must answer identically. */
    private static JsonObject snapshot(RegistryHttp http) {
        JsonObject snapshot = new JsonObject()
                .put("subjects", http.get("/subjects").array())
                .put("allSubjects", http.get("/subjects?deleted=true").array())
                .put("global", http.get("/config").json());
        JsonObject subjects = new JsonObject();
        for (Object subject : snapshot.getJsonArray("allSubjects")) {
            JsonObject versions = new JsonObject();
            for (Object version : http.get("/subjects/" + subject + "/versions?deleted=true").array()) {
                versions.put(version.toString(), http.get("/subjects/" + subject + "/versions/" + version
                        + "?deleted=true").json());
            }
            Response config = http.get("/config/" + subject);
            subjects.put(subject.toString(), new JsonObject()
                    .put("versions", versions)
                    .put("live", http.get("/subjects/" + subject + "/versions").body())
                    .put("config", config.body()));
        }
        snapshot.put("bySubject", subjects);
        JsonObject ids = new JsonObject();
        for (int id = 1; ; id++) {
            Response schema = http.get("/schemas/ids/" + id);
            if (schema.status() == 404) {
                break;
            }
            ids.put(Integer.toString(id), schema.json().put("versions", http.get("/schemas/ids/" + id + "/versions").array()));
        }
        snapshot.put("ids", ids);
        return snapshot;
    }

    private static void assertError(int status, int errorCode, Response response) {
        assertEquals(status, response.status(), response.body());
        assertEquals(errorCode, response.errorCode(), response.body());
        assertTrue(response.json().containsKey("message"), response.body());
    }
}
