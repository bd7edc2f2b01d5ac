package dev.parley.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
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
    /** The running broker of each slot, null while {@link #stopBroker stopped}. */
    private final KafkaNode[] brokers;
    private final int[] ports;
    private final String voters;
    private final String clusterId;
    private final Map<String, String> brokerConfig;

    private EmbeddedKafkaCluster(Path dir, KafkaNode controller, List<KafkaNode> brokers, String voters,
                                 String clusterId, Map<String, String> brokerConfig) {
        this.dir = dir;
        this.controller = controller;
        this.brokers = brokers.toArray(new KafkaNode[0]);
        this.ports = brokers.stream().mapToInt(KafkaNode::port).toArray();
        this.voters = voters;
        this.clusterId = clusterId;
        this.brokerConfig = brokerConfig;
    }

    /** Starts {@code brokerCount} brokers with replication defaults of min(3, brokers) replicas and min.insync 2. */
    public static EmbeddedKafkaCluster start(int brokerCount) {
        return start(brokerCount, Map.of());
    }

    /**
     * As {@link #start(int)}, with {@code brokerOverrides} applied to every broker's config last (e.g. a lower
     * {@code group.min.session.timeout.ms} for fail-over tests).
     */
    public static EmbeddedKafkaCluster start(int brokerCount, Map<String, String> brokerOverrides) {
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
        Map<String, String> replication = new HashMap<>(Map.of(
            "offsets.topic.replication.factor", replicas,
            "transaction.state.log.replication.factor", replicas,
            "transaction.state.log.min.isr", minIsr,
            "min.insync.replicas", minIsr));
        replication.putAll(brokerOverrides);
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
            return new EmbeddedKafkaCluster(dir, controller, List.copyOf(brokers), voters, clusterId,
                Map.copyOf(replication));
        } catch (RuntimeException e) {
            brokers.forEach(KafkaNode::close);
            if (controller != null) {
                controller.close();
            }
            KafkaNode.deleteRecursively(dir);
            throw e;
        }
    }

    /** Every broker, running or stopped, comma-separated, for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return java.util.Arrays.stream(ports).mapToObj(port -> "localhost:" + port).collect(Collectors.joining(","));
    }

    /** How many broker slots the cluster has; {@link #stopBroker} and {@link #startBroker} take 0 to count-1. */
    public int brokerCount() {
        return ports.length;
    }

    /** Shuts broker {@code index} down (a controlled shutdown: leadership moves first); its data stays. */
    public synchronized void stopBroker(int index) {
        if (brokers[index] != null) {
            brokers[index].close();
            brokers[index] = null;
        }
    }

    /** Starts broker {@code index} again on its port and its data directory; waits until clients can see it. */
    public synchronized void startBroker(int index) {
        if (brokers[index] == null) {
            brokers[index] = KafkaNode.broker(dir.resolve("broker-" + (index + 1)), index + 1, voters, ports[index],
                clusterId, brokerConfig);
        }
    }

    @Override
    public synchronized void close() {
        for (KafkaNode broker : brokers) {
            if (broker != null) {
                broker.close();
            }
        }
        controller.close();
        KafkaNode.deleteRecursively(dir);
    }
}
