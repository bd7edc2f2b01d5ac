package dev.parley.worker.turns;

import dev.parley.avro.TokenChunk;
import dev.parley.avro.Usage;
import dev.parley.schemas.ids.UuidV7;
import dev.parley.schemas.topics.Topics;
import dev.parley.schemas.trace.HopTimes;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes one attempt's chunks to the token topic in order: seq 0, 1, ... then one final marker chunk. With a
 * coalescing window, text arriving within the window goes out as one chunk (fewer records, same text).
 * Not thread-safe: its owner ({@link TurnTask}) serializes the calls.
 */
final class ChunkStream {

    private final Producer<String, TokenChunk> producer;
    private final Vertx vertx;
    private final int partition;
    private final String sessionId;
    private final String turnId;
    /** The turn id's time: no chunk is stamped earlier, so a reader finds the turn's first chunk by time. */
    private final long turnMillis;
    private final int attempt;
    private final TurnHops hops;
    private final TurnMetrics metrics;
    /** When the attempt's last text chunk was produced, epoch microseconds: its successor's inter-token time. */
    private long lastTextProduced = HopTimes.NONE;
    private final Duration coalesce;
    private final Consumer<Exception> onWriteFailure;
    private final StringBuilder pending = new StringBuilder();
    private String pendingStage;
    private Float pendingConfidence;
    private int seq;
    private long timerId = -1;
    /** When the first text now waiting in the coalescing window arrived from the backend. */
    private long pendingSince = HopTimes.NONE;
    /** The seq of the last chunk Kafka acknowledged and when: the next chunk carries it (written by the producer). */
    private final AtomicReference<long[]> lastAck = new AtomicReference<>();

    ChunkStream(Producer<String, TokenChunk> producer, Vertx vertx, int partition, String sessionId, String turnId,
                int attempt, TurnHops hops, TurnMetrics metrics, Duration coalesce,
                Consumer<Exception> onWriteFailure) {
        this.hops = hops;
        this.metrics = metrics;
        this.producer = producer;
        this.vertx = vertx;
        this.partition = partition;
        this.sessionId = sessionId;
        this.turnId = turnId;
        this.turnMillis = UuidV7.parse(turnId).map(UuidV7::timestampMillis).orElse(0L);
        this.attempt = attempt;
        this.coalesce = coalesce;
        this.onWriteFailure = onWriteFailure;
    }

    /** Text of a stage for the stream; sent now, or within the coalescing window (one stage per chunk). */
    void append(String text, String stage, Float confidence, Runnable flushUnderLock) {
        if (coalesce.isZero()) {
            send(chunk(text).setStage(stage).setConfidence(confidence).build(), HopTimes.now());
            return;
        }
        if (!pending.isEmpty() && (!stage.equals(pendingStage) || !Objects.equals(confidence, pendingConfidence))) {
            flush();
        }
        if (pending.isEmpty()) {
            pendingSince = HopTimes.now();
            pendingStage = stage;
            pendingConfidence = confidence;
        }
        pending.append(text);
        if (timerId < 0) {
            timerId = vertx.setTimer(Math.max(1, coalesce.toMillis()), id -> flushUnderLock.run());
        }
    }

    /** Sends what the coalescing window holds; called from the timer through the owner's lock. */
    void flush() {
        timerId = -1;
        if (!pending.isEmpty()) {
            send(chunk(pending.toString()).setStage(pendingStage).setConfidence(pendingConfidence).build(),
                pendingSince);
            pending.setLength(0);
        }
    }

    /** Marks where a stage of a staged route starts ({@code stage_start}, naming its backend) or ends. */
    void boundary(String boundary, String stage, Float confidence, String backend) {
        flush();
        send(chunk("").setStage(stage).setConfidence(confidence).setBoundary(boundary).setBackend(backend).build(),
            HopTimes.now());
    }

    /** The last chunk of the attempt: a complete reply. */
    void complete(String finishReason, Usage usage) {
        end(() -> chunk("").setFinal$(true).setFinishReason(finishReason == null ? "stop" : finishReason)
            .setUsage(usage));
    }

    /** The last chunk of an attempt that ended without a reply: finishReason error or cancelled. */
    void abort(String finishReason, String reason, String partialText) {
        end(() -> chunk("").setFinal$(true).setFinishReason(finishReason).setReason(reason)
            .setPartialText(partialText));
    }

    /** Stops without a final chunk: the partition moved to another worker, which will write a new attempt. */
    void abandon() {
        pending.setLength(0);
        if (timerId >= 0) {
            vertx.cancelTimer(timerId);
            timerId = -1;
        }
    }

    /** Sends what the coalescing window holds, then the final chunk: built only now, so its seq comes last. */
    private void end(Supplier<TokenChunk.Builder> last) {
        if (timerId >= 0) {
            vertx.cancelTimer(timerId);
        }
        flush();
        send(last.get().build(), HopTimes.now());
    }

    private TokenChunk.Builder chunk(String text) {
        return TokenChunk.newBuilder().setSessionId(sessionId).setTurnId(turnId).setAttempt(attempt).setSeq(seq++)
            .setText(text);
    }

    private void measure(long produced) {
        metrics.chunk();
        if (lastTextProduced == HopTimes.NONE) {
            if (hops.received() != HopTimes.NONE) {
                metrics.firstToken(produced - hops.received());
            }
        } else {
            metrics.interToken(produced - lastTextProduced);
        }
        lastTextProduced = produced;
    }

    /** Sends a chunk whose text arrived from the backend at {@code backendByte}, with its hop times. */
    private void send(TokenChunk chunk, long backendByte) {
        ProducerRecord<String, TokenChunk> record = new ProducerRecord<>(Topics.TOKENS.name(), partition,
            Math.max(System.currentTimeMillis(), turnMillis), sessionId, chunk);
        if (chunk.getSeq() == 0) {
            hops.addTo(record.headers());
        }
        HopTimes.put(record.headers(), HopTimes.BACKEND_BYTE, backendByte);
        long[] ack = lastAck.get();
        if (ack != null && ack[0] == chunk.getSeq() - 1) {
            HopTimes.put(record.headers(), HopTimes.PREVIOUS_ACKED, ack[1]);
        }
        hops.addTraceTo(record.headers());
        long produced = HopTimes.now();
        HopTimes.put(record.headers(), HopTimes.PRODUCED, produced);
        if (!chunk.getText().isEmpty()) {
            measure(produced);
        }
        int seq = chunk.getSeq();
        producer.send(record, (metadata, error) -> {
            if (error != null) {
                onWriteFailure.accept(error);
            } else {
                lastAck.set(new long[] {seq, HopTimes.now()});
            }
        });
    }
}
