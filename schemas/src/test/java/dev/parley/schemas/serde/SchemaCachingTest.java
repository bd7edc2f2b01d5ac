package dev.parley.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.parley.avro.LedgerEvent;
import dev.parley.avro.TokenChunk;
import dev.parley.schemas.SampleRecords;
import dev.parley.schemas.registry.CountingSchemaRegistryClient;
import dev.parley.schemas.registry.InMemorySchemaRegistryClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The serde asks the registry once per schema, not once per record")
class SchemaCachingTest {

    private static final int RECORDS = 100;

    private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
    private final CountingSchemaRegistryClient producerSide = new CountingSchemaRegistryClient(registry);
    private final CountingSchemaRegistryClient consumerSide = new CountingSchemaRegistryClient(registry);

    @Test
    @DisplayName("a producer registers once and a separate consumer fetches the schema once for 100 records")
    void oncePerSchema() {
        AvroSerde<TokenChunk> producer = serde(producerSide, Map.of());
        AvroSerde<TokenChunk> consumer = serde(consumerSide, Map.of());

        List<byte[]> written = new ArrayList<>();
        for (int seq = 0; seq < RECORDS; seq++) {
            written.add(producer.serializer().serialize("tokens", SampleRecords.tokenChunk(seq)));
        }
        for (int seq = 0; seq < RECORDS; seq++) {
            assertEquals(seq, consumer.deserializer().deserialize("tokens", written.get(seq)).getSeq());
        }

        assertEquals(1, producerSide.registers.get());
        assertEquals(1, producerSide.total());
        assertEquals(1, consumerSide.byIds.get());
        assertEquals(1, consumerSide.total());
    }

    @Test
    @DisplayName("a serde reading what it wrote needs no lookup by id: both halves share one cache")
    void halvesShareTheCache() {
        AvroSerde<TokenChunk> serde = serde(producerSide, Map.of());
        for (int seq = 0; seq < RECORDS; seq++) {
            byte[] bytes = serde.serializer().serialize("tokens", SampleRecords.tokenChunk(seq));
            serde.deserializer().deserialize("tokens", bytes);
        }
        assertEquals(1, producerSide.total());
    }

    @Test
    @DisplayName("with auto-registration off, one lookup; with use.latest.version, one latest")
    void lookupAndLatestAreCached() {
        registry.register("tokens-value", TokenChunk.getClassSchema());
        AvroSerde<TokenChunk> lookingUp = serde(producerSide, Map.of("auto.register.schemas", false));
        CountingSchemaRegistryClient latestSide = new CountingSchemaRegistryClient(registry);
        AvroSerde<TokenChunk> usingLatest = serde(latestSide,
                Map.of("auto.register.schemas", false, "use.latest.version", true));

        for (int seq = 0; seq < RECORDS; seq++) {
            lookingUp.serializer().serialize("tokens", SampleRecords.tokenChunk(seq));
            usingLatest.serializer().serialize("tokens", SampleRecords.tokenChunk(seq));
        }

        assertEquals(1, producerSide.lookups.get());
        assertEquals(1, producerSide.total());
        assertEquals(1, latestSide.latests.get());
        assertEquals(1, latestSide.total());
    }

    @Test
    @DisplayName("each schema is registered once, however the records interleave")
    void oncePerSchemaWithSeveralTypes() {
        AvroSerializer<SpecificRecord> serializer = new AvroSerializer<>(producerSide);
        serializer.configure(Map.of(), false);
        for (int i = 0; i < RECORDS; i++) {
            serializer.serialize("mixed", SampleRecords.tokenChunk(i));
            serializer.serialize("mixed", SampleRecords.ledgerEvents().get(i % 4));
        }
        assertEquals(2, producerSide.registers.get());
    }

    @Test
    @DisplayName("failures are not cached: an unknown id is asked again")
    void failuresAreNotCached() {
        AvroSerde<LedgerEvent> consumer = new AvroSerde<>(LedgerEvent.class, consumerSide);
        consumer.configure(Map.of(), false);
        byte[] unknown = {0, 0, 0, 0, 42, 0};
        assertThrows(SerializationException.class, () -> consumer.deserializer().deserialize("t", unknown));
        assertThrows(SerializationException.class, () -> consumer.deserializer().deserialize("t", unknown));
        assertEquals(2, consumerSide.byIds.get());
    }

    private static AvroSerde<TokenChunk> serde(CountingSchemaRegistryClient client, Map<String, ?> config) {
        AvroSerde<TokenChunk> serde = new AvroSerde<>(TokenChunk.class, client);
        serde.configure(config, false);
        return serde;
    }
}
