package dev.parley.schemas.topics;

import dev.parley.avro.ApiKey;
import dev.parley.avro.Commitment;
import dev.parley.avro.DeadLetter;
import dev.parley.avro.EmbeddingIndexed;
import dev.parley.avro.HistorySummarized;
import dev.parley.avro.LedgerEvent;
import dev.parley.avro.Persona;
import dev.parley.avro.SessionSnapshot;
import dev.parley.avro.TokenChunk;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

/** Parley's topic catalogue, ARCHITECTURE.md's topics table as code. */
public final class Topics {

    // Every topic is keyed by session id (commitments by commitment id); ledger, tokens and
    // sessions are co-partitioned so one session's records share a partition number everywhere.

    /** Partitions of every topic but the DLQ, unless a deployment overrides it. */
    public static final int DEFAULT_PARTITIONS = 6;

    /** How long streamed chunks stay readable: the window in which a client can resume. */
    public static final Duration TOKEN_RESUME_WINDOW = Duration.ofHours(6);

    /** The system of record: every turn and terminal event, kept forever. */
    public static final TopicSpec<LedgerEvent> LEDGER = TopicSpec.deleting(
            "parley.ledger.v1", LedgerEvent.class, DEFAULT_PARTITIONS, TopicSpec.FOREVER, true);

    /** Streamed reply chunks, kept for the resume window. */
    public static final TopicSpec<TokenChunk> TOKENS = TopicSpec.deleting(
            "parley.tokens.v1", TokenChunk.class, DEFAULT_PARTITIONS, TOKEN_RESUME_WINDOW.toMillis(), true);

    /** The latest snapshot per session. */
    public static final TopicSpec<SessionSnapshot> SESSIONS = TopicSpec.compacted(
            "parley.sessions.v1", SessionSnapshot.class, DEFAULT_PARTITIONS, true);

    /** Embeddings of ledger texts, kept forever (the search index is rebuilt from them). */
    public static final TopicSpec<EmbeddingIndexed> EMBEDDINGS = TopicSpec.deleting(
            "parley.embeddings.v1", EmbeddingIndexed.class, DEFAULT_PARTITIONS, TopicSpec.FOREVER, false);

    /** The current state per commitment. */
    public static final TopicSpec<Commitment> COMMITMENTS = TopicSpec.compacted(
            "parley.commitments.v1", Commitment.class, DEFAULT_PARTITIONS, false);

    /** Summaries postprocess-streams made of sessions' older turns, kept forever (the turns stay in the ledger). */
    public static final TopicSpec<HistorySummarized> SUMMARIES = TopicSpec.deleting(
            "parley.summaries.v1", HistorySummarized.class, DEFAULT_PARTITIONS, TopicSpec.FOREVER, false);

    /**
     * The gateway's API keys by key id: every gateway tails it into memory, so a new key or a revocation reaches all
     * of them within seconds. Holds SHA-256 hashes of the keys, never the keys.
     */
    public static final TopicSpec<ApiKey> API_KEYS = TopicSpec.compacted(
            "parley.api-keys.v1", ApiKey.class, DEFAULT_PARTITIONS, false);

    /**
     * Personas by name: the system-prompt block each names, its newest version. Gateways and workers tail it into
     * memory; a session names one at creation.
     */
    public static final TopicSpec<Persona> PERSONAS = TopicSpec.compacted(
            "parley.personas.v1", Persona.class, DEFAULT_PARTITIONS, false);

    /** Records a consumer could not process, with the reason; one partition, kept 30 days. */
    public static final TopicSpec<DeadLetter> DLQ = TopicSpec.deleting(
            "parley.dlq.v1", DeadLetter.class, 1, Duration.ofDays(30).toMillis(), false);

    /** The schema registry's own compacted storage topic (created by the registry, not here). */
    public static final String SCHEMAS = "_schemas";

    private Topics() {
    }

    /** Every Parley topic with its default partition count. */
    public static List<TopicSpec<?>> all() {
        return List.of(LEDGER, TOKENS, SESSIONS, EMBEDDINGS, COMMITMENTS, SUMMARIES, API_KEYS, PERSONAS, DLQ);
    }

    /**
     * Every Parley topic with {@code partitions} partitions, except the single-partition DLQ:
     * one number for all keeps the co-partitioned topics equal.
     */
    public static List<TopicSpec<?>> all(int partitions) {
        return all().stream().<TopicSpec<?>>map(spec -> scaled(spec, partitions))
                .collect(Collectors.toUnmodifiableList());
    }

    /** {@code spec} with {@code partitions} partitions, except the DLQ, which keeps its single one (any name). */
    public static TopicSpec<?> scaled(TopicSpec<?> spec, int partitions) {
        return spec.valueClass() == DeadLetter.class ? spec : spec.withPartitions(partitions);
    }

    /**
     * Checks that the co-partitioned topics among {@code specs} have the same partition count.
     *
     * @throws IllegalArgumentException naming each topic and count when they differ
     */
    public static void requireCoPartitioned(Collection<? extends TopicSpec<?>> specs) {
        List<TopicSpec<?>> coPartitioned = specs.stream().filter(TopicSpec::coPartitioned)
                .collect(Collectors.toList());
        long counts = coPartitioned.stream().mapToInt(TopicSpec::partitions).distinct().count();
        if (counts > 1) {
            throw new IllegalArgumentException("co-partitioned topics must have the same partition count: "
                    + coPartitioned.stream().map(s -> s.name() + "=" + s.partitions())
                            .collect(Collectors.joining(", ")));
        }
    }
}
