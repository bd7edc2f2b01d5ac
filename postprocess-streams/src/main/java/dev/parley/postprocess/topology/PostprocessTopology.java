package dev.parley.postprocess.topology;

import dev.parley.postprocess.embed.Embedder;
import dev.parley.schemas.topics.Topics;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * postprocess-streams' two topologies, each built in a pure method that the application and the tests share. They
 * run as two Streams applications reading the same ledger, so embedding (slow, and it can fail) never holds up a
 * snapshot:
 * <pre>
 * parley.ledger.v1 ─▶ decode ─▶ snapshots  ─▶ parley.sessions.v1, parley.commitments.v1, parley.summaries.v1
 *                          └──▶ parley.dlq.v1 (undecodable records)
 * parley.ledger.v1 ─▶ decode ─▶ embeddings ─▶ parley.embeddings.v1   (when an embedder is configured)
 *                          └──▶ parley.dlq.v1 (undecodable records, embeddings given up on)
 * </pre>
 * Everything is keyed by session id and stays in the ledger's partition, so one task owns all of a session's state.
 */
public final class PostprocessTopology {

    public static final String LEDGER = Topics.LEDGER.name();
    public static final String SNAPSHOT_STORE = "session-snapshots";
    public static final String VECTOR_STORE = "session-vectors";
    public static final String EMBEDDING_RETRY_STORE = "embedding-retries";

    static final String SOURCE = "ledger";
    static final String DECODE = "decode";
    static final String SNAPSHOTS = "snapshots";
    static final String EMBEDDINGS = "embeddings";
    static final String SESSIONS_SINK = "sessions-sink";
    static final String COMMITMENTS_SINK = "commitments-sink";
    static final String SUMMARIES_SINK = "summaries-sink";
    static final String EMBEDDINGS_SINK = "embeddings-sink";
    static final String DLQ_SINK = "dlq-sink";

    private PostprocessTopology() {
    }

    /**
     * The snapshot topology: snapshots, commitments and summaries.
     *
     * @param serdeConfig  the serdes' settings ({@code schema.registry.url}, ...)
     * @param consumerName the name dead letters carry (the application id)
     * @param updater      applies ledger events to snapshots
     */
    public static Topology snapshots(Map<String, ?> serdeConfig, String consumerName, SnapshotUpdater updater) {
        Topology topology = decoding(serdeConfig, consumerName, SNAPSHOTS);
        topology.addProcessor(SNAPSHOTS, () -> new SessionSnapshotProcessor(updater), DECODE);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SNAPSHOT_STORE),
            Serdes.String(), Topics.SESSIONS.valueSerde(serdeConfig)), SNAPSHOTS);
        topology.addSink(SESSIONS_SINK, Topics.SESSIONS.name(), Serdes.String().serializer(),
            values(Topics.SESSIONS.valueSerde(serdeConfig).serializer()), SNAPSHOTS);
        topology.addSink(COMMITMENTS_SINK, Topics.COMMITMENTS.name(), Serdes.String().serializer(),
            values(Topics.COMMITMENTS.valueSerde(serdeConfig).serializer()), SNAPSHOTS);
        topology.addSink(SUMMARIES_SINK, Topics.SUMMARIES.name(), Serdes.String().serializer(),
            values(Topics.SUMMARIES.valueSerde(serdeConfig).serializer()), SNAPSHOTS);
        topology.addSink(DLQ_SINK, Topics.DLQ.name(), Serdes.String().serializer(),
            values(Topics.DLQ.valueSerde(serdeConfig).serializer()), DECODE);
        return topology;
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

    /** A typed serializer as one for the processors' common output type; each sink only gets its own type. */
    @SuppressWarnings("unchecked")
    private static Serializer<SpecificRecord> values(Serializer<? extends SpecificRecord> serializer) {
        return (Serializer<SpecificRecord>) serializer;
    }
}
