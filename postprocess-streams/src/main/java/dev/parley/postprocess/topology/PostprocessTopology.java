package dev.parley.postprocess.topology;

import dev.parley.postprocess.embed.Embedder;
import dev.parley.schemas.topics.Topics;
import java.util.Map;
import dev.parley.avro.LedgerEvent;
import dev.parley.avro.PrincipalSessions;
import dev.parley.avro.PrincipalUsage;
import dev.parley.schemas.serde.AvroSerde;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Reducer;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * postprocess-streams' two topologies, each built in a pure method that the application and the tests share. They
 * run as two Streams applications reading the same ledger, so embedding (slow, and it can fail) never holds up a
 * snapshot:
 * <pre>
 * parley.ledger.v1 ─▶ decode ─▶ snapshots  ─▶ parley.sessions.v1, parley.commitments.v1, parley.summaries.v1
 *                          │              ├─▶ turn-usage ─▶ &lt;app id&gt;-principal-usage-repartition ─▶ principal-usage
 *                          │              └─▶ session-listing ─▶ &lt;app id&gt;-principal-sessions-repartition ─▶ principal-sessions
 *                          └──▶ parley.dlq.v1 (undecodable records)
 * parley.ledger.v1 ─▶ decode ─▶ embeddings ─▶ parley.embeddings.v1   (when an embedder is configured)
 *                          └──▶ parley.dlq.v1 (undecodable records, embeddings given up on)
 * </pre>
 * Everything is keyed by session id and stays in the ledger's partition, so one task owns all of a session's state;
 * only a finished turn's usage and a session's list entry are re-keyed by principal, so one task owns each
 * principal's totals and session list. The snapshot
 * topology is written in the DSL for that repartition topic (the Processor API cannot declare internal topics); its
 * processors are the same, and forward to their children by these node names.
 */
public final class PostprocessTopology {

    public static final String LEDGER = Topics.LEDGER.name();
    public static final String SNAPSHOT_STORE = "session-snapshots";
    public static final String VECTOR_STORE = "session-vectors";
    public static final String EMBEDDING_RETRY_STORE = "embedding-retries";
    /** Usage per principal; also names its repartition topic and changelog ({@code <app id>-principal-usage-*}). */
    public static final String PRINCIPAL_USAGE_STORE = "principal-usage";
    /** Sessions per principal, newest first; names its repartition topic and changelog like the usage. */
    public static final String PRINCIPAL_SESSIONS_STORE = "principal-sessions";

    static final String SOURCE = "ledger";
    static final String DECODE = "decode";
    static final String SNAPSHOTS = "snapshots";
    static final String EMBEDDINGS = "embeddings";
    static final String SESSIONS_SINK = "sessions-sink";
    static final String COMMITMENTS_SINK = "commitments-sink";
    static final String SUMMARIES_SINK = "summaries-sink";
    static final String TURN_USAGE = "turn-usage";
    static final String SESSION_LISTING = "session-listing";
    static final String EMBEDDINGS_SINK = "embeddings-sink";
    static final String DLQ_SINK = "dlq-sink";

    private PostprocessTopology() {
    }

