package dev.parley.postprocess.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.avro.AssistantReply;
import dev.parley.avro.Commitment;
import dev.parley.avro.CommitmentStatus;
import dev.parley.avro.DeadLetter;
import dev.parley.avro.EmbeddingIndexed;
import dev.parley.avro.HistorySummarized;
import dev.parley.avro.LedgerEvent;
import dev.parley.avro.SessionCreated;
import dev.parley.avro.SessionSnapshot;
import dev.parley.avro.UserTurn;
import dev.parley.postprocess.embed.Embedder;
import dev.parley.postprocess.embed.EmbeddingException;
import dev.parley.postprocess.extract.CommitmentExtractor;
import dev.parley.postprocess.extract.CommitmentExtractorException;
import dev.parley.postprocess.extract.ExtractedCommitment;
import dev.parley.postprocess.extract.ExtractiveSummarizer;
import dev.parley.postprocess.extract.RuleBasedCommitmentExtractor;
import dev.parley.postprocess.extract.Summarizer;
import dev.parley.postprocess.extract.SummarizerException;
import dev.parley.postprocess.extract.SummaryTurn;
import dev.parley.schemas.registry.InMemorySchemaRegistryClient;
import dev.parley.schemas.topics.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The production topology in TopologyTestDriver: snapshots, commitments, compaction, embeddings, dead letters. */
class PostprocessTopologyTest {

    static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
    static final String SESSION = "0193f2a0-0000-7000-8000-000000000001";

    private final String scope = "topology-" + UUID.randomUUID();
    private final Map<String, Object> serdeConfig = Map.of("schema.registry.url", "mock://" + scope);
    private final List<TopologyTestDriver> drivers = new ArrayList<>();

    @AfterEach
    void close() {
        drivers.forEach(TopologyTestDriver::close);
        InMemorySchemaRegistryClient.dropScope(scope);
    }

    @Test
    @DisplayName("a user turn and its reply give a snapshot with the turn, the user's facts and the open promise")
    void snapshotWithFactsAndCommitment() {
        Harness h = new Harness(8_000, new HashEmbedder());
        h.pipe(created(T0));
        h.pipe(user("t1", "Hi, my name is Ada and I live in Lisbon.", T0.plusSeconds(1)));
        h.pipe(reply("t1", "Nice to meet you, Ada! I'll remind you tomorrow at 9am to call the dentist.",
            T0.plusSeconds(2)));

        SessionSnapshot snapshot = h.latestSnapshot();
        assertEquals(1, snapshot.getTurnCount());
        assertEquals(2, snapshot.getLedgerOffset());
        assertEquals("Ada", snapshot.getFacts().get("name"));
        assertEquals("Lisbon", snapshot.getFacts().get("location"));
        assertEquals("completed", snapshot.getRecentTurns().get(0).getStatus());
        assertEquals(1, snapshot.getOpenCommitments().size());
        assertEquals(Instant.parse("2026-11-21T09:00:00Z"), snapshot.getOpenCommitments().get(0).getDueAt());
        assertEquals(T0.plusSeconds(2), snapshot.getUpdatedAt());

        Commitment opened = h.commitments.readValue();
        assertEquals("t1#0", opened.getCommitmentId());
        assertEquals(CommitmentStatus.OPEN, opened.getStatus());
        assertTrue(opened.getText().contains("remind you"), opened.getText());
        // Avro's arrays compare without logical-type conversions; their JSON text compares them fully.
        assertEquals(h.store().get(SESSION).toString(), snapshot.toString());
    }

