package dev.parley.standalone;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.avro.TokenChunk;
import dev.parley.schemas.serde.AvroSerde;
import dev.parley.schemas.serde.WireFormat;
import dev.parley.schemas.topics.Topics;
import dev.parley.standalone.client.ParleyHttp;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StandaloneIT {

    @Test
    @DisplayName("the standalone run creates every topic, keeps schema ids across a restart and is ready each time "
        + "once its worker holds the ledger")
    void restartKeepsTopicsAndSchemaIds(@TempDir Path dataDir) throws Exception {
        StandaloneConfig config = StandaloneConfig.fromEnvironment(StandaloneConfig.onFreePorts(dataDir));
        int idBefore;
        try (Standalone parley = Standalone.start(config)) {
            try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", parley.bootstrapServers()))) {
                Set<String> topics = admin.listTopics().names().get(30, TimeUnit.SECONDS);
                Set<String> expected = Topics.all().stream().map(t -> t.name()).collect(Collectors.toSet());
                assertTrue(topics.containsAll(expected), "topics " + topics + " lack some of " + expected);
            }
            idBefore = schemaIdOf(parley.registryUrl());
            assertReadyWithLocalWorker(parley);
        }
        try (Standalone parley = Standalone.start(config)) {
            assertEquals(idBefore, schemaIdOf(parley.registryUrl()), "the same schema keeps its id after a restart");
            assertReadyWithLocalWorker(parley);
        }
    }

    /** /health/ready turns 200 once the in-process worker holds every ledger partition, and says so. */
    private static void assertReadyWithLocalWorker(Standalone parley) throws Exception {
        ParleyHttp api = new ParleyHttp(parley.url());
        HttpResponse<String> ready = await().atMost(Duration.ofSeconds(60))
            .until(() -> api.send("GET", "/health/ready", null), response -> response.statusCode() == 200);
        JsonNode workers = ParleyHttp.JSON.readTree(ready.body()).path("checks").path("workers");
        int partitions = Topics.LEDGER.partitions();
        assertEquals(partitions + " of " + partitions + " ledger partitions held by 1 worker(s)", workers.asText(),
            ready.body());
    }

    @Test
    @DisplayName("bad settings of every service are all reported at once")
    void badSettingsAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StandaloneConfig.fromEnvironment(
            Map.of(StandaloneConfig.KAFKA_PORT, "ninety", StandaloneConfig.REGISTRY_PORT, "70000",
                "PARLEY_HTTP_PORT", "web", "PARLEY_SIM_ITL_MS", "fast", "PARLEY_LLM_URL", "not a url")));
        for (String bad : new String[] {"PARLEY_KAFKA_PORT=ninety", "PARLEY_REGISTRY_PORT=70000", "PARLEY_HTTP_PORT=web",
            "PARLEY_SIM_ITL_MS=fast", "PARLEY_LLM_URL"}) {
            assertTrue(e.getMessage().contains(bad), bad + " not named in: " + e.getMessage());
        }
    }

    private static int schemaIdOf(String registryUrl) {
        try (AvroSerde<TokenChunk> serde = Topics.TOKENS.valueSerde(Map.of("schema.registry.url", registryUrl))) {
            byte[] bytes = serde.serializer().serialize(Topics.TOKENS.name(),
                TokenChunk.newBuilder().setSessionId("s").setTurnId("t").setAttempt(1).setSeq(0).setText("x").build());
            return WireFormat.schemaId(bytes);
        }
    }
}
