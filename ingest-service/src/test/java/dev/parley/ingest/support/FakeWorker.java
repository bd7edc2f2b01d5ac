package dev.parley.ingest.support;

import dev.parley.avro.AssistantReply;
import dev.parley.avro.LedgerEvent;
import dev.parley.avro.ReplyCancelled;
import dev.parley.avro.ReplyFailed;
import dev.parley.avro.TokenChunk;
import dev.parley.avro.Usage;
import dev.parley.schemas.topics.Topics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Plays the inference worker's side of the contract: token chunks (attempt, seq, final chunk) and
 * one terminal ledger event per turn, written transactionally, with the real serdes. Like the worker,
 * every final chunk is followed by the terminal event of its attempt, unless a test asks for a final
 * chunk alone (a worker that died before its commit).
 */
public final class FakeWorker implements AutoCloseable {

    private final KafkaProducer<String, TokenChunk> tokens;
    private final KafkaProducer<String, LedgerEvent> ledger;
    private final KafkaProducer<String, byte[]> raw;
    /** The text each attempt has streamed so far, for its terminal event. */
    private final Map<String, StringBuilder> streamed = new ConcurrentHashMap<>();

    public FakeWorker(Map<String, Object> clientConfig) {
        Map<String, Object> producer = new HashMap<>();
        producer.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, clientConfig.get("bootstrap.servers"));
        producer.put(ProducerConfig.ACKS_CONFIG, "all");
        tokens = new KafkaProducer<>(producer, new StringSerializer(),
                Topics.TOKENS.valueSerde(clientConfig).serializer());
        raw = new KafkaProducer<>(producer, new StringSerializer(), new ByteArraySerializer());
        Map<String, Object> transactional = new HashMap<>(producer);
        transactional.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "fake-worker-" + UUID.randomUUID());
        ledger = new KafkaProducer<>(transactional, new StringSerializer(),
                Topics.LEDGER.valueSerde(clientConfig).serializer());
        ledger.initTransactions();
    }

    /** Writes a non-final chunk and returns where it landed. */
    public RecordMetadata chunk(String sessionId, String turnId, int attempt, int seq, String text) {
        streamed(turnId, attempt).append(text);
        return send(TokenChunk.newBuilder().setSessionId(sessionId).setTurnId(turnId).setAttempt(attempt)
                .setSeq(seq).setText(text).build());
    }

    /** Writes a text chunk of a stage (quick, deep, reasoning, ...) with the stage's confidence (may be null). */
    public RecordMetadata stageChunk(String sessionId, String turnId, int attempt, int seq, String stage,
                                     String text, Float confidence) {
        streamed(turnId, attempt).append(text);
        return send(TokenChunk.newBuilder().setSessionId(sessionId).setTurnId(turnId).setAttempt(attempt)
                .setSeq(seq).setText(text).setStage(stage).setConfidence(confidence).build());
    }

    /** Writes an empty boundary chunk (stage_start with its backend, or stage_end) of a staged route. */
    public RecordMetadata boundary(String sessionId, String turnId, int attempt, int seq, String stage,
                                   String boundary, Float confidence, String backend) {
        return send(TokenChunk.newBuilder().setSessionId(sessionId).setTurnId(turnId).setAttempt(attempt)
                .setSeq(seq).setText("").setStage(stage).setBoundary(boundary).setConfidence(confidence)
                .setBackend(backend).build());
    }

    /** Writes chunks seq from..from+count-1 of {@code text} each, without waiting for each acknowledgement. */
    public void manyChunks(String sessionId, String turnId, int attempt, int from, int count, String text) {
        for (int seq = from; seq < from + count; seq++) {
            TokenChunk chunk = TokenChunk.newBuilder().setSessionId(sessionId).setTurnId(turnId).setAttempt(attempt)
                    .setSeq(seq).setText(text).build();
            streamed(turnId, attempt).append(text);
            tokens.send(new ProducerRecord<>(Topics.TOKENS.name(), sessionId, chunk));
        }
        tokens.flush();
    }

    /** Writes {@code pieces} as chunks seq 0.. and then a final "stop" chunk; returns every record's metadata. */
    public List<RecordMetadata> stream(String sessionId, String turnId, int attempt, List<String> pieces) {
        List<RecordMetadata> written = new ArrayList<>();
        for (int seq = 0; seq < pieces.size(); seq++) {
            written.add(chunk(sessionId, turnId, attempt, seq, pieces.get(seq)));
        }
        written.add(done(sessionId, turnId, attempt, pieces.size(), Usage.newBuilder().setPromptTokens(7).setCompletionTokens(pieces.size()).build()));
        return written;
    }

    /** The attempt's final chunk, then its AssistantReply committed to the ledger. */
    public RecordMetadata done(String sessionId, String turnId, int attempt, int seq, Usage usage) {
        RecordMetadata last = doneUnrecorded(sessionId, turnId, attempt, seq, usage);
        reply(sessionId, turnId, attempt, streamed(turnId, attempt).toString());
        return last;
    }

    /** A final chunk whose terminal event never reaches the ledger: its worker died before the commit. */
    public RecordMetadata doneUnrecorded(String sessionId, String turnId, int attempt, int seq, Usage usage) {
        return send(finalChunk(sessionId, turnId, attempt, seq).setFinishReason("stop").setUsage(usage).build());
    }

    public RecordMetadata failedChunk(String sessionId, String turnId, int attempt, int seq, String reason,
                                      String partialText) {
        RecordMetadata last = send(finalChunk(sessionId, turnId, attempt, seq).setFinishReason("error")
                .setReason(reason).setPartialText(partialText).build());
        failed(sessionId, turnId, attempt, partialText, reason);
        return last;
    }

    public RecordMetadata cancelledChunk(String sessionId, String turnId, int attempt, int seq,
                                         String partialText) {
        RecordMetadata last = send(finalChunk(sessionId, turnId, attempt, seq).setFinishReason("cancelled")
                .setReason("cancel requested").setPartialText(partialText).build());
        cancelled(sessionId, turnId, attempt, partialText);
        return last;
    }

    private StringBuilder streamed(String turnId, int attempt) {
        return streamed.computeIfAbsent(turnId + '#' + attempt, key -> new StringBuilder());
    }

    /** Bytes that are not a Confluent-framed Avro record, keyed by the session. */
    public RecordMetadata garbageChunk(String sessionId) {
        try {
            return raw.send(new ProducerRecord<>(Topics.TOKENS.name(), sessionId, new byte[] {42, 1, 2, 3})).get();
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    public void reply(String sessionId, String turnId, int attempt, String text) {
        terminal(sessionId, turnId, attempt, AssistantReply.newBuilder().setText(text).setModel("test-model").setFinishReason("stop").setUsage(null).build());
    }

    public void failed(String sessionId, String turnId, int attempt, String partialText, String reason) {
        terminal(sessionId, turnId, attempt, ReplyFailed.newBuilder().setPartialText(partialText).setReason(reason).build());
    }

    public void cancelled(String sessionId, String turnId, int attempt, String partialText) {
        terminal(sessionId, turnId, attempt, ReplyCancelled.newBuilder().setPartialText(partialText).setReason("cancel requested").build());
    }

    /**
     * Commits a terminal event the test built whole (an AssistantReply, ReplyFailed or ReplyCancelled with its
     * route, attempts, usage and cost), for turns whose chunks the test wrote itself.
     */
    public void terminal(String sessionId, String turnId, int attempt, Object payload) {
        LedgerEvent event = LedgerEvent.newBuilder().setEventId(UUID.randomUUID().toString())
                .setSessionId(sessionId).setTurnId(turnId).setTimestamp(Instant.now())
                .setProducer("inference-worker/test").setAttempt(attempt).setPayload(payload).build();
        ledger.beginTransaction();
        ledger.send(new ProducerRecord<>(Topics.LEDGER.name(), sessionId, event));
        ledger.commitTransaction();
    }

    private static TokenChunk.Builder finalChunk(String sessionId, String turnId, int attempt, int seq) {
        return TokenChunk.newBuilder().setSessionId(sessionId).setTurnId(turnId).setAttempt(attempt).setSeq(seq)
                .setText("").setFinal$(true);
    }

    private RecordMetadata send(TokenChunk chunk) {
        try {
            return tokens.send(new ProducerRecord<>(Topics.TOKENS.name(), chunk.getSessionId(), chunk)).get();
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        tokens.close();
        raw.close();
        ledger.close();
    }
}