    @Test
    @DisplayName("a later reply that keeps the promise closes it as fulfilled, and the snapshot drops it")
    void commitmentFulfilled() {
        Harness h = new Harness(8_000, new HashEmbedder());
        h.pipe(user("t1", "Can you send me the report?", T0));
        h.pipe(reply("t1", "I will send you the report tomorrow.", T0.plusSeconds(1)));
        h.pipe(user("t2", "Any news?", T0.plusSeconds(3600)));
        h.pipe(reply("t2", "As promised, here is the report: revenue grew 4%.", T0.plusSeconds(3601)));

        List<Commitment> states = h.commitments.readValuesToList();
        assertEquals(List.of(CommitmentStatus.OPEN, CommitmentStatus.FULFILLED),
            states.stream().map(Commitment::getStatus).toList());
        assertEquals("t2", states.get(1).getClosedByTurnId());
        assertTrue(h.latestSnapshot().getOpenCommitments().isEmpty());
    }

    @Test
    @DisplayName("a promise repeated or quoted in a later reply stays one commitment")
    void repeatedPromise() {
        Harness h = new Harness(8_000, new HashEmbedder());
        h.pipe(user("t1", "Remind me about the dentist.", T0));
        h.pipe(reply("t1", "I'll remind you tomorrow at 9am to call the dentist.", T0.plusSeconds(1)));
        h.pipe(user("t2", "Thanks!", T0.plusSeconds(2)));
        h.pipe(reply("t2", "You're welcome. I'll remind you tomorrow at 9am to call the dentist!", T0.plusSeconds(3)));
        h.pipe(user("t3", "What did you promise?", T0.plusSeconds(4)));
        h.pipe(reply("t3", "Open promises: \"I'll remind you tomorrow at 9am to call the dentist.\"", T0.plusSeconds(5)));

        assertEquals(1, h.commitments.readValuesToList().size());
        assertEquals(1, h.latestSnapshot().getOpenCommitments().size());
    }

    @Test
    @DisplayName("the user calling a promise off cancels it; an unkept one expires a day after it was due")
    void commitmentCancelledAndExpired() {
        Harness h = new Harness(8_000, new HashEmbedder());
        h.pipe(user("t1", "Remind me about the dentist.", T0));
        h.pipe(reply("t1", "I'll remind you tomorrow at 9am to call the dentist.", T0.plusSeconds(1)));
        h.pipe(user("t2", "Never mind, no need to remind me about the dentist.", T0.plusSeconds(60)));
        assertEquals(CommitmentStatus.CANCELLED, h.commitments.readValuesToList().get(1).getStatus());

        h.pipe(reply("t2", "Okay. I'll follow up on the invoice on Monday.", T0.plusSeconds(61)));
        assertEquals(CommitmentStatus.OPEN, h.commitments.readValue().getStatus());
        h.pipe(user("t3", "Hello again", T0.plus(Duration.ofDays(30))));
        Commitment expired = h.commitments.readValue();
        assertEquals(CommitmentStatus.EXPIRED, expired.getStatus());
        assertNull(expired.getClosedByTurnId());
        assertTrue(h.latestSnapshot().getOpenCommitments().isEmpty());
    }

    @Test
    @DisplayName("history beyond the budget is folded into a summary recorded on the ledger; the last turns stay verbatim")
    void compaction() {
        Harness h = new Harness(600, new HashEmbedder());
        for (int i = 1; i <= 12; i++) {
            h.pipe(user("t" + i, "Question " + i + ": how do Kafka partitions keep the order of records?",
                T0.plusSeconds(10L * i)));
            h.pipe(reply("t" + i, "Answer " + i + ": records with the same key go to the same partition, "
                + "and a partition is an ordered, append-only log.", T0.plusSeconds(10L * i + 1)));
        }
        SessionSnapshot snapshot = h.latestSnapshot();
        assertNotNull(snapshot.getSummary());
        assertEquals("t1", snapshot.getSummary().getFirstTurnId());
        long covered = snapshot.getSummary().getCoveredTurns();
        assertEquals(12, covered + snapshot.getRecentTurns().size());
        assertTrue(snapshot.getRecentTurns().size() >= SnapshotUpdater.KEEP_VERBATIM_TURNS);
        assertEquals("t12", snapshot.getRecentTurns().get(snapshot.getRecentTurns().size() - 1).getTurnId());
        assertEquals("t" + covered, snapshot.getSummary().getLastTurnId());
        assertTrue(snapshot.getSummary().getText().length() <= 2_000);

        List<HistorySummarized> summaries = h.summaries.readValuesToList();
        assertFalse(summaries.isEmpty());
        HistorySummarized recorded = summaries.get(summaries.size() - 1);
        assertEquals(snapshot.getSummary().getText(), recorded.getText());
        assertEquals(covered, recorded.getCoveredTurns());
        assertEquals(SESSION, recorded.getSessionId());
        assertEquals("extractive", recorded.getSummarizer());
        assertTrue(h.ledgerOut.isEmpty(), "the ledger is never written: summaries are derived data");
    }

