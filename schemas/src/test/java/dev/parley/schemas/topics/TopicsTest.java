package dev.parley.schemas.topics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.avro.LedgerEvent;
import dev.parley.avro.TokenChunk;
import dev.parley.schemas.SampleRecords;
import dev.parley.schemas.registry.InMemorySchemaRegistryClient;
import dev.parley.schemas.serde.AvroSerde;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The topic catalogue")
class TopicsTest {

    @Test
    @DisplayName("names every topic of the architecture with its value type")
    void names() {
        assertEquals(List.of("parley.ledger.v1", "parley.tokens.v1", "parley.sessions.v1", "parley.embeddings.v1",
                "parley.commitments.v1", "parley.summaries.v1", "parley.api-keys.v1", "parley.personas.v1", "parley.dlq.v1"), Topics.all().stream().map(TopicSpec::name).toList());
        assertEquals(LedgerEvent.class, Topics.LEDGER.valueClass());
        assertEquals(TokenChunk.class, Topics.TOKENS.valueClass());
        assertEquals("_schemas", Topics.SCHEMAS);
    }

    @Test
    @DisplayName("ledger, tokens and sessions are co-partitioned with 6 partitions; the DLQ has 1")
    void partitions() {
        Set<String> coPartitioned = Topics.all().stream().filter(TopicSpec::coPartitioned).map(TopicSpec::name)
                .collect(Collectors.toSet());
        assertEquals(Set.of("parley.ledger.v1", "parley.tokens.v1", "parley.sessions.v1"), coPartitioned);
        Topics.all().stream().filter(s -> s != Topics.DLQ).forEach(s -> assertEquals(6, s.partitions(), s.name()));
        assertEquals(1, Topics.DLQ.partitions());
    }

    @Test
    @DisplayName("cleanup and retention: ledger forever, tokens 6 hours, sessions and commitments compacted, DLQ 30 days")
    void cleanupAndRetention() {
        assertEquals(Map.of("cleanup.policy", "delete", "retention.ms", "-1"), Topics.LEDGER.topicConfigs());
        assertEquals(Map.of("cleanup.policy", "delete", "retention.ms", "21600000", "segment.ms", "3600000"),
                Topics.TOKENS.topicConfigs());
        assertEquals(Map.of("cleanup.policy", "compact"), Topics.SESSIONS.topicConfigs());
        assertEquals(Map.of("cleanup.policy", "compact"), Topics.COMMITMENTS.topicConfigs());
        assertEquals(Map.of("cleanup.policy", "compact"), Topics.API_KEYS.topicConfigs());
        assertEquals(Map.of("cleanup.policy", "delete", "retention.ms", "-1"), Topics.EMBEDDINGS.topicConfigs());
        assertEquals(Map.of("cleanup.policy", "delete", "retention.ms", Long.toString(Duration.ofDays(30).toMillis())),
                Topics.DLQ.topicConfigs());
    }

    @Test
    @DisplayName("a deployment's partition count applies to all but the DLQ, keeping the co-partitioned ones equal")
    void overridePartitions() {
        List<TopicSpec<?>> twelve = Topics.all(12);
        twelve.stream().filter(s -> !s.name().equals("parley.dlq.v1"))
                .forEach(s -> assertEquals(12, s.partitions(), s.name()));
        assertEquals(1, twelve.get(twelve.size() - 1).partitions(), "the DLQ keeps its one partition");
        Topics.requireCoPartitioned(twelve);
        assertEquals(6, Topics.LEDGER.partitions(), "the constants stay as they are");
    }

    @Test
    @DisplayName("co-partitioned topics with different counts are refused, naming each")
    void coPartitionedMismatch() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Topics.requireCoPartitioned(
                List.of(Topics.LEDGER, Topics.TOKENS.withPartitions(3), Topics.SESSIONS, Topics.DLQ)));
        assertTrue(e.getMessage().contains("parley.tokens.v1=3"), e.getMessage());
        assertTrue(e.getMessage().contains("parley.ledger.v1=6"), e.getMessage());
        Topics.requireCoPartitioned(List.of(Topics.LEDGER, Topics.DLQ, Topics.EMBEDDINGS.withPartitions(2)));
    }

    @Test
    @DisplayName("invalid specs are refused at construction")
    void invalidSpecs() {
        assertThrows(IllegalArgumentException.class, () -> Topics.LEDGER.withPartitions(0));
        assertThrows(IllegalArgumentException.class, () -> Topics.LEDGER.withName(" "));
        assertThrows(IllegalArgumentException.class,
                () -> new TopicSpec<>("x", LedgerEvent.class, 1, CleanupPolicy.COMPACT, 1000, false));
        assertThrows(IllegalArgumentException.class,
                () -> TopicSpec.deleting("x", LedgerEvent.class, 1, 0, false));
    }

    @Test
    @DisplayName("String keys, and a configured Avro value serde for each topic's record type")
    void serdes() {
        Map<String, String> config = Map.of("schema.registry.url", "mock://topics-test");
        try {
            assertEquals("session-1", Topics.LEDGER.keySerde().deserializer().deserialize("t",
                    Topics.LEDGER.keySerde().serializer().serialize("t", "session-1")));
            for (SpecificRecord record : SampleRecords.everyRecordType()) {
                TopicSpec<?> spec = Topics.all().stream().filter(s -> s.valueClass() == record.getClass())
                        .findFirst().orElseThrow();
                assertEquals(record, roundTrip(spec, config, record));
            }
            assertFalse(InMemorySchemaRegistryClient.forScope("topics-test").subjects().isEmpty());
        } finally {
            InMemorySchemaRegistryClient.dropScope("topics-test");
        }
    }

    @SuppressWarnings("unchecked")
    private static <V extends SpecificRecord> V roundTrip(TopicSpec<V> spec, Map<String, ?> config, Object record) {
        AvroSerde<V> serde = spec.valueSerde(config);
        return serde.deserializer().deserialize(spec.name(), serde.serializer().serialize(spec.name(), (V) record));
    }
}
