package dev.parley.kafka;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One in-process KRaft node (combined, broker-only or controller-only): formats its directory once, starts, stops. */
final class KafkaNode implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KafkaNode.class);
    private static final long READY_TIMEOUT_MS = 60_000;

    private final KafkaRaftServer server;
    private final int port;
    private final boolean broker;
    private boolean closed;

    private KafkaNode(KafkaRaftServer server, int port, boolean broker) {
        this.server = server;
        this.port = port;
        this.broker = broker;
    }

    /**
     * A broker that is its own controller: the one-machine setup. Clients connect on {@code host:port} and are told
     * to come back at {@code advertisedHost:port}; the controller listener stays on loopback.
     */
    static KafkaNode combined(Path dir, String host, String advertisedHost, int port, int controllerPort) {
        Properties props = baseProperties(1, dir, "1@localhost:" + controllerPort);
        props.put("process.roles", "broker,controller");
        props.put("listeners", "PLAINTEXT://" + host + ":" + port + ",CONTROLLER://localhost:" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://" + advertisedHost + ":" + port);
        // After a kill, the restarted broker waits for its controller to expire the dead incarnation's
        // registration (9 s by default) before it is unfenced; one node needs no slack for that.
        props.put("broker.heartbeat.interval.ms", "500");
        props.put("broker.session.timeout.ms", "1500");
        return start(props, dir, port, true, Uuid.randomUuid().toString());
    }

    /** A controller-only node for a multi-broker cluster. */
    static KafkaNode controller(Path dir, int nodeId, String voters, int controllerPort, String clusterId, Map<String, String> overrides) {
        Properties props = baseProperties(nodeId, dir, voters);
        props.put("process.roles", "controller");
        props.put("listeners", "CONTROLLER://localhost:" + controllerPort);
        props.remove("inter.broker.listener.name");
        props.putAll(overrides);
        return start(props, dir, controllerPort, false, clusterId);
    }

    /** A broker-only node for a multi-broker cluster. */
    static KafkaNode broker(Path dir, int nodeId, String voters, int port, String clusterId, Map<String, String> overrides) {
        Properties props = baseProperties(nodeId, dir, voters);
        props.put("process.roles", "broker");
        props.put("listeners", "PLAINTEXT://localhost:" + port);
        props.put("advertised.listeners", "PLAINTEXT://localhost:" + port);
        // In KRaft the controller applies topic defaults; on a broker-only node Kafka warns they are ignored.
        props.remove("num.partitions");
        props.remove("default.replication.factor");
        props.putAll(overrides);
        return start(props, dir, port, true, clusterId);
    }

    private static Properties baseProperties(int nodeId, Path dir, String voters) {
        Properties props = new Properties();
        props.put("node.id", String.valueOf(nodeId));
        props.put("controller.quorum.voters", voters);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("log.dirs", dir.resolve("log").toString());
        // One node: every internal topic must be satisfiable with a single replica (FACTS.md).
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "5");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "5");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("default.replication.factor", "1");
        props.put("min.insync.replicas", "1");
        props.put("num.partitions", "1");
        props.put("auto.create.topics.enable", "false");
        // First group assignment in ~0.1 s instead of 3 s, and a 2 MiB cleaner buffer instead of 128 MiB.
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("log.cleaner.dedupe.buffer.size", "2097152");
        props.put("unstable.api.versions.enable", "false");
        props.put("unstable.feature.versions.enable", "false");
        return props;
    }

    private static KafkaNode start(Properties props, Path dir, int port, boolean broker, String newClusterId) {
        KafkaConfig config = KafkaConfig.fromProps(props, false);
        formatOnce(dir, config, newClusterId);
        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        long started = System.nanoTime();
        try {
            server.startup();
        } catch (RuntimeException e) {
            shutdownQuietly(server);
            throw e;
        }
        KafkaNode node = new KafkaNode(server, port, broker);
        if (broker) {
            try {
                node.awaitReady();
            } catch (RuntimeException e) {
                node.close();
                throw e;
            }
        }
        log.info("Kafka node {} ({}) listening on {} in {} ms", props.get("node.id"), props.get("process.roles"),
            props.get("listeners"), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        return node;
    }

    /** Formats a new directory; a directory formatted before keeps its cluster id, so a restart keeps its data. */
    private static void formatOnce(Path dir, KafkaConfig config, String clusterId) {
        Path logDir = dir.resolve("log");
        if (Files.exists(logDir.resolve("meta.properties"))) {
            return;
        }
        try {
            new Formatter()
                .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                .setClusterId(clusterId)
                .setNodeId(config.nodeId())
                .setControllerListenerName("CONTROLLER")
                .setMetadataLogDirectory(config.metadataLogDir())
                .setDirectories(List.of(logDir.toString()))
                .setReleaseVersion(MetadataVersion.latestProduction())
                .setUnstableFeatureVersionsEnabled(false)
                .setIgnoreFormatted(true)
                .run();
        } catch (Exception e) {
            throw new IllegalStateException("cannot format Kafka storage in " + logDir, e);
        }
    }

    /** Waits until a client can see this broker in the cluster metadata. */
    private void awaitReady() {
        Map<String, Object> config = Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        long deadline = System.currentTimeMillis() + READY_TIMEOUT_MS;
        try (Admin admin = Admin.create(config)) {
            while (true) {
                try {
                    admin.describeCluster().nodes().get(10, TimeUnit.SECONDS);
                    return;
                } catch (ExecutionException | TimeoutException e) {
                    if (System.currentTimeMillis() > deadline) {
                        throw new IllegalStateException("Kafka on port " + port + " not ready after " + READY_TIMEOUT_MS + " ms", e);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for Kafka", e);
                }
            }
        }
    }

    String bootstrapServers() {
        return "localhost:" + port;
    }

    int port() {
        return port;
    }

    boolean isBroker() {
        return broker;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        shutdownQuietly(server);
        log.info("Kafka node on port {} stopped", port);
    }

    private static void shutdownQuietly(KafkaRaftServer server) {
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (RuntimeException e) {
            log.warn("Kafka shutdown failed", e);
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE; // vanished while we walked: fine
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (NoSuchFileException gone) {
            // already deleted
        } catch (IOException e) {
            log.warn("could not delete {}: {}", dir, e.toString());
        }
    }
}
