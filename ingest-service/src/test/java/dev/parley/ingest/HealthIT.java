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
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Health: live always, ready only when Kafka answers and every topic exists")
class HealthIT {

    @Test
    @DisplayName("503 not_ready naming the missing topics, 200 once they exist, 503 again when Kafka is gone")
    void readiness() {
        EmbeddedKafka kafka = EmbeddedKafka.ephemeral(); // its own broker: no topics yet
        try (Gateway gateway = Gateway.start(SharedKafka.ingestConfig(kafka.bootstrapServers(),
                "http://localhost:9", Map.of()))) {
            Api api = gateway.api();
            assertEquals(new JsonObject().put("status", "live"), api.get("/health/live").json());

            Api.Response notReady = api.get("/health/ready");
            assertEquals(503, notReady.status());
            assertEquals("not_ready", notReady.errorCode());
            String message = notReady.json().getJsonObject("error").getString("message");
            Topics.all().forEach(spec -> assertTrue(message.contains(spec.name()), message));

            Api.Response noSession = api.post("/v1/sessions", null);
            assertEquals(503, noSession.status(), noSession.body());
            assertEquals("not_ready", noSession.errorCode());

            TopicInitializer.ensure(Map.of("bootstrap.servers", kafka.bootstrapServers()), Topics.all());
            await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/health/ready").status() == 200);
            assertEquals(new JsonObject().put("status", "ready"), api.get("/health/ready").json());

            kafka.close();
            Api.Response gone = api.get("/health/ready");
            assertEquals(503, gone.status(), gone.body());
            assertEquals("not_ready", gone.errorCode());
            assertEquals(200, api.get("/health/live").status());
        } finally {
            kafka.close();
        }
    }
}