    /**
     * The snapshot topology: snapshots, commitments, summaries, and usage and sessions per principal.
     *
     * @param serdeConfig  the serdes' settings ({@code schema.registry.url}, ...)
     * @param consumerName the name dead letters carry (the application id)
     * @param updater      applies ledger events to snapshots
     */
    public static Topology snapshots(Map<String, ?> serdeConfig, String consumerName, SnapshotUpdater updater) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SNAPSHOT_STORE),
            Serdes.String(), Topics.SESSIONS.valueSerde(serdeConfig)));
        // The decoder sends events to the snapshots and dead letters to the DLQ sink, each by its node name.
        KStream<String, LedgerEvent> decoded = events(builder
            .stream(LEDGER, Consumed.with(Serdes.String(), Serdes.ByteArray()).withName(SOURCE))
            .process(() -> new LedgerDecoder(Topics.LEDGER.valueSerde(serdeConfig).deserializer(), consumerName,
                SNAPSHOTS), Named.as(DECODE)));
        decoded.to(Topics.DLQ.name(), produced(DLQ_SINK, Topics.DLQ.valueSerde(serdeConfig)));
        KStream<String, SpecificRecord> changes = decoded.process(() -> new SessionSnapshotProcessor(updater),
            Named.as(SNAPSHOTS), SNAPSHOT_STORE);
        changes.to(Topics.SESSIONS.name(), produced(SESSIONS_SINK, Topics.SESSIONS.valueSerde(serdeConfig)));
        changes.to(Topics.COMMITMENTS.name(), produced(COMMITMENTS_SINK, Topics.COMMITMENTS.valueSerde(serdeConfig)));
        changes.to(Topics.SUMMARIES.name(), produced(SUMMARIES_SINK, Topics.SUMMARIES.valueSerde(serdeConfig)));
        perPrincipal(changes, TURN_USAGE, PRINCIPAL_USAGE_STORE, PrincipalUsage.class, PrincipalUsages::add,
            serdeConfig);
        perPrincipal(changes, SESSION_LISTING, PRINCIPAL_SESSIONS_STORE, PrincipalSessions.class,
            PrincipalSessionLists::add, serdeConfig);
        return builder.build();
    }

    /**
     * The records the snapshots forward to {@code node} (keyed by principal), repartitioned by principal and reduced
     * with {@code add} into {@code store}.
     */
    private static <V extends SpecificRecord> void perPrincipal(KStream<String, SpecificRecord> changes, String node,
                                                                String store, Class<V> type, Reducer<V> add,
                                                                Map<String, ?> serdeConfig) {
        Serde<V> serde = AvroSerde.forClass(type, serdeConfig, false);
        changes.mapValues(type::cast, Named.as(node))
            .groupByKey(Grouped.with(store, Serdes.String(), serde))
            .reduce(add, Materialized.<String, V, KeyValueStore<Bytes, byte[]>>as(store)
                .withKeySerde(Serdes.String()).withValueSerde(serde));
    }

    /**
     * The embedding topology: the session vector stores and {@code parley.embeddings.v1}. A separate application
     * from the snapshots, with its own stream threads, so a slow or failing model never holds up a snapshot.
     *
     * @param embedder the embedding model
     */
    public static Topology embeddings(Map<String, ?> serdeConfig, String consumerName, Embedder embedder) {
        Topology topology = decoding(serdeConfig, consumerName, EMBEDDINGS);
        topology.addProcessor(EMBEDDINGS, () -> new EmbeddingProcessor(embedder, consumerName), DECODE);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(VECTOR_STORE),
            Serdes.String(), Topics.EMBEDDINGS.valueSerde(serdeConfig)), EMBEDDINGS);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(EMBEDDING_RETRY_STORE),
            Serdes.String(), Topics.EMBEDDINGS.valueSerde(serdeConfig)), EMBEDDINGS);
        topology.addSink(EMBEDDINGS_SINK, Topics.EMBEDDINGS.name(), Serdes.String().serializer(),
            values(Topics.EMBEDDINGS.valueSerde(serdeConfig).serializer()), EMBEDDINGS);
        topology.addSink(DLQ_SINK, Topics.DLQ.name(), Serdes.String().serializer(),
            values(Topics.DLQ.valueSerde(serdeConfig).serializer()), DECODE, EMBEDDINGS);
        return topology;
    }

    /** The ledger source and its decoder, which hands every decoded event to {@code processor}. */
    private static Topology decoding(Map<String, ?> serdeConfig, String consumerName, String processor) {
        Topology topology = new Topology();
        topology.addSource(SOURCE, Serdes.String().deserializer(), Serdes.ByteArray().deserializer(), LEDGER);
        topology.addProcessor(DECODE, () -> new LedgerDecoder(Topics.LEDGER.valueSerde(serdeConfig).deserializer(),
            consumerName, processor), SOURCE);
        return topology;
    }

    /** A sink named {@code name} of a processor's common output type; each sink only gets its own type. */
    @SuppressWarnings("unchecked")
    private static <V> Produced<String, V> produced(String name, Serde<? extends SpecificRecord> serde) {
        return Produced.with(Serdes.String(), (Serde<V>) serde).withName(name);
    }

    /** The decoder's output as the events it sends to the snapshots (the DLQ sink gets its dead letters). */
    @SuppressWarnings("unchecked")
    private static KStream<String, LedgerEvent> events(KStream<String, SpecificRecord> decoded) {
        return (KStream<String, LedgerEvent>) (KStream<String, ?>) decoded;
    }

    /** A typed serializer as one for the processors' common output type; each sink only gets its own type. */
    @SuppressWarnings("unchecked")
    private static Serializer<SpecificRecord> values(Serializer<? extends SpecificRecord> serializer) {
        return (Serializer<SpecificRecord>) serializer;
    }
}
