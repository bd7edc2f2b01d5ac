package dev.parley.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.avro.TokenChunk;
import dev.parley.schemas.SampleRecords;
import dev.parley.schemas.registry.InMemorySchemaRegistryClient;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The serializer's writer schema")
class WriterSchemaSelectionTest {

    private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();

    @Test
    @DisplayName("is the record's own, registered under <topic>-value, by default")
    void autoRegisterByDefault() {
        byte[] bytes = serializer(Map.of()).serialize("tokens", SampleRecords.tokenChunk(0));
        assertEquals(List.of("tokens-value"), registry.subjects());
        assertEquals(registry.latest("tokens-value").id(), WireFormat.schemaId(bytes));
        assertEquals(TokenChunk.getClassSchema(), registry.latest("tokens-value").schema());
    }

    @Test
    @DisplayName("is looked up, not registered, when auto.register.schemas=false")
    void lookupWhenAutoRegisterIsOff() {
        registry.register("tokens-value", SchemaEvolutionTest.TOKEN_CHUNK_V0);
        int id = registry.register("tokens-value", TokenChunk.getClassSchema());

        byte[] bytes = serializer(Map.of("auto.register.schemas", "false")).serialize("tokens", SampleRecords.tokenChunk(0));

        assertEquals(id, WireFormat.schemaId(bytes));
        assertEquals(2, registry.latest("tokens-value").version());
    }

    @Test
    @DisplayName("is the subject's latest with use.latest.version, fields matched by name and defaults filled in")
    void latestVersion() {
        registry.register("tokens-value", TokenChunk.getClassSchema());
        Schema newer = withExtraField(TokenChunk.getClassSchema(), "priority", 5);
        int newerId = registry.register("tokens-value", newer);
        TokenChunk chunk = SampleRecords.finalTokenChunk();

        byte[] bytes = serializer(Map.of("auto.register.schemas", false, "use.latest.version", true))
                .serialize("tokens", chunk);

        assertEquals(newerId, WireFormat.schemaId(bytes));
        AvroDeserializer<GenericRecord> asWritten = AvroDeserializer.generic(null, registry);
        asWritten.configure(Map.of(), false);
        GenericRecord written = asWritten.deserialize("tokens", bytes);
        assertEquals(newer, written.getSchema());
        assertEquals(5, written.get("priority"));
        assertEquals(chunk.getText(), written.get("text").toString());
        AvroDeserializer<TokenChunk> specific = new AvroDeserializer<>(TokenChunk.class, registry);
        specific.configure(Map.of(), false);
        assertEquals(chunk, specific.deserialize("tokens", bytes));
    }

    @Test
    @DisplayName("use.latest.version fails clearly when the record cannot be written as the latest schema")
    void latestVersionIncompatible() {
        Schema stricter = withRequiredField(TokenChunk.getClassSchema(), "tenant");
        registry.register("tokens-value", stricter);
        AvroSerializer<TokenChunk> serializer = serializer(Map.of("auto.register.schemas", false, "use.latest.version", true));
        SerializationException e = assertThrows(SerializationException.class,
                () -> serializer.serialize("tokens", SampleRecords.tokenChunk(0)));
        assertTrue(e.getMessage().contains("tenant"), e.getMessage());
    }

    @Test
    @DisplayName("use.latest.version fails clearly when the subject has no schema")
    void latestVersionWithoutSubject() {
        AvroSerializer<TokenChunk> serializer = serializer(Map.of("auto.register.schemas", false, "use.latest.version", true));
        SerializationException e = assertThrows(SerializationException.class,
                () -> serializer.serialize("tokens", SampleRecords.tokenChunk(0)));
        assertTrue(e.getMessage().contains("subject tokens-value has no registered schema"), e.getMessage());
    }

    @Test
    @DisplayName("auto-registration wins over use.latest.version, as in Confluent's serializer")
    void autoRegisterWins() {
        registry.register("tokens-value", SchemaEvolutionTest.TOKEN_CHUNK_V0);
        byte[] bytes = serializer(Map.of("use.latest.version", true)).serialize("tokens", SampleRecords.tokenChunk(0));
        assertEquals(TokenChunk.getClassSchema(), registry.schemaById(WireFormat.schemaId(bytes)));
    }

    private AvroSerializer<TokenChunk> serializer(Map<String, ?> config) {
        AvroSerializer<TokenChunk> serializer = new AvroSerializer<>(registry);
        serializer.configure(config, false);
        return serializer;
    }

    private static Schema withExtraField(Schema base, String name, int defaultValue) {
        return copyWith(base, new Schema.Field(name, Schema.create(Schema.Type.INT), null, defaultValue));
    }

    private static Schema withRequiredField(Schema base, String name) {
        return copyWith(base, new Schema.Field(name, SchemaBuilder.builder().stringType(), null, (Object) null));
    }

    private static Schema copyWith(Schema base, Schema.Field extra) {
        List<Schema.Field> fields = new java.util.ArrayList<>(
                base.getFields().stream().map(f -> new Schema.Field(f, f.schema())).toList());
        fields.add(extra);
        return Schema.createRecord(base.getName(), base.getDoc(), base.getNamespace(), false, fields);
    }
}
