package dev.parley.schemas.topics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.TopicConfig;

/**
 * How the cluster's topics differ from what Parley expects: the topics that are missing, and one entry per topic
 * and setting that conflicts (e.g. {@code "parley.ledger.v1: partitions 3, expected 6"}).
 */
public record TopicReport(List<String> missing, List<String> conflicts) {

    public TopicReport {
        missing = List.copyOf(missing);
        conflicts = List.copyOf(conflicts);
    }

    /**
     * Compares {@code observed} (by name; absent topics are missing) with {@code specs}.
     *
     * @param exactPartitions true: each topic must have its spec's partitions; false: any count, as long as the
     *                        co-partitioned topics have the same one
     * @param replication     when present, the replication factor every topic must have, and above 1 the
     *                        {@code min.insync.replicas} it implies ({@link TopicSettings#minInsyncReplicas()})
     */
    public static TopicReport compare(Collection<? extends TopicSpec<?>> specs, Map<String, ObservedTopic> observed,
                                      boolean exactPartitions, TopicSettings replication) {
        List<String> missing = new ArrayList<>();
        List<String> conflicts = new ArrayList<>();
        ObservedTopic firstCoPartitioned = null;
        for (TopicSpec<?> spec : specs) {
            ObservedTopic topic = observed.get(spec.name());
            if (topic == null) {
                missing.add(spec.name());
                continue;
            }
            if (exactPartitions && topic.partitions() != spec.partitions()) {
                conflicts.add(spec.name() + ": partitions " + topic.partitions() + ", expected " + spec.partitions());
            } else if (!exactPartitions && spec.coPartitioned()) {
                if (firstCoPartitioned == null) {
                    firstCoPartitioned = topic;
                } else if (topic.partitions() != firstCoPartitioned.partitions()) {
                    conflicts.add(spec.name() + ": partitions " + topic.partitions() + ", expected "
                            + firstCoPartitioned.partitions() + " as " + firstCoPartitioned.name()
                            + " (co-partitioned)");
                }
            }
            cleanupAndRetention(spec, topic, conflicts);
            replication(spec, topic, replication, conflicts);
        }
        return new TopicReport(missing, conflicts);
    }

    private static void cleanupAndRetention(TopicSpec<?> spec, ObservedTopic topic, List<String> conflicts) {
        String policy = value(topic, TopicConfig.CLEANUP_POLICY_CONFIG);
        if (!policies(policy).equals(Set.of(spec.cleanupPolicy().configValue()))) {
            conflicts.add(spec.name() + ": " + TopicConfig.CLEANUP_POLICY_CONFIG + " " + policy
                    + ", expected " + spec.cleanupPolicy().configValue());
        }
        String retention = value(topic, TopicConfig.RETENTION_MS_CONFIG);
        if (spec.cleanupPolicy() == CleanupPolicy.DELETE && !sameNumber(retention, spec.retentionMs())) {
            conflicts.add(spec.name() + ": " + TopicConfig.RETENTION_MS_CONFIG + " " + retention
                    + ", expected " + spec.retentionMs());
        }
    }

    private static void replication(TopicSpec<?> spec, ObservedTopic topic, TopicSettings settings,
                                    List<String> conflicts) {
        OptionalInt expected = settings.replicationFactor();
        if (expected.isEmpty()) {
            return;
        }
        if (topic.replicationFactor() != expected.getAsInt()) {
            conflicts.add(spec.name() + ": replication factor " + topic.replicationFactor() + ", expected "
                    + expected.getAsInt());
        }
        OptionalInt minIsr = settings.minInsyncReplicas();
        String actual = value(topic, TopicSettings.MIN_INSYNC_REPLICAS);
        if (minIsr.isPresent() && !sameNumber(actual, minIsr.getAsInt())) {
            conflicts.add(spec.name() + ": " + TopicSettings.MIN_INSYNC_REPLICAS + " " + actual + ", expected "
                    + minIsr.getAsInt());
        }
    }

    /** True when every topic exists with the expected settings. */
    public boolean ok() {
        return missing.isEmpty() && conflicts.isEmpty();
    }

    /** One line naming what is missing and what conflicts, e.g. for a service that cannot start. */
    public String describe() {
        List<String> parts = new ArrayList<>();
        if (!missing.isEmpty()) {
            parts.add("missing topics " + String.join(", ", missing));
        }
        if (!conflicts.isEmpty()) {
            parts.add("topics that differ from the catalogue: " + String.join("; ", conflicts));
        }
        return parts.isEmpty() ? "every topic exists with the expected settings" : String.join("; ", parts);
    }

    private static String value(ObservedTopic topic, String name) {
        String value = topic.configs().get(name);
        return value == null ? "(unset)" : value;
    }

    private static Set<String> policies(String value) {
        return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .collect(Collectors.toSet());
    }

    private static boolean sameNumber(String value, long expected) {
        try {
            return Long.parseLong(value.trim()) == expected;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
