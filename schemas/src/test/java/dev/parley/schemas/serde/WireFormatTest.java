package dev.parley.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parley.avro.LedgerEvent;
import dev.parley.avro.TokenChunk;
import dev.parley.schemas.SampleRecords;
import dev.parley.schemas.registry.InMemorySchemaRegistryClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The Confluent wire format")
class WireFormatTest {

    private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();

    @Test
    @DisplayName("a record is 0x00, the 4-byte big-endian schema id, then plain Avro binary")
    void bytesAreMagicByteIdThenAvro() throws IOException {
        // id 1 goes to another schema, so the id in the bytes is really the one of this subject
        registry.register("other-value", TokenChunk.getClassSchema());
        AvroSerde<LedgerEvent> serde = new AvroSerde<>(LedgerEvent.class, registry);
        serde.configure(Map.of(), false);
        LedgerEvent event = SampleRecords.ledgerEvents().get(0);

        byte[] bytes = serde.serializer().serialize("ledger", event);

        int id = registry.lookup("ledger-value", LedgerEvent.getClassSchema()).id();
        assertEquals(2, id);
        assertEquals(0x00, bytes[0]);
        assertArrayEquals(new byte[] {0, 0, 0, 2}, Arrays.copyOfRange(bytes, 1, 5));
        assertEquals(id, WireFormat.schemaId(bytes));
        assertArrayEquals(plainAvro(event), Arrays.copyOfRange(bytes, 5, bytes.length));
    }

    @Test
    @DisplayName("the schema id is big-endian across all four bytes")
    void idIsBigEndian() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        WireFormat.writeHeader(out, 0x01020304);
        assertArrayEquals(new byte[] {0, 1, 2, 3, 4}, out.toByteArray());
        assertEquals(0x01020304, WireFormat.schemaId(out.toByteArray()));
        assertEquals(0x01000000, WireFormat.schemaId(new byte[] {0, 1, 0, 0, 0}));
    }

    private static byte[] plainAvro(LedgerEvent event) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<LedgerEvent>(LedgerEvent.class).write(event, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}
