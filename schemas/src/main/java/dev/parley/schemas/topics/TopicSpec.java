package dev.parley.schemas.topics;

import dev.parley.schemas.serde.AvroSerde;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * One topic of the catalogue: name, partitions, cleanup, retention, and its records' serdes.
 *
 * @param retentionMs   {@code retention.ms} of a delete topic, {@link #FOREVER} for no limit;
 *                      compacted topics keep the latest value per key and do not set it
 * @param coPartitioned must have as many partitions as the other co-partitioned topics
 */
public record TopicSpec<V extends SpecificRecord>(String name, Class<V> valueClass, int partitions,
                                                  CleanupPolicy cleanupPolicy, long retentionMs,
                                                  boolean coPartitioned) {

    /** {@code retention.ms=-1}: keep records forever. */
    public static final long FOREVER = -1L;

    /** Kafka's default segment.ms: retention can only delete closed segments. */
    private static final long DEFAULT_SEGMENT_MS = Duration.ofDays(7).toMillis();

    public TopicSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(valueClass, "valueClass");
        Objects.requireNonNull(cleanupPolicy, "cleanupPolicy");
        if (name.isBlank()) {
            throw new IllegalArgumentException("topic name is blank");
        }
        if (partitions < 1) {
            throw new IllegalArgumentException(name + ": partitions must be at least 1, got " + partitions);
        }
        if (retentionMs < FOREVER || retentionMs == 0) {
            throw new IllegalArgumentException(name + ": retention.ms must be positive or -1 (forever), got "
                    + retentionMs);
        }
        if (cleanupPolicy == CleanupPolicy.COMPACT && retentionMs != FOREVER) {
            throw new IllegalArgumentException(name + ": a compacted topic keeps the latest value per key forever");
        }
    }

    /** A topic whose old segments are deleted after {@code retentionMs} ({@link #FOREVER} for never). */
    public static <V extends SpecificRecord> TopicSpec<V> deleting(String name, Class<V> valueClass, int partitions,
                                                                   long retentionMs, boolean coPartitioned) {
        return new TopicSpec<>(name, valueClass, partitions, CleanupPolicy.DELETE, retentionMs, coPartitioned);
    }

    /** A compacted topic: the latest value per key is kept. */
    public static <V extends SpecificRecord> TopicSpec<V> compacted(String name, Class<V> valueClass, int partitions,
                                                                    boolean coPartitioned) {
        return new TopicSpec<>(name, valueClass, partitions, CleanupPolicy.COMPACT, FOREVER, coPartitioned);
    }

    /** The same topic with another partition count, e.g. for a bigger deployment. */
    public TopicSpec<V> withPartitions(int partitions) {
        return new TopicSpec<>(name, valueClass, partitions, cleanupPolicy, retentionMs, coPartitioned);
    }

    /** The same settings under another name, e.g. a per-test prefix. */
    public TopicSpec<V> withName(String name) {
        return new TopicSpec<>(name, valueClass, partitions, cleanupPolicy, retentionMs, coPartitioned);
    }

    /** Keys are session ids (or commitment ids): plain UTF-8 strings. */
    public Serde<String> keySerde() {
        return Serdes.String();
    }

    /** The value serde, configured from a Kafka client config map ({@code schema.registry.url}, ...). */
    public AvroSerde<V> valueSerde(Map<String, ?> clientConfig) {
        return AvroSerde.forClass(valueClass, clientConfig, false);
    }

    /** The topic configs to create the topic with. */
    public Map<String, String> topicConfigs() {
        Map<String, String> configs = new LinkedHashMap<>();
        configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, cleanupPolicy.configValue());
        if (cleanupPolicy == CleanupPolicy.DELETE) {
            configs.put(TopicConfig.RETENTION_MS_CONFIG, Long.toString(retentionMs));
            if (retentionMs != FOREVER && retentionMs < DEFAULT_SEGMENT_MS) {
                // retention deletes whole closed segments: roll them often enough for a short retention to bite
                configs.put(TopicConfig.SEGMENT_MS_CONFIG, Long.toString(Math.max(retentionMs / 6, 60_000L)));
            }
        }
        return configs;
    }
}