    @Test
    @DisplayName("a summarizer that fails (an LLM server down) does not stop snapshots: the extractive one stands in")
    void summarizerFallback() {
        Summarizer down = new Summarizer() {
            @Override
            public String summarize(String previousSummary, List<SummaryTurn> turns, int maxChars) {
                throw new SummarizerException("connection refused", SummarizerException.NO_STATUS);
            }

            @Override
            public String id() {
                return "llm:down";
            }
        };
        Harness h = new Harness(300, new HashEmbedder(), down);
        for (int i = 1; i <= 6; i++) {
            h.pipe(user("t" + i, "Tell me about consumer group number " + i + " and its offsets.", T0.plusSeconds(i)));
            h.pipe(reply("t" + i, "Consumer group " + i + " commits its offsets to Kafka.", T0.plusSeconds(i)));
        }
        SessionSnapshot snapshot = h.latestSnapshot();
        assertEquals(6, snapshot.getTurnCount());
        assertEquals("extractive", snapshot.getSummary().getSummarizer());
        assertFalse(snapshot.getSummary().getText().isBlank());
    }

    @Test
    @DisplayName("a commitment extractor that fails (an LLM server down) does not stop snapshots: the rules stand in")
    void commitmentExtractorFallback() {
        AtomicInteger calls = new AtomicInteger();
        CommitmentExtractor down = new CommitmentExtractor() {
            @Override
            public List<ExtractedCommitment> extract(String assistantText, long replyTimestampMillis) {
                calls.incrementAndGet();
                throw new CommitmentExtractorException("connection refused", CommitmentExtractorException.NO_STATUS,
                    null);
            }

            @Override
            public String id() {
                return "llm:down";
            }
        };
        Harness h = new Harness(8_000, new HashEmbedder(), new ExtractiveSummarizer(), down);
        h.pipe(user("t1", "Remind me about the dentist.", T0));
        h.pipe(reply("t1", "Sure! I'll remind you tomorrow at 9am to call the dentist.", T0.plusSeconds(1)));

        assertEquals(1, calls.get(), "the configured extractor was asked first");
        Commitment opened = h.commitments.readValue();
        assertEquals(CommitmentStatus.OPEN, opened.getStatus());
        assertEquals("t1#0", opened.getCommitmentId());
        assertEquals("I'll remind you tomorrow at 9am to call the dentist.", opened.getText());
        assertEquals(Instant.parse("2026-11-21T09:00:00Z"), opened.getDueAt());
        SessionSnapshot snapshot = h.latestSnapshot();
        assertEquals("completed", snapshot.getRecentTurns().get(0).getStatus());
        assertEquals(1, snapshot.getOpenCommitments().size());
        assertTrue(h.dlq.isEmpty(), "a failed extraction is not a bad record");
    }

