package dev.parley.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.avro.LedgerEvent;
import dev.parley.schemas.SampleRecords;
import dev.parley.schemas.registry.InMemorySchemaRegistryClient;
import dev.parley.schemas.registry.SchemaRegistryException;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.Arrays;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("DecodeFailures tells a registry outage (retry later) from bytes that can never be decoded (DLQ)")
class DecodeFailuresTest {

    private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
    private final AvroSerde<LedgerEvent> ledger = new AvroSerde<>(LedgerEvent.class, registry);

    DecodeFailuresTest() {
        ledger.configure(Map.of(), false);
    }

    @Test
    @DisplayName("a good record read while no registry answers: transient")
    void unreachableRegistryIsTransient() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        AvroDeserializer<LedgerEvent> cold = new AvroDeserializer<>(LedgerEvent.class);
        cold.configure(Map.of("schema.registry.url", "http://127.0.0.1:" + closedPort), false);
        byte[] good = ledger.serializer().serialize("ledger", SampleRecords.ledgerEvents().get(0));

        SerializationException e = assertThrows(SerializationException.class, () -> cold.deserialize("ledger", good));
        assertTrue(DecodeFailures.isTransient(e), e::toString);
    }

    @Test
    @DisplayName("a registry that answers 5xx: transient; one that answers 404 for the id: not")
    void serverErrorsAreTransientNotFoundIsNot() {
        assertTrue(DecodeFailures.isTransient(new SerializationException("x",
            new SchemaRegistryException("store unavailable", 503, 50003))));
        assertFalse(DecodeFailures.isTransient(new SerializationException("x",
            new SchemaRegistryException("not found", 404, SchemaRegistryException.SCHEMA_NOT_FOUND))));
    }

    @Test
    @DisplayName("bad magic byte, truncated Avro, unknown schema id: never transient")
    void undecodableBytesAreNotTransient() {
        byte[] valid = ledger.serializer().serialize("ledger", SampleRecords.ledgerEvents().get(1));
        byte[] badMagic = valid.clone();
        badMagic[0] = 0x01;
        byte[] truncated = Arrays.copyOf(valid, valid.length - 10);
        byte[] unknownId = {0, 0, 0, 0x30, 0x39, 2, 'h', 'i'};
        for (byte[] bytes : new byte[][] {badMagic, truncated, unknownId, new byte[] {0, 0}}) {
            SerializationException e = assertThrows(SerializationException.class,
                () -> ledger.deserializer().deserialize("ledger", bytes));
            assertFalse(DecodeFailures.isTransient(e), e::toString);
        }
    }
}
