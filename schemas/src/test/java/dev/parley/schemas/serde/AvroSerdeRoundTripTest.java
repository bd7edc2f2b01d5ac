package dev.parley.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.parley.avro.LedgerEvent;
import dev.parley.schemas.SampleRecords;
import dev.parley.schemas.registry.InMemorySchemaRegistryClient;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@DisplayName("The Avro serde round-trips")
class AvroSerdeRoundTripTest {

    private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();

    static Stream<SpecificRecord> everyRecordType() {
        return SampleRecords.everyRecordType().stream();
    }

    @ParameterizedTest(name = "{index}: {0}")
    @MethodSource("everyRecordType")
    @DisplayName("every record type, each ledger payload included, through a producer and a separate consumer serde")
    void everyRecordTypeRoundTrips(SpecificRecord record) {
        AvroSerde<SpecificRecord> producer = serde(record);
        AvroSerde<SpecificRecord> consumer = serde(record);

        byte[] bytes = producer.serializer().serialize("topic", record);
        SpecificRecord read = consumer.deserializer().deserialize("topic", bytes);

        assertNotSame(record, read);
        assertEquals(record.getClass(), read.getClass());
        assertEquals(record, read);
    }

    @Test
    @DisplayName("each ledger payload comes back as its own generated class")
    void ledgerPayloadsKeepTheirType() {
        AvroSerde<LedgerEvent> serde = new AvroSerde<>(LedgerEvent.class, registry);
        serde.configure(Map.of(), false);
        for (LedgerEvent event : SampleRecords.ledgerEvents()) {
            LedgerEvent read = serde.deserializer().deserialize("ledger", serde.serializer().serialize("ledger", event));
            assertEquals(event.getPayload().getClass(), read.getPayload().getClass());
            assertEquals(event.getPayload(), read.getPayload());
            assertEquals(event.getTimestamp(), read.getTimestamp());
        }
    }

    @Test
    @DisplayName("keys round-trip too, under the -key subject")
    void keysRoundTrip() {
        AvroSerde<LedgerEvent> serde = new AvroSerde<>(LedgerEvent.class, registry);
        serde.configure(Map.of(), true);
        LedgerEvent event = SampleRecords.ledgerEvents().get(0);
        assertEquals(event, serde.deserializer().deserialize("t", serde.serializer().serialize("t", event)));
        assertEquals(List.of("t-key"), registry.subjects());
    }

    @Test
    @DisplayName("a deserializer made by class name finds the generated class from the writer schema's name")
    void classNameDeserializerFindsTheGeneratedClass() {
        // the no-argument constructors Kafka uses for value.serializer / value.deserializer, with a mock:// registry
        AvroDeserializer<Object> deserializer = new AvroDeserializer<>();
        InMemorySchemaRegistryClient scoped = InMemorySchemaRegistryClient.forScope("round-trip-by-name");
        try {
            AvroSerializer<SpecificRecord> scopedSerializer = new AvroSerializer<>();
            scopedSerializer.configure(Map.of("schema.registry.url", "mock://round-trip-by-name"), false);
            deserializer.configure(Map.of("schema.registry.url", "mock://round-trip-by-name"), false);
            for (SpecificRecord record : SampleRecords.everyRecordType()) {
                assertEquals(record, deserializer.deserialize("t", scopedSerializer.serialize("t", record)));
            }
            assertEquals(List.of("t-value"), scoped.subjects());
        } finally {
            InMemorySchemaRegistryClient.dropScope("round-trip-by-name");
        }
    }

    @Test
    @DisplayName("with specific.avro.reader=false the class-name deserializer returns GenericRecord")
    void genericReader() {
        AvroDeserializer<Object> generic = new AvroDeserializer<>();
        try {
            AvroSerializer<LedgerEvent> serializer = new AvroSerializer<>();
            Map<String, Object> config = Map.of("schema.registry.url", "mock://generic-reader",
                    "specific.avro.reader", "false");
            serializer.configure(config, false);
            generic.configure(config, false);
            LedgerEvent event = SampleRecords.ledgerEvents().get(1);
            Object read = generic.deserialize("t", serializer.serialize("t", event));
            GenericRecord record = assertInstanceOf(GenericRecord.class, read);
            assertEquals("evt-AssistantReply", record.get("eventId").toString());
            assertEquals(event.getTimestamp().toEpochMilli(), record.get("timestamp"));
            GenericRecord payload = (GenericRecord) record.get("payload");
            assertEquals("dev.parley.avro.AssistantReply", payload.getSchema().getFullName());
        } finally {
            InMemorySchemaRegistryClient.dropScope("generic-reader");
        }
    }

    @Test
    @DisplayName("null is a tombstone both ways and never touches the registry")
    void tombstones() {
        AvroSerde<LedgerEvent> serde = new AvroSerde<>(LedgerEvent.class, registry);
        serde.configure(Map.of(), false);
        assertNull(serde.serializer().serialize("t", null));
        assertNull(serde.deserializer().deserialize("t", null));
        assertEquals(List.of(), registry.subjects());
    }

    @SuppressWarnings("unchecked")
    private AvroSerde<SpecificRecord> serde(SpecificRecord record) {
        AvroSerde<SpecificRecord> serde = new AvroSerde<>((Class<SpecificRecord>) record.getClass(), registry);
        serde.configure(Map.of(), false);
        return serde;
    }
}