    @Test
    @DisplayName("the configured commitment extractor's promises are the ones opened")
    void configuredCommitmentExtractor() {
        CommitmentExtractor model = new CommitmentExtractor() {
            @Override
            public List<ExtractedCommitment> extract(String assistantText, long replyTimestampMillis) {
                return List.of(new ExtractedCommitment("I'll look into cheaper flights for you.",
                    replyTimestampMillis + Duration.ofHours(2).toMillis()));
            }

            @Override
            public String id() {
                return "llm:stub";
            }
        };
        Harness h = new Harness(8_000, new HashEmbedder(), new ExtractiveSummarizer(), model);
        h.pipe(user("t1", "Flights to Lisbon are pricey.", T0));
        h.pipe(reply("t1", "Let me see what turns up; cheaper flights often appear midweek.", T0.plusSeconds(1)));

        Commitment opened = h.commitments.readValue();
        assertEquals("I'll look into cheaper flights for you.", opened.getText());
        assertEquals(T0.plusSeconds(1).plus(Duration.ofHours(2)), opened.getDueAt());
    }

    @Test
    @DisplayName("an undecodable ledger record goes to the DLQ with the reason and the next record is processed")
    void badRecord() {
        Harness h = new Harness(8_000, new HashEmbedder());
        h.pipeRaw(new byte[] {0, 0, 0, 0, 42, 1, 2, 3}, T0);
        h.pipe(user("t1", "still here?", T0.plusSeconds(1)));

        DeadLetter letter = h.dlq.readValue();
        assertEquals(Topics.LEDGER.name(), letter.getOriginalTopic());
        assertEquals(0, letter.getOriginalOffset());
        assertFalse(letter.getReason().isBlank());
        assertEquals(8, letter.getOriginalValue().remaining());
        assertEquals("postprocess-test", letter.getConsumer());
        assertEquals(1, h.latestSnapshot().getTurnCount());
        assertEquals("postprocess-test-embeddings", h.embedDlq.readValue().getConsumer(),
            "each application dead-letters the record under its own name");
        assertEquals(1, h.embeddings.readValuesToList().size(), "and the embeddings go on too");
    }

    @Test
    @DisplayName("user turns and replies are embedded into the session's vector store and the embeddings topic")
    void embeddings() {
        Harness h = new Harness(8_000, new HashEmbedder());
        h.pipe(created(T0));
        h.pipe(user("t1", "What is a partition?", T0.plusSeconds(1)));
        h.pipe(reply("t1", "An ordered log.", T0.plusSeconds(2)));

        List<EmbeddingIndexed> indexed = h.embeddings.readValuesToList();
        assertEquals(List.of("user", "assistant"), indexed.stream().map(EmbeddingIndexed::getRole).toList());
        assertEquals("hash-test", indexed.get(0).getModel());
        assertEquals(HashEmbedder.DIMENSIONS, indexed.get(0).getVector().size());
        assertEquals(64, indexed.get(0).getDigest().length());
        KeyValueStore<String, EmbeddingIndexed> vectors = h.embedDriver.getKeyValueStore(PostprocessTopology.VECTOR_STORE);
        assertEquals(indexed.get(0), vectors.get(EmbeddingProcessor.vectorKey(SESSION, indexed.get(0).getSourceEventId())));
    }

    @Test
    @DisplayName("a failing embedder is retried later without holding up snapshots; one that refuses dead-letters")
    void embeddingRetries() {
        HashEmbedder flaky = new HashEmbedder();
        flaky.failNext(2, true);
        Harness h = new Harness(8_000, flaky);
        h.pipe(user("t1", "first", T0));
        h.pipe(user("t2", "second", T0.plusSeconds(1)));
        assertEquals(2, h.latestSnapshot().getTurnCount());
        assertTrue(h.embeddings.isEmpty());
        assertEquals(1, flaky.calls.get(), "the second item waits behind the failure without a call");

        h.embedDriver.advanceWallClockTime(Duration.ofSeconds(1));
        assertTrue(h.embeddings.isEmpty(), "the first retry fails too");
        h.embedDriver.advanceWallClockTime(Duration.ofSeconds(5));
        assertEquals(List.of("first", "second"), h.embeddings.readValuesToList().stream()
            .map(EmbeddingIndexed::getText).toList());

        flaky.failNext(1, false);
        h.pipe(user("t3", "third", T0.plusSeconds(2)));
        assertTrue(h.embedDlq.readValue().getReason().contains("embedding"));
        assertTrue(h.dlq.isEmpty(), "the snapshot application has nothing to dead-letter");
        assertEquals(3, h.latestSnapshot().getTurnCount());
    }

