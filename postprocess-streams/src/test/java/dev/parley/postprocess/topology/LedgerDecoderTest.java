package dev.parley.postprocess.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.avro.DeadLetter;
import dev.parley.avro.LedgerEvent;
import dev.parley.schemas.serde.AvroDeserializer;
import dev.parley.schemas.serde.AvroSerde;
import dev.parley.schemas.topics.Topics;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The ledger decoder dead-letters bytes it can never decode, and never a good record the registry "
    + "could not help decode")
class LedgerDecoderTest {

    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

    private final Map<String, Object> mockRegistry = Map.of("schema.registry.url", "mock://" + UUID.randomUUID());
    private final MockProcessorContext<String, SpecificRecord> context = new MockProcessorContext<>();

    LedgerDecoderTest() {
        context.setRecordMetadata(Topics.LEDGER.name(), 0, 7);
    }

    @Test
    @DisplayName("registry unreachable: the thread fails (Streams replaces it and reads the record again), no letter")
    void registryOutageIsNotDeadLettered() throws IOException {
        byte[] good;
        try (AvroSerde<LedgerEvent> serde = Topics.LEDGER.valueSerde(mockRegistry)) {
            good = serde.serializer().serialize(Topics.LEDGER.name(), PostprocessTopologyTest.user("t1", "hi", T0));
        }
        AvroDeserializer<LedgerEvent> cold = new AvroDeserializer<>(LedgerEvent.class);
        cold.configure(Map.of("schema.registry.url", "http://127.0.0.1:" + closedPort()), false);
        LedgerDecoder decoder = new LedgerDecoder(cold, "postprocess-test", "next", Duration.ZERO);
        decoder.init(context);

        StreamsException e = assertThrows(StreamsException.class,
            () -> decoder.process(new Record<>(PostprocessTopologyTest.SESSION, good, T0.toEpochMilli())));
        assertTrue(e.getMessage().contains("until the schema registry answers"), e.getMessage());
        assertEquals(0, context.forwarded().size(), "nothing forwarded, nothing dead-lettered");
    }

    @Test
    @DisplayName("bytes that can never be decoded: a dead letter, and the decoder moves on")
    void undecodableBytesAreDeadLettered() {
        LedgerDecoder decoder = new LedgerDecoder(Topics.LEDGER.valueSerde(mockRegistry).deserializer(),
            "postprocess-test", "next", Duration.ZERO);
        decoder.init(context);

        decoder.process(new Record<>(PostprocessTopologyTest.SESSION, new byte[] {1, 2, 3}, T0.toEpochMilli()));

        assertEquals(1, context.forwarded().size());
        assertEquals(PostprocessTopology.DLQ_SINK, context.forwarded().get(0).childName().orElseThrow());
        DeadLetter letter = assertInstanceOf(DeadLetter.class, context.forwarded().get(0).record().value());
        assertEquals(7, letter.getOriginalOffset());
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
