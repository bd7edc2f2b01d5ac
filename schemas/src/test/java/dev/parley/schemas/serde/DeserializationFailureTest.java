package dev.parley.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.avro.LedgerEvent;
import dev.parley.avro.TokenChunk;
import dev.parley.schemas.SampleRecords;
import dev.parley.schemas.registry.InMemorySchemaRegistryClient;
import dev.parley.schemas.registry.SchemaRegistryUnreachableException;
import java.io.EOFException;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.Arrays;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

@DisplayName("A record that cannot be decoded throws a SerializationException naming the reason")
class DeserializationFailureTest {

    private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
    private final AvroSerde<LedgerEvent> ledger = new AvroSerde<>(LedgerEvent.class, registry);

    DeserializationFailureTest() {
        ledger.configure(Map.of(), false);
    }

    @Test
    @DisplayName("a first byte other than 0x00: unknown magic byte")
    void unknownMagicByte() {
        byte[] valid = ledger.serializer().serialize("ledger", SampleRecords.ledgerEvents().get(0));
        valid[0] = 0x01;
        assertFails("unknown magic byte 0x01", () -> ledger.deserializer().deserialize("ledger", valid));
        assertFails("unknown magic byte 0x7b", () -> ledger.deserializer().deserialize("ledger", "{\"json\":1}".getBytes()));
    }

    @Test
    @DisplayName("fewer than five bytes, or none: too short")
    void tooShort() {
        assertFails("too short", () -> ledger.deserializer().deserialize("ledger", new byte[] {0, 0, 0}));
        assertFails("too short", () -> ledger.deserializer().deserialize("ledger", new byte[0]));
    }

    @Test
    @DisplayName("an id the registry does not know: unknown schema id N")
    void unknownSchemaId() {
        byte[] bytes = {0, 0, 0, 0x30, 0x39, 2, 'h', 'i'};
        assertFails("unknown schema id 12345", () -> ledger.deserializer().deserialize("ledger", bytes));
    }

    @Test
    @DisplayName("a registry that does not answer: schema registry unreachable at URL, transient by its cause")
    void registryUnreachable() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        String url = "http://127.0.0.1:" + closedPort;
        AvroDeserializer<LedgerEvent> deserializer = new AvroDeserializer<>(LedgerEvent.class);
        deserializer.configure(Map.of("schema.registry.url", url), false);
        byte[] bytes = ledger.serializer().serialize("ledger", SampleRecords.ledgerEvents().get(0));

        SerializationException e = assertFails("schema registry unreachable at " + url,
                () -> deserializer.deserialize("ledger", bytes));
        assertInstanceOf(SchemaRegistryUnreachableException.class, e.getCause());
    }

    @Test
    @DisplayName("Avro data cut short: cannot decode, caused by the end of the data")
    void truncatedAvro() {
        byte[] valid = ledger.serializer().serialize("ledger", SampleRecords.ledgerEvents().get(1));
        byte[] truncated = Arrays.copyOf(valid, valid.length - 10);
        SerializationException e = assertFails("cannot decode Avro record from topic ledger (schema id 1",
                () -> ledger.deserializer().deserialize("ledger", truncated));
        assertInstanceOf(EOFException.class, e.getCause());
    }

    @Test
    @DisplayName("garbage after a valid header: cannot decode")
    void garbageAvro() {
        ledger.serializer().serialize("ledger", SampleRecords.ledgerEvents().get(0)); // registers id 1
        byte[] garbage = {0, 0, 0, 0, 1, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f, 1, 2};
        assertFails("cannot decode", () -> ledger.deserializer().deserialize("ledger", garbage));
    }

    @Test
    @DisplayName("bytes left after the record: the data does not match its schema id")
    void trailingBytes() {
        byte[] valid = ledger.serializer().serialize("ledger", SampleRecords.ledgerEvents().get(0));
        byte[] longer = Arrays.copyOf(valid, valid.length + 3);
        assertFails("bytes left over", () -> ledger.deserializer().deserialize("ledger", longer));
    }

    @Test
    @DisplayName("another record type than the reader's: cannot decode, naming both types")
    void wrongRecordType() {
        AvroSerde<TokenChunk> tokens = new AvroSerde<>(TokenChunk.class, registry);
        tokens.configure(Map.of(), false);
        byte[] chunk = tokens.serializer().serialize("ledger", SampleRecords.tokenChunk(0));
        SerializationException e = assertFails("as dev.parley.avro.LedgerEvent",
                () -> ledger.deserializer().deserialize("ledger", chunk));
        assertTrue(e.getMessage().contains("TokenChunk"), e.getMessage());
    }

    @Test
    @DisplayName("a writer schema with no generated class, read by class name: no generated class")
    void noGeneratedClass() {
        Schema unknown = new Schema.Parser().parse(
                "{\"type\":\"record\",\"name\":\"Nope\",\"namespace\":\"dev.parley.test\",\"fields\":[]}");
        Map<String, String> config = Map.of("schema.registry.url", "mock://no-generated-class");
        AvroSerializer<GenericRecord> writer = new AvroSerializer<>();
        AvroDeserializer<Object> byName = new AvroDeserializer<>();
        try {
            writer.configure(config, false);
            byName.configure(config, false);
            byte[] bytes = writer.serialize("t", new GenericData.Record(unknown));
            assertFails("no generated class for dev.parley.test.Nope", () -> byName.deserialize("t", bytes));
        } finally {
            InMemorySchemaRegistryClient.dropScope("no-generated-class");
        }
    }

    @Test
    @DisplayName("serializing with auto-registration off and no registered schema fails clearly")
    void notRegistered() {
        AvroSerializer<LedgerEvent> serializer = new AvroSerializer<>(registry);
        serializer.configure(Map.of("auto.register.schemas", "false"), false);
        assertFails("is not registered under subject ledger-value and auto.register.schemas=false",
                () -> serializer.serialize("ledger", SampleRecords.ledgerEvents().get(0)));
    }

    @Test
    @DisplayName("a record missing a required field fails to serialize, naming the field")
    void invalidRecord() {
        LedgerEvent event = SampleRecords.ledgerEvents().get(0);
        event.setSessionId(null);
        SerializationException e = assertFails("cannot write dev.parley.avro.LedgerEvent to topic ledger",
                () -> ledger.serializer().serialize("ledger", event));
        assertTrue(e.getMessage().contains("sessionId"), e.getMessage());
    }

    private static SerializationException assertFails(String reason, Executable call) {
        SerializationException e = assertThrows(SerializationException.class, call);
        assertTrue(e.getMessage().contains(reason), () -> "expected <" + reason + "> in: " + e.getMessage());
        return e;
    }
}
