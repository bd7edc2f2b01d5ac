package dev.parley.worker.turns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.avro.TokenChunk;
import dev.parley.schemas.ids.UuidV7;
import dev.parley.schemas.trace.HopTimes;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.trace.Span;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("ChunkStream: what a gateway relies on to find a turn's chunks")
class ChunkStreamTest {

    private final Vertx vertx = Vertx.vertx();
    private final Serializer<TokenChunk> unused = (topic, chunk) -> new byte[0];
    private final MockProducer<String, TokenChunk> producer =
        new MockProducer<>(true, null, new StringSerializer(), unused);

    @AfterEach
    void close() {
        vertx.close();
    }

    @Test
    @DisplayName("chunks are stamped no earlier than the turn id's time, even when the worker's clock is behind")
    void stampedNoEarlierThanTheTurn() {
        long aheadOfUs = System.currentTimeMillis() + Duration.ofMinutes(3).toMillis();
        ChunkStream chunks = stream(UuidV7.at(aheadOfUs).toString());

        chunks.append("Hello", "answer", null, () -> { });
        chunks.complete("stop", null);

        List<ProducerRecord<String, TokenChunk>> sent = producer.history();
        assertEquals(2, sent.size());
        sent.forEach(record -> assertEquals(aheadOfUs, record.timestamp()));
    }

    @Test
    @DisplayName("chunks of a turn from the past carry the worker's clock")
    void stampedNowOtherwise() {
        long before = System.currentTimeMillis();
        ChunkStream chunks = stream(UuidV7.at(before - Duration.ofMinutes(3).toMillis()).toString());

        chunks.append("Hello", "answer", null, () -> { });

        long stamped = producer.history().get(0).timestamp();
        assertTrue(stamped >= before && stamped <= System.currentTimeMillis(), "stamped " + stamped);
    }

    @Test
    @DisplayName("with a coalescing window, the text still waiting goes out before the final chunk, in seq order")
    void coalescedTextBeforeTheFinalChunk() {
        ChunkStream chunks = stream(UuidV7.next().toString(), Duration.ofSeconds(10));

        chunks.append("Hel", "answer", null, () -> { });
        chunks.append("lo", "answer", null, () -> { });
        chunks.complete("stop", null);

        List<TokenChunk> sent = producer.history().stream().map(ProducerRecord::value).toList();
        assertEquals(List.of(0, 1), sent.stream().map(TokenChunk::getSeq).toList());
        assertEquals("Hello", sent.get(0).getText());
        assertTrue(sent.get(1).getFinal$());
    }

    @Test
    @DisplayName("an attempt that fails while text waits in the window sends that text, then the final chunk")
    void coalescedTextBeforeAnAbort() {
        ChunkStream chunks = stream(UuidV7.next().toString(), Duration.ofSeconds(10));

        chunks.append("partial", "answer", null, () -> { });
        chunks.abort("error", "backend cut the stream", "partial");

        List<TokenChunk> sent = producer.history().stream().map(ProducerRecord::value).toList();
        assertEquals(List.of(0, 1), sent.stream().map(TokenChunk::getSeq).toList());
        assertEquals("error", sent.get(1).getFinishReason());
    }

    @Test
    @DisplayName("each chunk carries when Kafka acknowledged the one before it, once that is known")
    void previousAcknowledgement() {
        ChunkStream chunks = stream(UuidV7.next().toString());

        chunks.append("one", "answer", null, () -> { });
        chunks.append("two", "answer", null, () -> { });

        List<ProducerRecord<String, TokenChunk>> sent = producer.history();
        assertEquals(HopTimes.NONE, HopTimes.get(sent.get(0).headers(), HopTimes.PREVIOUS_ACKED));
        long acked = HopTimes.get(sent.get(1).headers(), HopTimes.PREVIOUS_ACKED);
        long firstProduced = HopTimes.get(sent.get(0).headers(), HopTimes.PRODUCED);
        long secondProduced = HopTimes.get(sent.get(1).headers(), HopTimes.PRODUCED);
        assertTrue(acked >= firstProduced && acked <= secondProduced, acked + " not in [" + firstProduced + ", "
            + secondProduced + "]");
    }

    private ChunkStream stream(String turnId) {
        return stream(turnId, Duration.ZERO);
    }

    private ChunkStream stream(String turnId, Duration coalesce) {
        return new ChunkStream(producer, vertx, 0, "session", turnId, 1, new TurnHops(-1, -1, Span.getInvalid()),
            new TurnMetrics(new SimpleMeterRegistry()), coalesce, error -> { });
    }
}
