package dev.parley.schemas.topics;

import dev.parley.schemas.config.Env;
import java.util.Collection;
import java.util.List;
import java.util.OptionalInt;

/**
 * What a deployment asks of its topics beyond the catalogue: how many partitions ({@value #PARTITIONS}) and
 * replicas ({@value #REPLICATION}). Unset, topics are created with the catalogue's partitions and the broker's
 * default replication, and existing topics are accepted with any partition count (co-partitioned ones still equal)
 * and any replication.
 *
 * @param partitions        partitions of every topic but the single-partition DLQ, when set
 * @param replicationFactor replicas of every partition, when set; above 1 it also sets {@code min.insync.replicas}
 */
public record TopicSettings(OptionalInt partitions, OptionalInt replicationFactor) {

    public static final String PARTITIONS = "PARLEY_TOPIC_PARTITIONS";
    public static final String REPLICATION = "PARLEY_TOPIC_REPLICATION";
    /** {@code min.insync.replicas}: Kafka's own topic config name. */
    public static final String MIN_INSYNC_REPLICAS = "min.insync.replicas";

    public TopicSettings {
        if (partitions.isPresent() && partitions.getAsInt() < 1) {
            throw new IllegalArgumentException("partitions must be at least 1: " + partitions.getAsInt());
        }
        if (replicationFactor.isPresent() && (replicationFactor.getAsInt() < 1
                || replicationFactor.getAsInt() > Short.MAX_VALUE)) {
            throw new IllegalArgumentException("replication factor out of range: " + replicationFactor.getAsInt());
        }
    }

    /** Nothing asked beyond the catalogue. */
    public static TopicSettings catalogue() {
        return new TopicSettings(OptionalInt.empty(), OptionalInt.empty());
    }

    /** Reads both settings; a bad value joins {@code env}'s errors (the caller validates). */
    public static TopicSettings fromEnvironment(Env env) {
        return new TopicSettings(optional(env, PARTITIONS, 10_000), optional(env, REPLICATION, Short.MAX_VALUE));
    }

    private static OptionalInt optional(Env env, String key, int max) {
        int value = env.integer(key, 0, 1, max);
        return value == 0 ? OptionalInt.empty() : OptionalInt.of(value);
    }

    /** {@code specs} with this deployment's partition count, when set (the DLQ keeps its single partition). */
    public List<TopicSpec<?>> apply(Collection<? extends TopicSpec<?>> specs) {
        return specs.stream().<TopicSpec<?>>map(s -> partitions.isPresent() ? Topics.scaled(s, partitions.getAsInt()) : s)
                .toList();
    }

    /**
     * The {@code min.insync.replicas} topics get with more than one replica: half of them rounded up (1 of 2, 2 of
     * 3, 3 of 5), so with 3 replicas an acknowledged write ({@code acks=all}) is on two brokers and writes go on
     * while one broker is down.
     */
    public OptionalInt minInsyncReplicas() {
        if (replicationFactor.isEmpty() || replicationFactor.getAsInt() < 2) {
            return OptionalInt.empty();
        }
        return OptionalInt.of((replicationFactor.getAsInt() + 1) / 2);
    }
}
