package dev.parley.postprocess.topology;

import dev.parley.avro.AssistantReply;
import dev.parley.avro.DeadLetter;
import dev.parley.avro.EmbeddingIndexed;
import dev.parley.avro.LedgerEvent;
import dev.parley.avro.UserTurn;
import dev.parley.postprocess.embed.Embedder;
import dev.parley.postprocess.embed.EmbeddingException;
import dev.parley.postprocess.embed.Vectors;
import dev.parley.schemas.topics.DeadLetters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Embeds every user turn and assistant reply into the session's vector store and {@code parley.embeddings.v1}.
 * A failing embedder never holds up the task (and with it the snapshots): after a retriable failure the item waits
 * in a store and is retried with backoff by a punctuation, while new items queue behind it without a call.
 */
final class EmbeddingProcessor implements Processor<String, LedgerEvent, String, SpecificRecord> {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddingProcessor.class);
    static final Duration RETRY_EVERY = Duration.ofSeconds(1);
    static final Duration MAX_BACKOFF = Duration.ofMinutes(1);
    static final int MAX_ATTEMPTS = 10;

    private final Embedder embedder;
    private final String consumerName;
    private final Map<String, Integer> attempts = new HashMap<>();
    private ProcessorContext<String, SpecificRecord> context;
    private KeyValueStore<String, EmbeddingIndexed> vectors;
    private KeyValueStore<String, EmbeddingIndexed> retries;
    private long retryAtMillis;
    private Duration backoff = RETRY_EVERY;

    EmbeddingProcessor(Embedder embedder, String consumerName) {
        this.embedder = embedder;
        this.consumerName = consumerName;
    }

    /** The store key of an item: every item of a session shares the {@code sessionId/} prefix. */
    static String vectorKey(String sessionId, String eventId) {
        return sessionId + "/" + eventId;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        this.vectors = context.getStateStore(PostprocessTopology.VECTOR_STORE);
        this.retries = context.getStateStore(PostprocessTopology.EMBEDDING_RETRY_STORE);
        context.schedule(RETRY_EVERY, PunctuationType.WALL_CLOCK_TIME, now -> retry(now));
    }

    @Override
    public void process(Record<String, LedgerEvent> record) {
        EmbeddingIndexed item = pending(record.value());
        if (item == null) {
            return;
        }
        RecordMetadata where = context.recordMetadata().orElseThrow();
        String retryKey = String.format("%019d", where.offset());
        if (context.currentSystemTimeMs() < retryAtMillis) {
            retries.put(retryKey, item);
            return;
        }
        attempt(retryKey, item, where.offset(), false);
    }

    /** The item to embed for a user turn or a reply with text; null for anything else. */
    private static EmbeddingIndexed pending(LedgerEvent event) {
        String text;
        String role;
        if (event.getPayload() instanceof UserTurn user) {
            text = user.getText();
            role = "user";
        } else if (event.getPayload() instanceof AssistantReply reply) {
            text = reply.getText();
            role = "assistant";
        } else {
            return null;
        }
        if (text.isBlank()) {
            return null;
        }
        return EmbeddingIndexed.newBuilder()
            .setSessionId(event.getSessionId())
            .setTurnId(event.getTurnId())
            .setSourceEventId(event.getEventId())
            .setRole(role)
            .setModel("")
            .setVector(List.of())
            .setDigest(Vectors.sha256Hex(text))
            .setText(text)
            .setTimestamp(event.getTimestamp())
            .build();
    }

    /** Embeds one item; false when the embedder failed retriably (the item is then waiting in the retry store). */
    private boolean attempt(String retryKey, EmbeddingIndexed item, long offset, boolean queued) {
        try {
            EmbeddingIndexed done = EmbeddingIndexed.newBuilder(item).setModel(embedder.modelId())
                .setVector(Vectors.toList(embedder.embed(item.getText()))).build();
            vectors.put(vectorKey(item.getSessionId(), item.getSourceEventId()), done);
            context.forward(new Record<String, SpecificRecord>(item.getSessionId(), done,
                item.getTimestamp().toEpochMilli()), PostprocessTopology.EMBEDDINGS_SINK);
            forget(retryKey, queued);
            backoff = RETRY_EVERY;
            return true;
        } catch (EmbeddingException e) {
            int tries = attempts.merge(retryKey, 1, Integer::sum);
            if (!e.retriable() || tries >= MAX_ATTEMPTS) {
                LOG.warn("Giving up embedding event {} after {} attempt(s): {}", item.getSourceEventId(), tries,
                    e.getMessage());
                deadLetter(item, offset, e);
                forget(retryKey, queued);
                return true;
            }
            retries.put(retryKey, item);
            retryAtMillis = context.currentSystemTimeMs() + backoff.toMillis();
            LOG.warn("Embedding event {} failed (attempt {}), retrying in {} ms: {}", item.getSourceEventId(), tries,
                backoff.toMillis(), e.getMessage());
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            return false;
        }
    }

    private void forget(String retryKey, boolean queued) {
        attempts.remove(retryKey);
        if (queued) {
            retries.delete(retryKey);
        }
    }

    private void retry(long now) {
        if (now < retryAtMillis) {
            return;
        }
        List<KeyValue<String, EmbeddingIndexed>> waiting = new ArrayList<>();
        try (KeyValueIterator<String, EmbeddingIndexed> all = retries.all()) {
            all.forEachRemaining(waiting::add);
        }
        for (KeyValue<String, EmbeddingIndexed> item : waiting) {
            if (!attempt(item.key, item.value, Long.parseLong(item.key), true)) {
                return;
            }
        }
    }

    private void deadLetter(EmbeddingIndexed item, long offset, EmbeddingException error) {
        DeadLetter letter = DeadLetters.of(PostprocessTopology.LEDGER, context.taskId().partition(), offset,
            null, null, "embedding event " + item.getSourceEventId() + " failed: " + error.getMessage(),
            error, consumerName, item.getTimestamp());
        context.forward(new Record<String, SpecificRecord>(item.getSessionId(), letter,
            item.getTimestamp().toEpochMilli()), PostprocessTopology.DLQ_SINK);
    }
}
