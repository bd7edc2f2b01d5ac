package dev.parley.kafka;

import dev.parley.launch.PortCheck;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The settings of Parley's own persistent broker and schema registry, shared by {@code ./parley kafka}
 * ({@link KafkaMain}) and {@code ./parley start}.
 *
 * @param dataDir        {@value #DATA_DIR}; the broker's log lives in its {@code kafka} subdirectory
 * @param bindHost       {@value #BIND_HOST}: the address the broker's client listener and the registry bind
 * @param advertisedHost {@value #ADVERTISED_HOST}: the host name clients are told to reach the broker by
 */
public record KafkaSettings(Path dataDir, String bindHost, String advertisedHost, int kafkaPort, int registryPort) {

    public static final String DATA_DIR = "PARLEY_DATA_DIR";
    public static final String BIND_HOST = "PARLEY_BIND_HOST";
    public static final String ADVERTISED_HOST = "PARLEY_KAFKA_ADVERTISED_HOST";
    public static final String KAFKA_PORT = "PARLEY_KAFKA_PORT";
    public static final String REGISTRY_PORT = "PARLEY_REGISTRY_PORT";

    /**
     * Reads the settings; every bad value is added to {@code errors} (and its default used), so a caller can name
     * them together with its own.
     */
    public static KafkaSettings read(Map<String, String> env, List<String> errors) {
        return new KafkaSettings(Path.of(string(env, DATA_DIR, "./data")), string(env, BIND_HOST, "127.0.0.1"),
            string(env, ADVERTISED_HOST, "localhost"), port(env, KAFKA_PORT, 9092, errors),
            port(env, REGISTRY_PORT, 8081, errors));
    }

    /** Reads the settings, or throws naming every bad one. */
    public static KafkaSettings fromEnvironment(Map<String, String> env) {
        List<String> errors = new ArrayList<>();
        KafkaSettings settings = read(env, errors);
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("invalid configuration: " + String.join("; ", errors));
        }
        return settings;
    }

    /** Where the broker keeps its log (and the lock that keeps a second broker out). */
    public Path kafkaDir() {
        return dataDir.resolve("kafka");
    }

    /** The ports this broker and registry listen on, with their settings, for {@link PortCheck}. */
    public List<PortCheck.Port> ports() {
        return List.of(PortCheck.port(KAFKA_PORT, kafkaPort), PortCheck.port(REGISTRY_PORT, registryPort));
    }

    /** Starts (or restarts) the broker on the data directory, then aborts what a killed run left hanging. */
    public EmbeddedKafka startKafka() {
        EmbeddedKafka kafka = EmbeddedKafka.builder().dataDir(kafkaDir()).host(bindHost).advertisedHost(advertisedHost)
            .port(kafkaPort).start();
        try {
            HangingTransactions.abortAll(kafka.bootstrapServers());
            return kafka;
        } catch (RuntimeException e) {
            kafka.close();
            throw e;
        }
    }

    private static String string(Map<String, String> env, String key, String defaultValue) {
        String value = env.get(key);
        return value == null || value.isBlank() ? defaultValue : value.trim();
    }

    private static int port(Map<String, String> env, String key, int defaultValue, List<String> errors) {
        String value = env.get(key);
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        try {
            int port = Integer.parseInt(value.trim());
            if (port >= 0 && port <= 65_535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        errors.add(key + "=" + value + " is not a whole number from 0 to 65535");
        return defaultValue;
    }
}
