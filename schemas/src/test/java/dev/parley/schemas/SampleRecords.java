package dev.parley.schemas;

import dev.parley.avro.AssistantReply;
import dev.parley.avro.CancelRequested;
import dev.parley.avro.Commitment;
import dev.parley.avro.CommitmentStatus;
import dev.parley.avro.DeadLetter;
import dev.parley.avro.EmbeddingIndexed;
import dev.parley.avro.HistorySummarized;
import dev.parley.avro.HistorySummary;
import dev.parley.avro.OpenCommitment;
import dev.parley.avro.LedgerEvent;
import dev.parley.avro.ReplyCancelled;
import dev.parley.avro.ReplyFailed;
import dev.parley.avro.SessionCreated;
import dev.parley.avro.SessionSnapshot;
import dev.parley.avro.TokenChunk;
import dev.parley.avro.TurnSummary;
import dev.parley.avro.Usage;
import dev.parley.avro.UserTurn;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/** One fully populated instance of every Parley record type, for round-trip tests. */
public final class SampleRecords {

    public static final Instant NOW = Instant.ofEpochMilli(1_767_225_600_123L);

    private SampleRecords() {
    }

    public static LedgerEvent ledgerEvent(Object payload, int attempt) {
        return LedgerEvent.newBuilder()
                .setEventId("evt-" + payload.getClass().getSimpleName())
                .setSessionId("session-1")
                .setTurnId("turn-1")
                .setTimestamp(NOW)
                .setProducer("test")
                .setAttempt(attempt)
                .setPayload(payload)
                .build();
    }

    public static UserTurn userTurn() {
        return UserTurn.newBuilder().setText("What is Kafka? ünïcødé ✓").setClientTurnId("client-7").build();
    }

    public static AssistantReply assistantReply() {
        return AssistantReply.newBuilder().setText("A distributed log.").setModel("sim-1").setFinishReason("stop")
                .setUsage(Usage.newBuilder().setPromptTokens(12).setCompletionTokens(5).build()).build();
    }

    public static ReplyFailed replyFailed() {
        return ReplyFailed.newBuilder().setPartialText("A distri").setReason("backend 502").build();
    }

    public static ReplyCancelled replyCancelled() {
        return ReplyCancelled.newBuilder().setPartialText("A").setReason(null).build();
    }

    public static SessionCreated sessionCreated() {
        return SessionCreated.newBuilder().setCreatedBy("curl").build();
    }

    public static CancelRequested cancelRequested() {
        return CancelRequested.newBuilder().setRequestedBy(null).setRequestedAt(NOW).build();
    }

    /** A LedgerEvent for each payload type of the union. */
    public static List<LedgerEvent> ledgerEvents() {
        return List.of(ledgerEvent(userTurn(), 0), ledgerEvent(assistantReply(), 1),
                ledgerEvent(replyFailed(), 2), ledgerEvent(replyCancelled(), 1),
                ledgerEvent(sessionCreated(), 0), ledgerEvent(cancelRequested(), 0));
    }

    public static TokenChunk tokenChunk(int seq) {
        return TokenChunk.newBuilder().setSessionId("session-1").setTurnId("turn-1").setAttempt(1).setSeq(seq)
                .setText("tok" + seq).setStage("answer").setFinal$(false).setFinishReason(null).setUsage(null).build();
    }

    public static TokenChunk finalTokenChunk() {
        return TokenChunk.newBuilder(tokenChunk(9)).setFinal$(true).setFinishReason("stop")
                .setUsage(Usage.newBuilder().setPromptTokens(3).setCompletionTokens(9).build()).build();
    }

    public static SessionSnapshot sessionSnapshot() {
        return SessionSnapshot.newBuilder()
                .setSessionId("session-1")
                .setTurnCount(2)
                .setLedgerPartition(3)
                .setLedgerOffset(41)
                .setRecentTurns(List.of(
                        new TurnSummary("turn-1", "hi", "hello", "completed", List.of()),
                        new TurnSummary("turn-2", "and?", null, "pending", List.of())))
                .setSummary(new HistorySummary("they greeted", "turn-0", "turn-0", 1L, 12L, "extractive"))
                .setOpenCommitments(List.of(new OpenCommitment("turn-1#0", "turn-1", "I'll remind you tomorrow.",
                        NOW.plusSeconds(86_400), NOW)))
                .setFacts(Map.of("name", "Ada"))
                .setUpdatedAt(NOW)
                .build();
    }

    public static EmbeddingIndexed embeddingIndexed() {
        return EmbeddingIndexed.newBuilder().setSessionId("session-1").setTurnId("turn-1").setSourceEventId("evt-1")
                .setRole("user").setModel("all-minilm-l6-v2").setVector(List.of(0.25f, -1.5f, 3.0f))
                .setDigest("ab".repeat(32)).setText("What is Kafka?").setTimestamp(NOW).build();
    }

    public static Commitment commitment() {
        return Commitment.newBuilder().setCommitmentId("c-1").setSessionId("session-1").setTurnId("turn-1")
                .setText("remind you at 9").setDueAt(NOW.plusSeconds(3600)).setStatus(CommitmentStatus.OPEN)
                .setClosedByTurnId(null).setCreatedAt(NOW).setUpdatedAt(NOW).build();
    }

    public static DeadLetter deadLetter() {
        return DeadLetter.newBuilder().setOriginalTopic("parley.ledger.v1").setOriginalPartition(2)
                .setOriginalOffset(99).setOriginalKey(ByteBuffer.wrap("session-1".getBytes(StandardCharsets.UTF_8)))
                .setOriginalValue(ByteBuffer.wrap(new byte[] {1, 2, 3})).setReason("unknown magic byte 0x01")
                .setExceptionClass("org.apache.kafka.common.errors.SerializationException")
                .setConsumer("inference-worker").setTimestamp(NOW).build();
    }

    public static HistorySummarized historySummarized() {
        return HistorySummarized.newBuilder().setEventId("e-1").setSessionId("session-1")
                .setText("User: hi / Assistant: hello").setFirstTurnId("turn-0").setLastTurnId("turn-3")
                .setCoveredTurns(4).setLedgerPartition(2).setThroughOffset(12).setSummarizer("extractive")
                .setTimestamp(NOW).build();
    }

    /** Every record type, each LedgerEvent payload included. */
    public static List<SpecificRecord> everyRecordType() {
        List<SpecificRecord> records = new java.util.ArrayList<>(ledgerEvents());
        records.addAll(List.of(tokenChunk(0), finalTokenChunk(), sessionSnapshot(), embeddingIndexed(), commitment(),
                historySummarized(), deadLetter()));
        return records;
    }
}