    @Test
    @DisplayName("replaying the same ledger gives identical snapshots, commitments and summaries")
    void deterministic() {
        List<LedgerEvent> ledger = new ArrayList<>();
        ledger.add(created(T0));
        for (int i = 1; i <= 8; i++) {
            ledger.add(user("t" + i, "My name is Ada. Turn " + i + " asks about consumer groups and rebalancing.",
                T0.plusSeconds(i * 60L)));
            ledger.add(reply("t" + i, "I'll send you a summary of consumer group rebalancing on Friday. Turn " + i
                + ".", T0.plusSeconds(i * 60L + 5)));
        }
        Harness first = new Harness(400, new HashEmbedder());
        Harness second = new Harness(400, new HashEmbedder());
        ledger.forEach(first::pipe);
        ledger.forEach(second::pipe);
        // Avro's arrays compare without logical-type conversions; their JSON text compares them fully.
        assertEquals(first.snapshots.readValuesToList().toString(), second.snapshots.readValuesToList().toString());
        assertEquals(first.commitments.readValuesToList(), second.commitments.readValuesToList());
        List<HistorySummarized> summaries = first.summaries.readValuesToList();
        assertFalse(summaries.isEmpty());
        assertEquals(summaries, second.summaries.readValuesToList());
    }

    static LedgerEvent created(Instant at) {
        return event("", at, new SessionCreated(null, null));
    }

    static LedgerEvent user(String turnId, String text, Instant at) {
        return event(turnId, at, UserTurn.newBuilder().setText(text).setClientTurnId(null).build());
    }

    static LedgerEvent reply(String turnId, String text, Instant at) {
        return event(turnId, at, AssistantReply.newBuilder().setText(text).setModel("sim").setFinishReason("stop").setUsage(null).build());
    }

    private static LedgerEvent event(String turnId, Instant at, Object payload) {
        return LedgerEvent.newBuilder().setEventId(UUID.nameUUIDFromBytes((turnId + payload).getBytes()).toString())
            .setSessionId(SESSION).setTurnId(turnId).setTimestamp(at).setProducer("test").setAttempt(0)
            .setPayload(payload).build();
    }

    /** The production topologies in two drivers (as in production: two applications on one ledger). */
    private final class Harness {
        final TopologyTestDriver driver;
        final TopologyTestDriver embedDriver;
        private final List<TestInputTopic<String, LedgerEvent>> ledgers = new ArrayList<>();
        private final List<TestInputTopic<String, byte[]>> rawLedgers = new ArrayList<>();
        final TestOutputTopic<String, SessionSnapshot> snapshots;
        final TestOutputTopic<String, Commitment> commitments;
        final TestOutputTopic<String, LedgerEvent> ledgerOut;
        final TestOutputTopic<String, HistorySummarized> summaries;
        final TestOutputTopic<String, EmbeddingIndexed> embeddings;
        final TestOutputTopic<String, DeadLetter> dlq;
        final TestOutputTopic<String, DeadLetter> embedDlq;
        private final List<SessionSnapshot> seen = new ArrayList<>();

        Harness(int budget, Embedder embedder) {
            this(budget, embedder, new ExtractiveSummarizer());
        }

        Harness(int budget, Embedder embedder, Summarizer summarizer) {
            this(budget, embedder, summarizer, new RuleBasedCommitmentExtractor());
        }

