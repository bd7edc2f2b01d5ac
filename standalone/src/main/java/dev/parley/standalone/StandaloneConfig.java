package dev.parley.standalone;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The standalone run's settings, read once from the environment and validated as a whole. */
public record StandaloneConfig(Path dataDir, int kafkaPort, int registryPort) {

    public static final String DATA_DIR = "PARLEY_DATA_DIR";
    public static final String KAFKA_PORT = "PARLEY_KAFKA_PORT";
    public static final String REGISTRY_PORT = "PARLEY_REGISTRY_PORT";

    /** Reads the settings; throws naming every bad one at once, so a user fixes them in one go. */
    public static StandaloneConfig fromEnvironment(Map<String, String> env) {
        List<String> errors = new ArrayList<>();
        Path dataDir = Path.of(env.getOrDefault(DATA_DIR, "./data"));
        int kafkaPort = port(env, KAFKA_PORT, 9092, errors);
        int registryPort = port(env, REGISTRY_PORT, 8081, errors);
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("invalid configuration: " + String.join("; ", errors));
        }
        return new StandaloneConfig(dataDir, kafkaPort, registryPort);
    }

    private static int port(Map<String, String> env, String key, int defaultPort, List<String> errors) {
        String value = env.get(key);
        if (value == null || value.isBlank()) {
            return defaultPort;
        }
        try {
            int port = Integer.parseInt(value.trim());
            if (port >= 0 && port <= 65_535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        errors.add(key + "=" + value + " is not a port (0-65535)");
        return defaultPort;
    }
}
