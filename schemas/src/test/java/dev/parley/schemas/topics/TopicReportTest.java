package dev.parley.schemas.topics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TopicReportTest {

    private static final TopicSettings ANY = TopicSettings.catalogue();

    @Test
    @DisplayName("topics as the catalogue creates them are ok; absent ones are reported missing by name")
    void missingTopicsNamed() {
        Map<String, ObservedTopic> observed = asCreated(Topics.all(), 6, 1);
        observed.remove(Topics.TOKENS.name());
        observed.remove(Topics.DLQ.name());

        TopicReport report = TopicReport.compare(Topics.all(), observed, false, ANY);

        assertEquals(List.of(Topics.TOKENS.name(), Topics.DLQ.name()), report.missing());
        assertEquals(List.of(), report.conflicts());
        assertTrue(report.describe().contains("missing topics parley.tokens.v1, parley.dlq.v1"), report.describe());
        assertTrue(TopicReport.compare(Topics.all(), asCreated(Topics.all(), 6, 1), true, ANY).ok());
    }

    @Test
    @DisplayName("without a partition setting any count is accepted, but co-partitioned topics must agree")
    void coPartitionedMustAgree() {
        Map<String, ObservedTopic> observed = asCreated(Topics.all(12), 12, 1);
        assertTrue(TopicReport.compare(Topics.all(), observed, false, ANY).ok());

        observed.put(Topics.SESSIONS.name(), topic(Topics.SESSIONS, 3, 1));
        TopicReport report = TopicReport.compare(Topics.all(), observed, false, ANY);
        assertEquals(List.of("parley.sessions.v1: partitions 3, expected 12 as parley.ledger.v1 (co-partitioned)"),
                report.conflicts());
    }

    @Test
    @DisplayName("with a partition setting each topic must have exactly that many (the DLQ keeps one)")
    void exactPartitions() {
        TopicSettings twelve = new TopicSettings(OptionalInt.of(12), OptionalInt.empty());
        TopicReport report = TopicReport.compare(twelve.apply(Topics.all()), asCreated(Topics.all(), 6, 1), true,
                twelve);
        assertEquals(Topics.all().size() - 1, report.conflicts().size(), "every topic but the DLQ: "
            + report.conflicts());
        assertEquals("parley.ledger.v1: partitions 6, expected 12", report.conflicts().get(0));
    }

    @Test
    @DisplayName("a replication setting checks every topic's replicas and min.insync.replicas")
    void replication() {
        TopicSettings three = new TopicSettings(OptionalInt.empty(), OptionalInt.of(3));
        Map<String, ObservedTopic> observed = asCreated(Topics.all(), 6, 3);
        assertTrue(TopicReport.compare(Topics.all(), observed, false, three).ok());

        observed.put(Topics.LEDGER.name(), new ObservedTopic(Topics.LEDGER.name(), 6, 1,
                Map.of("cleanup.policy", "delete", "retention.ms", "-1", "min.insync.replicas", "1")));
        assertEquals(List.of("parley.ledger.v1: replication factor 1, expected 3",
                "parley.ledger.v1: min.insync.replicas 1, expected 2"),
                TopicReport.compare(Topics.all(), observed, false, three).conflicts());
    }

    @Test
    @DisplayName("a changed cleanup policy or retention is a conflict")
    void cleanupAndRetention() {
        Map<String, ObservedTopic> observed = asCreated(Topics.all(), 6, 1);
        observed.put(Topics.TOKENS.name(), new ObservedTopic(Topics.TOKENS.name(), 6, 1,
                Map.of("cleanup.policy", "compact", "retention.ms", "1000")));
        assertEquals(List.of("parley.tokens.v1: cleanup.policy compact, expected delete",
                "parley.tokens.v1: retention.ms 1000, expected 21600000"),
                TopicReport.compare(Topics.all(), observed, true, ANY).conflicts());
    }

    /** The topics as TopicInitializer creates them from {@code specs}. */
    private static Map<String, ObservedTopic> asCreated(List<TopicSpec<?>> specs, int partitions, int replication) {
        Map<String, ObservedTopic> observed = new LinkedHashMap<>();
        for (TopicSpec<?> spec : specs) {
            observed.put(spec.name(), topic(Topics.scaled(spec, partitions), spec.partitions(), replication));
        }
        return observed;
    }

    private static ObservedTopic topic(TopicSpec<?> spec, int partitions, int replication) {
        Map<String, String> configs = new LinkedHashMap<>(spec.topicConfigs());
        new TopicSettings(OptionalInt.empty(), OptionalInt.of(replication)).minInsyncReplicas()
                .ifPresent(n -> configs.put("min.insync.replicas", Integer.toString(n)));
        return new ObservedTopic(spec.name(), partitions, replication, configs);
    }
}
