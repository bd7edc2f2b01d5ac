package dev.parley.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.avro.LedgerEvent;
import dev.parley.schemas.SampleRecords;
import dev.parley.schemas.registry.InMemorySchemaRegistryClient;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

@DisplayName("Serde configuration")
class AvroSerdeConfigTest {

    @Test
    @DisplayName("defaults: auto-register on, latest version off, specific reader on")
    void defaults() {
        AvroSerdeConfig config = AvroSerdeConfig.from(Map.of());
        assertTrue(config.autoRegisterSchemas());
        assertFalse(config.useLatestVersion());
        assertTrue(config.specificAvroReader());
    }

    @Test
    @DisplayName("string values from properties files are parsed")
    void stringValues() {
        AvroSerdeConfig config = AvroSerdeConfig.from(Map.of("auto.register.schemas", "false",
                "use.latest.version", "true", "specific.avro.reader", "false"));
        assertEquals(new AvroSerdeConfig(false, true, false), config);
    }

    @Test
    @DisplayName("without schema.registry.url, configure fails naming the key")
    void missingUrl() {
        assertConfigError("schema.registry.url", () -> AvroSerde.forClass(LedgerEvent.class, Map.of(), false));
        assertConfigError("schema.registry.url", () -> new AvroSerializer<>().configure(Map.of("schema.registry.url", ""), false));
        assertConfigError("schema.registry.url", () -> new AvroDeserializer<>().configure(Map.of(), false));
    }

    @Test
    @DisplayName("a value that is not a boolean fails naming the key")
    void badBoolean() {
        assertConfigError("auto.register.schemas",
                () -> AvroSerde.forClass(LedgerEvent.class, Map.of("schema.registry.url", "mock://x",
                        "auto.register.schemas", "maybe"), false));
    }

    @Test
    @DisplayName("a subject strategy other than TopicNameStrategy is rejected, not ignored")
    void otherSubjectStrategy() {
        assertConfigError("value.subject.name.strategy", () -> AvroSerdeConfig.from(Map.of(
                "value.subject.name.strategy", "io.confluent.kafka.serializers.subject.RecordNameStrategy")));
        AvroSerdeConfig.from(Map.of("value.subject.name.strategy",
                "io.confluent.kafka.serializers.subject.TopicNameStrategy"));
    }

    @Test
    @DisplayName("specific.avro.reader=false on a serde for a generated class is a contradiction, reported")
    void genericReaderForSpecificClass() {
        assertConfigError("specific.avro.reader", () -> AvroSerde.forClass(LedgerEvent.class,
                Map.of("schema.registry.url", "mock://x", "specific.avro.reader", "false"), false));
        InMemorySchemaRegistryClient.dropScope("x");
    }

    @Test
    @DisplayName("a serializer or deserializer used before configure() says so")
    void notConfigured() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new AvroSerializer<LedgerEvent>().serialize("t", SampleRecords.ledgerEvents().get(0)));
        assertTrue(e.getMessage().contains("configure()"));
        assertThrows(IllegalStateException.class,
                () -> new AvroDeserializer<>(LedgerEvent.class).deserialize("t", new byte[] {0, 0, 0, 0, 1}));
    }

    @Test
    @DisplayName("a deserializer for a class that is not generated Avro is refused at construction")
    void notAGeneratedClass() {
        assertThrows(IllegalArgumentException.class, () -> new AvroDeserializer<>(String.class));
        assertThrows(IllegalArgumentException.class, () -> new AvroDeserializer<>(GenericRecord.class));
    }

    private static void assertConfigError(String key, Executable call) {
        ConfigException e = assertThrows(ConfigException.class, call);
        assertTrue(e.getMessage().contains(key), () -> "expected <" + key + "> in: " + e.getMessage());
    }
}
