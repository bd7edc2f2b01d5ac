package dev.parley.schemas.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class EnvTest {

    @Test
    @DisplayName("PARLEY_KAFKA_* variables become Kafka client settings")
    void kafkaPassThrough() {
        Env env = new Env(Map.of("PARLEY_KAFKA_BOOTSTRAP_SERVERS", "k1:9092", "PARLEY_KAFKA_SECURITY_PROTOCOL", "SSL",
            "PARLEY_SCHEMA_REGISTRY_URL", "http://r:8081", "OTHER", "x"));
        Map<String, Object> config = env.kafkaClientConfig("localhost:9092");
        assertEquals("k1:9092", config.get("bootstrap.servers"));
        assertEquals("SSL", config.get("security.protocol"));
        assertEquals("http://r:8081", config.get("schema.registry.url"));
        assertEquals(3, config.size(), config.toString());
    }

    @Test
    @DisplayName("defaults apply when a variable is unset")
    void defaults() {
        Env env = new Env(Map.of());
        assertEquals(8080, env.port("PARLEY_HTTP_PORT", 8080));
        assertEquals(Duration.ofSeconds(5), env.millis("PARLEY_X_MS", Duration.ofSeconds(5)));
        assertEquals("localhost:9092", env.kafkaClientConfig("localhost:9092").get("bootstrap.servers"));
        env.validate();
    }

    @Test
    @DisplayName("every bad value is named in one error")
    void everyBadValueNamed() {
        Env env = new Env(Map.of("PARLEY_HTTP_PORT", "http", "PARLEY_MAX_TURN_BYTES", "-1"));
        env.port("PARLEY_HTTP_PORT", 8080);
        env.integer("PARLEY_MAX_TURN_BYTES", 65_536, 1, 10_000_000);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, env::validate);
        assertTrue(e.getMessage().contains("PARLEY_HTTP_PORT=http"), e.getMessage());
        assertTrue(e.getMessage().contains("PARLEY_MAX_TURN_BYTES=-1"), e.getMessage());
    }

    @Test
    @DisplayName("servers bind to loopback unless PARLEY_BIND_HOST opens them; the broker's own settings are no client settings")
    void bindHostAndBrokerSettings() {
        assertEquals("127.0.0.1", new Env(Map.of()).bindHost());
        Env env = new Env(Map.of("PARLEY_BIND_HOST", "0.0.0.0", "PARLEY_KAFKA_PORT", "9092",
            "PARLEY_KAFKA_ADVERTISED_HOST", "kafka.local"));
        assertEquals("0.0.0.0", env.bindHost());
        assertEquals(Map.of("bootstrap.servers", "localhost:9092", "schema.registry.url", "http://localhost:8081"),
            env.kafkaClientConfig("localhost:9092"));
    }
}
