package dev.parley.schemas.topics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.kafka.EmbeddedKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("CompactedTable keeps a compacted topic in memory, and catchUp() gives read-your-writes")
class CompactedTableIT {

    private static final Deserializer<String> TEXT = (topic, bytes) -> new String(bytes, StandardCharsets.UTF_8);

    private static EmbeddedKafka kafka;
    private static KafkaProducer<String, String> producer;

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafka.ephemeral();
        producer = new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrapServers()), new StringSerializer(),
            new StringSerializer());
    }

    @AfterAll
    static void stop() {
        producer.close();
        kafka.close();
    }

    @Test
    @DisplayName("records written before the start are loaded; later ones, tombstones too, are read after catchUp()")
    void loadsAndTails() throws Exception {
        String topic = topic();
        write(topic, "a", "1");
        write(topic, "b", "2");
        try (CompactedTable<String> table = table(topic)) {
            assertTrue(table.awaitCaughtUp(Duration.ofSeconds(30)));
            assertEquals(Optional.of("1"), table.get("a"));
            assertEquals(List.of("1", "2"), table.values().stream().sorted().toList());

            write(topic, "a", "3");
            write(topic, "b", null);
            table.catchUp().get(30, TimeUnit.SECONDS);
            assertEquals(Optional.of("3"), table.get("a"));
            assertEquals(Optional.empty(), table.get("b"), "a tombstone removes its key");
        }
    }

    @Test
    @DisplayName("an empty topic is caught up at once; a missing topic never is, and closing fails what waits")
    void emptyAndMissing() throws Exception {
        try (CompactedTable<String> table = table(topic())) {
            table.catchUp().get(30, TimeUnit.SECONDS);
            assertTrue(table.caughtUp());
        }
        CompactedTable<String> missing = table("missing-" + UUID.randomUUID());
        CompletableFuture<Void> waiting = missing.catchUp();
        assertThrows(TimeoutException.class, () -> waiting.get(2, TimeUnit.SECONDS));
        assertFalse(missing.caughtUp());
        missing.close();
        ExecutionException closed = assertThrows(ExecutionException.class, () -> waiting.get(10, TimeUnit.SECONDS));
        assertTrue(closed.getCause() instanceof CompactedTable.CompactedTableClosed, closed.toString());
    }

    private static CompactedTable<String> table(String topic) {
        return CompactedTable.start("test", Map.of("bootstrap.servers", kafka.bootstrapServers(),
            "client.id", "table-" + UUID.randomUUID()), topic, TEXT);
    }

    private static String topic() throws Exception {
        String topic = "table-" + UUID.randomUUID();
        try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1)
                .configs(Map.of("cleanup.policy", "compact")))).all().get(30, TimeUnit.SECONDS);
        }
        return topic;
    }

    private static void write(String topic, String key, String value) throws Exception {
        producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
    }
}
