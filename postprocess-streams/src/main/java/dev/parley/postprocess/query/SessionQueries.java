package dev.parley.postprocess.query;

import dev.parley.avro.EmbeddingIndexed;
import dev.parley.avro.PrincipalSessions;
import dev.parley.avro.PrincipalUsage;
import dev.parley.avro.SessionSnapshot;
import dev.parley.postprocess.embed.Embedder;
import dev.parley.postprocess.embed.TopK;
import dev.parley.postprocess.embed.Vectors;
import dev.parley.postprocess.topology.PostprocessTopology;
import dev.parley.postprocess.topology.PrincipalSessionLists;
import dev.parley.postprocess.topology.PrincipalUsages;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * Interactive queries on this instance's stores: who owns a session, its snapshot, search over its vectors, and
 * who owns a principal's usage totals and session list and what they are.
 */
public final class SessionQueries {

    /** Where a session's state lives right now. */
    public sealed interface Owner {
        /** This instance owns it, in {@code partition}. */
        record Local(int partition) implements Owner {
        }

        /** Another instance owns it. */
        record Remote(HostInfo host) implements Owner {
        }

        /** Nobody can answer now (starting, rebalancing, restoring). */
        record Unavailable(String why) implements Owner {
        }
    }

    /** One search hit. */
    public record Hit(EmbeddingIndexed item, float score) {
    }

    private final KafkaStreams snapshots;
    private final KafkaStreams embeddings;
    private final HostInfo self;
    private final Embedder embedder;

    /** {@code embeddings} and {@code embedder} are null when no embeddings are kept. */
    public SessionQueries(KafkaStreams snapshots, KafkaStreams embeddings, HostInfo self, Embedder embedder) {
        this.snapshots = snapshots;
        this.embeddings = embeddings;
        this.self = self;
        this.embedder = embedder;
    }

    public boolean searchEnabled() {
        return embedder != null;
    }

    public String embeddingModel() {
        return embedder == null ? null : embedder.modelId();
    }

    /** Where the session's snapshot lives. */
    public Owner snapshotOwner(String sessionId) {
        return owner(snapshots, PostprocessTopology.SNAPSHOT_STORE, sessionId);
    }

    /** Where the principal's usage totals live (keyed by principal, not by session). */
    public Owner usageOwner(String principal) {
        return owner(snapshots, PostprocessTopology.PRINCIPAL_USAGE_STORE, principal);
    }

    /** Where the principal's session list lives (keyed by principal, like the usage). */
    public Owner sessionsOwner(String principal) {
        return owner(snapshots, PostprocessTopology.PRINCIPAL_SESSIONS_STORE, principal);
    }

    /** Where the session's vectors live (only when {@link #searchEnabled()}). */
    public Owner vectorOwner(String sessionId) {
        return owner(embeddings, PostprocessTopology.VECTOR_STORE, sessionId);
    }

    private Owner owner(KafkaStreams streams, String store, String sessionId) {
        if (streams.state() != KafkaStreams.State.RUNNING) {
            return new Owner.Unavailable("postprocess-streams is " + streams.state());
        }
        KeyQueryMetadata metadata = streams.queryMetadataForKey(store, sessionId, Serdes.String().serializer());
        if (metadata == null || metadata.equals(KeyQueryMetadata.NOT_AVAILABLE)) {
            return new Owner.Unavailable("the session's partition has no owner yet");
        }
        return metadata.activeHost().equals(self) ? new Owner.Local(metadata.partition())
            : new Owner.Remote(metadata.activeHost());
    }

    /** The session's snapshot from the local store (blocking: a RocksDB read). */
    public Optional<SessionSnapshot> snapshot(String sessionId, int partition) {
        ReadOnlyKeyValueStore<String, SessionSnapshot> store = snapshots.store(StoreQueryParameters
            .fromNameAndType(PostprocessTopology.SNAPSHOT_STORE, QueryableStoreTypes.<String, SessionSnapshot>keyValueStore())
            .withPartition(partition));
        return Optional.ofNullable(store.get(sessionId));
    }

    /** The principal's usage totals from the local store, zeros when it has none (blocking: a RocksDB read). */
    public PrincipalUsage usage(String principal, int partition) {
        return perPrincipal(PostprocessTopology.PRINCIPAL_USAGE_STORE, principal, partition,
            PrincipalUsages.none(principal));
    }

    /** The principal's sessions from the local store, newest first; none when it has none (blocking). */
    public PrincipalSessions sessions(String principal, int partition) {
        return perPrincipal(PostprocessTopology.PRINCIPAL_SESSIONS_STORE, principal, partition,
            PrincipalSessionLists.none(principal));
    }

    /** A reduced per-principal value from the local store, or {@code none} (blocking: a RocksDB read). */
    private <V> V perPrincipal(String storeName, String principal, int partition, V none) {
        ReadOnlyKeyValueStore<String, ValueAndTimestamp<V>> store = snapshots.store(StoreQueryParameters
            .fromNameAndType(storeName, QueryableStoreTypes.<String, V>timestampedKeyValueStore())
            .withPartition(partition));
        ValueAndTimestamp<V> found = store.get(principal);
        return found == null ? none : found.value();
    }

    /** The {@code k} stored texts of the session most similar to {@code query}, best first (blocking: embeds). */
    public List<Hit> search(String sessionId, int partition, String query, int k) {
        float[] target = embedder.embed(query);
        ReadOnlyKeyValueStore<String, EmbeddingIndexed> store = embeddings.store(StoreQueryParameters
            .fromNameAndType(PostprocessTopology.VECTOR_STORE, QueryableStoreTypes.<String, EmbeddingIndexed>keyValueStore())
            .withPartition(partition));
        TopK<EmbeddingIndexed> best = new TopK<>(k);
        try (KeyValueIterator<String, EmbeddingIndexed> items = store.prefixScan(sessionId + "/",
                Serdes.String().serializer())) {
            items.forEachRemaining(item -> {
                if (item.value.getModel().equals(embedder.modelId())) {
                    best.offer(item.value, Vectors.cosine(target, Vectors.toArray(item.value.getVector())));
                }
            });
        }
        return best.results().stream().map(s -> new Hit(s.item(), s.score())).toList();
    }
}