        Harness(int budget, Embedder embedder, Summarizer summarizer, CommitmentExtractor promises) {
            SnapshotUpdater updater = new SnapshotUpdater(budget, 2_000, summarizer, promises);
            driver = driver(PostprocessTopology.snapshots(serdeConfig, "postprocess-test", updater));
            embedDriver = driver(PostprocessTopology.embeddings(serdeConfig, "postprocess-test-embeddings", embedder));
            snapshots = driver.createOutputTopic(Topics.SESSIONS.name(), Serdes.String().deserializer(),
                Topics.SESSIONS.valueSerde(serdeConfig).deserializer());
            commitments = driver.createOutputTopic(Topics.COMMITMENTS.name(), Serdes.String().deserializer(),
                Topics.COMMITMENTS.valueSerde(serdeConfig).deserializer());
            ledgerOut = driver.createOutputTopic(Topics.LEDGER.name(), Serdes.String().deserializer(),
                Topics.LEDGER.valueSerde(serdeConfig).deserializer());
            summaries = driver.createOutputTopic(Topics.SUMMARIES.name(), Serdes.String().deserializer(),
                Topics.SUMMARIES.valueSerde(serdeConfig).deserializer());
            embeddings = embedDriver.createOutputTopic(Topics.EMBEDDINGS.name(), Serdes.String().deserializer(),
                Topics.EMBEDDINGS.valueSerde(serdeConfig).deserializer());
            dlq = driver.createOutputTopic(Topics.DLQ.name(), Serdes.String().deserializer(),
                Topics.DLQ.valueSerde(serdeConfig).deserializer());
            embedDlq = embedDriver.createOutputTopic(Topics.DLQ.name(), Serdes.String().deserializer(),
                Topics.DLQ.valueSerde(serdeConfig).deserializer());
        }

        private TopologyTestDriver driver(org.apache.kafka.streams.Topology topology) {
            Properties props = new Properties();
            props.put(StreamsConfig.APPLICATION_ID_CONFIG, "postprocess-test");
            props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
            props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
            try {
                props.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("ttd").toString());
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
            TopologyTestDriver created = new TopologyTestDriver(topology, props, T0);
            drivers.add(created);
            ledgers.add(created.createInputTopic(Topics.LEDGER.name(), Serdes.String().serializer(),
                Topics.LEDGER.valueSerde(serdeConfig).serializer()));
            rawLedgers.add(created.createInputTopic(Topics.LEDGER.name(), Serdes.String().serializer(),
                Serdes.ByteArray().serializer()));
            return created;
        }

        void pipe(LedgerEvent event) {
            ledgers.forEach(ledger -> ledger.pipeInput(event.getSessionId(), event, event.getTimestamp()));
        }

        void pipeRaw(byte[] value, Instant at) {
            rawLedgers.forEach(ledger -> ledger.pipeInput(SESSION, value, at));
        }

        SessionSnapshot latestSnapshot() {
            seen.addAll(snapshots.readValuesToList());
            return seen.get(seen.size() - 1);
        }

        KeyValueStore<String, SessionSnapshot> store() {
            return driver.getKeyValueStore(PostprocessTopology.SNAPSHOT_STORE);
        }
    }

    /** A deterministic stand-in model (a bag of hashed words) that can be told to fail. */
    static final class HashEmbedder implements Embedder {
        static final int DIMENSIONS = 16;
        final AtomicInteger calls = new AtomicInteger();
        private int failures;
        private boolean retriable;

        void failNext(int count, boolean retriable) {
            this.failures = count;
            this.retriable = retriable;
        }

        @Override
        public String modelId() {
            return "hash-test";
        }

        @Override
        public int dimensions() {
            return DIMENSIONS;
        }

        @Override
        public float[] embed(String text) {
            calls.incrementAndGet();
            if (failures > 0) {
                failures--;
                throw new EmbeddingException("simulated embedder failure", retriable);
            }
            float[] v = new float[DIMENSIONS];
            for (String word : text.toLowerCase().split("\\W+")) {
                v[Math.floorMod(word.hashCode(), DIMENSIONS)] += 1;
            }
            return v;
        }
    }
}
