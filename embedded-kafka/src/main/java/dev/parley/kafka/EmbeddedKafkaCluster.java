package dev.parley.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.common.Uuid;

/**
 * A multi-broker KRaft cluster in this JVM for tests that need replication: N broker-only nodes and one
 * separate controller (three combined nodes hit a fatal Raft error in Kafka 4.3.1, see FACTS.md).
 */
public final class EmbeddedKafkaCluster implements AutoCloseable {

    private static final int CONTROLLER_ID = 1000;

    private final Path dir;
    private final KafkaNode controller;
    private final List<KafkaNode> brokers;

    private EmbeddedKafkaCluster(Path dir, KafkaNode controller, List<KafkaNode> brokers) {
        this.dir = dir;
        this.controller = controller;
        this.brokers = brokers;
    }

    /** Starts {@code brokerCount} brokers with replication defaults of min(3, brokers) replicas and min.insync 2. */
    public static EmbeddedKafkaCluster start(int brokerCount) {
        if (brokerCount < 1) {
            throw new IllegalArgumentException("brokerCount must be at least 1, was " + brokerCount);
        }
        Path dir;
        try {
            dir = Files.createTempDirectory("parley-kafka-cluster-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the cluster directory", e);
        }
        String replicas = String.valueOf(Math.min(3, brokerCount));
        String minIsr = String.valueOf(Math.min(2, brokerCount));
        Map<String, String> replication = Map.of(
            "offsets.topic.replication.factor", replicas,
            "transaction.state.log.replication.factor", replicas,
            "transaction.state.log.min.isr", minIsr,
            "min.insync.replicas", minIsr);
        String clusterId = Uuid.randomUuid().toString();
        int controllerPort = KafkaNode.freePort();
        String voters = CONTROLLER_ID + "@localhost:" + controllerPort;
        KafkaNode controller = null;
        List<KafkaNode> brokers = new ArrayList<>();
        try {
            controller = KafkaNode.controller(dir.resolve("controller"), CONTROLLER_ID, voters, controllerPort, clusterId,
                Map.of("default.replication.factor", replicas));
            for (int id = 1; id <= brokerCount; id++) {
                brokers.add(KafkaNode.broker(dir.resolve("broker-" + id), id, voters, KafkaNode.freePort(), clusterId, replication));
            }
            return new EmbeddedKafkaCluster(dir, controller, List.copyOf(brokers));
        } catch (RuntimeException e) {
            brokers.forEach(KafkaNode::close);
            if (controller != null) {
                controller.close();
            }
            KafkaNode.deleteRecursively(dir);
            throw e;
        }
    }

    /** Every broker, comma-separated, for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return brokers.stream().map(KafkaNode::bootstrapServers).collect(Collectors.joining(","));
    }

    @Override
    public void close() {
        brokers.forEach(KafkaNode::close);
        controller.close();
        KafkaNode.deleteRecursively(dir);
    }
}
