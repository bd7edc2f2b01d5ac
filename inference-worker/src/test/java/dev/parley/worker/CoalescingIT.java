package dev.parley.worker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.avro.AssistantReply;
import dev.parley.avro.TokenChunk;
import dev.parley.kafka.EmbeddedKafka;
import dev.parley.kafka.registry.SchemaRegistry;
import dev.parley.schemas.topics.TopicInitializer;
import dev.parley.schemas.topics.Topics;
import dev.parley.worker.backend.BackendConfig;
import dev.parley.worker.simulator.LlmSimulator;
import dev.parley.worker.simulator.SimulatorConfig;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Coalescing: tokens within the window go out as one chunk, the text stays the same")
class CoalescingIT {

    @Test
    @DisplayName("200 tokens 1 ms apart with a 40 ms window make far fewer chunks and the exact reply")
    void fewerChunksSameText() {
        Vertx vertx = Vertx.vertx();
        try (EmbeddedKafka kafka = EmbeddedKafka.ephemeral();
             SchemaRegistry registry = SchemaRegistry.start(kafka.bootstrapServers(), 0);
             LlmSimulator simulator = LlmSimulator.start(vertx, 0, SimulatorConfig.defaults())) {
            TopicInitializer.ensure(Map.of("bootstrap.servers", kafka.bootstrapServers()), Topics.all(1));
            Map<String, Object> clients = Map.of("bootstrap.servers", kafka.bootstrapServers(),
                "schema.registry.url", registry.url());
            WorkerConfig config = new WorkerConfig("coalescer", "g-" + UUID.randomUUID(), clients,
                BackendConfig.of(simulator.baseUrl(), LlmSimulator.MODEL), 8, 16_000, Duration.ofMillis(40), "");
            try (InferenceWorker worker = InferenceWorker.start(vertx, config);
                 KafkaProbe probe = new KafkaProbe(clients)) {
                String turn = probe.turn(KafkaProbe.newId(), "many\n#sim: tokens=200 itl_ms=1");
                await().atMost(Duration.ofSeconds(30)).until(() -> !probe.terminals(turn).isEmpty());
                await().atMost(Duration.ofSeconds(10)).until(() -> probe.chunks(turn).stream().anyMatch(TokenChunk::getFinal$));
                AssistantReply reply = assertInstanceOf(AssistantReply.class, probe.terminals(turn).get(0).getPayload());
                assertEquals(200, reply.getText().split(" ").length, reply.getText());
                assertEquals(reply.getText(), probe.streamedText(turn, 1));
                long textChunks = probe.chunks(turn).stream().filter(c -> !c.getFinal$()).count();
                assertTrue(textChunks < 100, textChunks + " chunks for 200 tokens: nothing was coalesced");
            }
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
    }
}
