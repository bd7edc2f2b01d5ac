package dev.parley.schemas.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads settings from the environment the same way in every Parley service: typed getters that collect every
 * bad value, then {@link #validate()} throws one message naming them all.
 *
 * <p>{@code PARLEY_KAFKA_<NAME>} variables pass through to every Kafka client as {@code <name>} with
 * {@code _} turned into {@code .} (as Confluent's images do), e.g. {@code PARLEY_KAFKA_SECURITY_PROTOCOL=SSL}.
 */
public final class Env {

    /** Where Kafka is; the one Kafka setting every service needs. */
    public static final String KAFKA_BOOTSTRAP = "PARLEY_KAFKA_BOOTSTRAP_SERVERS";
    /** The schema registry's URL, passed to the serdes as {@code schema.registry.url}. */
    public static final String REGISTRY_URL = "PARLEY_SCHEMA_REGISTRY_URL";
    public static final String KAFKA_PREFIX = "PARLEY_KAFKA_";
    /** The interface every listening port binds to; loopback unless an operator opens Parley to the network. */
    public static final String BIND_HOST = "PARLEY_BIND_HOST";
    public static final String DEFAULT_BIND_HOST = "127.0.0.1";
    /** Settings of Parley's own broker that share the {@code PARLEY_KAFKA_} prefix but are not client settings. */
    public static final Set<String> BROKER_SETTINGS = Set.of("PARLEY_KAFKA_PORT", "PARLEY_KAFKA_ADVERTISED_HOST");

    private final Map<String, String> env;
    private final List<String> errors = new ArrayList<>();

    public Env(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    public static Env system() {
        return new Env(System.getenv());
    }

    public String string(String key, String defaultValue) {
        String value = env.get(key);
        return value == null || value.isBlank() ? defaultValue : value.trim();
    }

    public int integer(String key, int defaultValue, int min, int max) {
        String value = env.get(key);
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        try {
            int parsed = Integer.parseInt(value.trim());
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        errors.add(key + "=" + value + " is not a whole number from " + min + " to " + max);
        return defaultValue;
    }

    public int port(String key, int defaultValue) {
        return integer(key, defaultValue, 0, 65_535);
    }

    /** A duration in milliseconds, e.g. {@code PARLEY_LLM_IDLE_TIMEOUT_MS=30000}. */
    public Duration millis(String key, Duration defaultValue) {
        return Duration.ofMillis(integer(key, (int) defaultValue.toMillis(), 0, Integer.MAX_VALUE));
    }

    /** {@value #BIND_HOST}: the address every server of this process listens on, e.g. {@code 0.0.0.0}. */
    public String bindHost() {
        return string(BIND_HOST, DEFAULT_BIND_HOST);
    }

    /** Every {@code PARLEY_KAFKA_*} variable as a Kafka client setting, plus bootstrap.servers. */
    public Map<String, Object> kafkaClientConfig(String defaultBootstrap) {
        Map<String, Object> config = new TreeMap<>();
        env.forEach((key, value) -> {
            if (key.startsWith(KAFKA_PREFIX) && !BROKER_SETTINGS.contains(key) && !value.isBlank()) {
                config.put(key.substring(KAFKA_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.'), value.trim());
            }
        });
        config.putIfAbsent("bootstrap.servers", defaultBootstrap);
        config.put("schema.registry.url", string(REGISTRY_URL, "http://localhost:8081"));
        return config;
    }

    /** Records a problem found by the caller's own checks. */
    public void error(String message) {
        errors.add(message);
    }

    /** Throws naming every bad setting read so far. */
    public void validate() {
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("invalid configuration: " + String.join("; ", errors));
        }
    }
}
