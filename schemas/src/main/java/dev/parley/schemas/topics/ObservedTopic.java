package dev.parley.schemas.topics;

import java.util.Map;

/**
 * A topic as the cluster describes it: what {@link TopicReport} compares with the catalogue.
 *
 * @param replicationFactor replicas of its most replicated partition
 * @param configs           the topic configs that matter here ({@code cleanup.policy}, {@code retention.ms},
 *                          {@code min.insync.replicas}), by Kafka name
 */
public record ObservedTopic(String name, int partitions, int replicationFactor, Map<String, String> configs) {

    public ObservedTopic {
        configs = Map.copyOf(configs);
    }
}
