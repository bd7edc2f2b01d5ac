package dev.parley.schemas.topics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.schemas.config.Env;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TopicSettingsTest {

    @Test
    @DisplayName("unset, nothing is asked beyond the catalogue")
    void unset() {
        Env env = new Env(Map.of());
        TopicSettings settings = TopicSettings.fromEnvironment(env);
        env.validate();
        assertEquals(TopicSettings.catalogue(), settings);
        assertEquals(Topics.all(), settings.apply(Topics.all()));
        assertTrue(settings.minInsyncReplicas().isEmpty());
    }

    @Test
    @DisplayName("PARLEY_TOPIC_PARTITIONS scales every topic but the DLQ; PARLEY_TOPIC_REPLICATION sets min.insync.replicas")
    void partitionsAndReplication() {
        Env env = new Env(Map.of("PARLEY_TOPIC_PARTITIONS", "12", "PARLEY_TOPIC_REPLICATION", "3"));
        TopicSettings settings = TopicSettings.fromEnvironment(env);
        env.validate();
        assertEquals(Topics.all(12), settings.apply(Topics.all()));
        assertEquals(OptionalInt.of(2), settings.minInsyncReplicas());
    }

    @Test
    @DisplayName("min.insync.replicas is half the replicas rounded up, and only above one replica")
    void minInsync() {
        assertEquals(OptionalInt.empty(), replicas(1).minInsyncReplicas());
        assertEquals(OptionalInt.of(1), replicas(2).minInsyncReplicas());
        assertEquals(OptionalInt.of(2), replicas(3).minInsyncReplicas());
        assertEquals(OptionalInt.of(3), replicas(5).minInsyncReplicas());
    }

    @Test
    @DisplayName("bad values are named together")
    void badValues() {
        Env env = new Env(Map.of("PARLEY_TOPIC_PARTITIONS", "0", "PARLEY_TOPIC_REPLICATION", "three"));
        TopicSettings.fromEnvironment(env);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, env::validate);
        assertTrue(e.getMessage().contains("PARLEY_TOPIC_PARTITIONS=0"), e.getMessage());
        assertTrue(e.getMessage().contains("PARLEY_TOPIC_REPLICATION=three"), e.getMessage());
    }

    private static TopicSettings replicas(int n) {
        return new TopicSettings(OptionalInt.empty(), OptionalInt.of(n));
    }
}
