package dev.parley.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.schemas.config.Env;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("The gateway's settings come from the environment and are validated together")
class IngestConfigTest {

    @Test
    @DisplayName("every setting has a default")
    void defaults() {
        IngestConfig config = IngestConfig.fromEnvironment(new Env(Map.of()));

        assertEquals(8080, config.httpPort());
        assertEquals(65_536, config.maxTurnBytes());
        assertEquals(32, config.batchMaxAgents());
        assertEquals(Duration.ofHours(1), config.clientTurnWindow());
        assertEquals(Duration.ofSeconds(15), config.sseHeartbeat());
        assertEquals(10_000, config.clientBufferEvents());
        assertEquals(Duration.ofSeconds(10), config.clientStall());
        assertEquals("http://localhost:8083", config.postprocessUrl());
        assertEquals(Duration.ofSeconds(5), config.postprocessTimeout());
        assertEquals("parley-inference-worker", config.workerGroup());
        assertEquals("localhost:9092", config.kafka().get("bootstrap.servers"));
        assertEquals("http://localhost:8081", config.kafka().get("schema.registry.url"));
    }

    @Test
    @DisplayName("PARLEY_* variables override the defaults; PARLEY_KAFKA_* pass through to the clients")
    void overrides() {
        IngestConfig config = IngestConfig.fromEnvironment(new Env(Map.ofEntries(
                Map.entry("PARLEY_HTTP_PORT", "0"), Map.entry("PARLEY_MAX_TURN_BYTES", "100"),
                Map.entry("PARLEY_BATCH_MAX_AGENTS", "3"),
                Map.entry("PARLEY_CLIENT_TURN_WINDOW_MS", "5000"), Map.entry("PARLEY_SSE_HEARTBEAT_MS", "250"),
                Map.entry("PARLEY_CLIENT_BUFFER_EVENTS", "7"), Map.entry("PARLEY_CLIENT_STALL_MS", "900"),
                Map.entry("PARLEY_POSTPROCESS_URL", "https://postprocess_1:9443/parley/"),
                Map.entry("PARLEY_POSTPROCESS_TIMEOUT_MS", "750"),
                Map.entry("PARLEY_WORKER_GROUP", "workers-eu"),
                Map.entry("PARLEY_KAFKA_BOOTSTRAP_SERVERS", "kafka:9092"),
                Map.entry("PARLEY_KAFKA_SECURITY_PROTOCOL", "SSL"),
                Map.entry("PARLEY_SCHEMA_REGISTRY_URL", "http://registry:8081"))));

        assertEquals(0, config.httpPort());
        assertEquals(100, config.maxTurnBytes());
        assertEquals(3, config.batchMaxAgents());
        assertEquals(Duration.ofMillis(5000), config.clientTurnWindow());
        assertEquals(Duration.ofMillis(250), config.sseHeartbeat());
        assertEquals(7, config.clientBufferEvents());
        assertEquals(Duration.ofMillis(900), config.clientStall());
        assertEquals("https://postprocess_1:9443/parley", config.postprocessUrl(), "without the trailing slash");
        assertEquals(Duration.ofMillis(750), config.postprocessTimeout());
        assertEquals("workers-eu", config.workerGroup());
        assertEquals("kafka:9092", config.kafka().get("bootstrap.servers"));
        assertEquals("SSL", config.kafka().get("security.protocol"));
        assertEquals("http://registry:8081", config.kafka().get("schema.registry.url"));
    }

    @Test
    @DisplayName("every bad setting is named in one error")
    void badSettings() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> IngestConfig.fromEnvironment(new Env(Map.of("PARLEY_HTTP_PORT", "http",
                        "PARLEY_MAX_TURN_BYTES", "0", "PARLEY_BATCH_MAX_AGENTS", "1001",
                        "PARLEY_SSE_HEARTBEAT_MS", "-5", "PARLEY_CLIENT_BUFFER_EVENTS", "many",
                        "PARLEY_POSTPROCESS_URL", "localhost:8083", "PARLEY_POSTPROCESS_TIMEOUT_MS", "0",
                        "PARLEY_WORKER_GROUP", "my workers"))));

        for (String key : new String[] {"PARLEY_HTTP_PORT", "PARLEY_MAX_TURN_BYTES", "PARLEY_BATCH_MAX_AGENTS",
                "PARLEY_SSE_HEARTBEAT_MS", "PARLEY_CLIENT_BUFFER_EVENTS", "PARLEY_POSTPROCESS_URL",
                "PARLEY_POSTPROCESS_TIMEOUT_MS", "PARLEY_WORKER_GROUP"}) {
            assertTrue(error.getMessage().contains(key), error.getMessage());
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"localhost:8083", "/sessions", "ftp://postprocess:21", "http://", "http://host:8083?x=1",
            "http://host:8083#top", "http://bad host"})
    @DisplayName("PARLEY_POSTPROCESS_URL must be an absolute http(s) URL without query or fragment:")
    void badPostprocessUrl(String url) {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> IngestConfig.fromEnvironment(new Env(Map.of("PARLEY_POSTPROCESS_URL", url))));

        assertTrue(error.getMessage().contains("PARLEY_POSTPROCESS_URL=" + url), error.getMessage());
    }
}
