package dev.parley.kafka;

import dev.parley.launch.DirectoryLock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node KRaft Kafka broker (combined broker + controller) running inside this JVM, so it can
 * never outlive the process that started it.
 *
 * <p>{@link #ephemeral()} gives a throw-away broker on random ports for tests; {@link #persistent(Path, int)}
 * keeps its log under a data directory, so a restart on the same directory keeps every record.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);
    private static final int START_ATTEMPTS = 3;

    private final KafkaNode node;
    private final Path dataDir;
    private final boolean deleteOnClose;
    private final Thread cleanupHook;
    private final DirectoryLock lock;

    private EmbeddedKafka(KafkaNode node, Path dataDir, boolean deleteOnClose, DirectoryLock lock) {
        this.node = node;
        this.lock = lock;
        this.dataDir = dataDir;
        this.deleteOnClose = deleteOnClose;
        // Ephemeral data must not pile up in /tmp when a test JVM exits without closing us.
        this.cleanupHook = deleteOnClose ? new Thread(() -> KafkaNode.deleteRecursively(dataDir), "embedded-kafka-cleanup") : null;
        if (cleanupHook != null) {
            Runtime.getRuntime().addShutdownHook(cleanupHook);
        }
    }

    /** Starts a broker on random free ports with its data in a temporary directory deleted on close. */
    public static EmbeddedKafka ephemeral() {
        return builder().start();
    }

    /** Starts (or restarts) a broker that keeps its log under {@code dataDir} and listens on {@code port}. */
    public static EmbeddedKafka persistent(Path dataDir, int port) {
        return builder().dataDir(dataDir).port(port).start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The {@code bootstrap.servers} value for clients, e.g. {@code localhost:43521}. */
    public String bootstrapServers() {
        return node.bootstrapServers();
    }

    public int port() {
        return node.port();
    }

    public Path dataDir() {
        return dataDir;
    }

    @Override
    public void close() {
        node.close();
        closeQuietly(lock);
        if (deleteOnClose) {
            KafkaNode.deleteRecursively(dataDir);
            try {
                Runtime.getRuntime().removeShutdownHook(cleanupHook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is already running or the JVM is exiting: nothing left to unregister
            }
        }
    }

    private static void closeQuietly(DirectoryLock lock) {
        if (lock != null) {
            lock.close();
        }
    }

    /** Options for a single-node broker; every unset option has a sensible default. */
    public static final class Builder {
        private Path dataDir;
        private int port;
        private String host = "localhost";
        private String advertisedHost = "localhost";

        /** Keeps the log under this directory (formatted on first use). Default: a temp dir deleted on close. */
        public Builder dataDir(Path dataDir) {
            this.dataDir = dataDir;
            return this;
        }

        /** The client port; 0 (the default) picks a free one. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** The address the client listener binds, e.g. {@code 0.0.0.0} for every interface. Default: localhost. */
        public Builder host(String host) {
            this.host = host;
            return this;
        }

        /** The host name clients are told to connect to (Kafka's advertised listener). Default: localhost. */
        public Builder advertisedHost(String advertisedHost) {
            this.advertisedHost = advertisedHost;
            return this;
        }

        public EmbeddedKafka start() {
            boolean ephemeral = dataDir == null;
            Path dir;
            try {
                dir = ephemeral ? Files.createTempDirectory("parley-kafka-") : Files.createDirectories(dataDir);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the Kafka data directory", e);
            }
            // Taken before Kafka touches the directory. Kafka's own lock comes too late: a second broker on the same
            // directory recovers (truncates) the metadata log first, which kills the broker already running there.
            DirectoryLock lock = ephemeral ? null : DirectoryLock.take(dir, "another Parley is using the data "
                + "directory " + dir.toAbsolutePath() + " (is ./parley start or ./parley kafka already running?); "
                + "stop it or choose another PARLEY_DATA_DIR");
            RuntimeException last = null;
            // A free port found by probing can be taken by someone else before the broker binds it: retry.
            for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
                int clientPort = port != 0 ? port : KafkaNode.freePort();
                int quorumPort = KafkaNode.freePort();
                try {
                    KafkaNode node = KafkaNode.combined(dir, host, advertisedHost, clientPort, quorumPort);
                    return new EmbeddedKafka(node, dir, ephemeral, lock);
                } catch (RuntimeException e) {
                    last = e;
                    log.warn("Kafka start attempt {} on ports {}/{} failed: {}", attempt, clientPort, quorumPort, e.toString());
                }
            }
            if (ephemeral) {
                KafkaNode.deleteRecursively(dir);
            }
            closeQuietly(lock);
            throw new IllegalStateException("Kafka did not start in " + dir, last);
        }
    }
}
