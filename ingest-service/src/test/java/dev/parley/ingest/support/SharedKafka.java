package dev.parley.ingest.support;

import dev.parley.ingest.IngestConfig;
import dev.parley.ingest.auth.AuthConfig;
import dev.parley.kafka.EmbeddedKafka;
import dev.parley.kafka.registry.SchemaRegistry;
import dev.parley.schemas.config.Env;
import dev.parley.schemas.topics.TopicInitializer;
import dev.parley.schemas.topics.Topics;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One broker + registry with every catalogue topic for all the ITs of a test run: tests keep
 * apart by using their own sessions. Test classes declare {@code @ExtendWith(SharedKafka.Extension.class)};
 * JUnit closes it when the run ends (not a shutdown hook, which would race the broker's own cleanup).
 */
public final class SharedKafka implements AutoCloseable {

    private static volatile SharedKafka instance;

    /** Starts the shared broker once per run and lets JUnit's root store close it at the end. */
    public static final class Extension implements BeforeAllCallback {
        @Override
        public void beforeAll(ExtensionContext context) {
            instance = context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                    .getOrComputeIfAbsent(SharedKafka.class, key -> SharedKafka.start(), SharedKafka.class);
        }
    }

    private final EmbeddedKafka kafka;
    private final SchemaRegistry registry;

    private SharedKafka(EmbeddedKafka kafka, SchemaRegistry registry) {
        this.kafka = kafka;
        this.registry = registry;
    }

    /** The running instance; the test class must use {@link Extension}. */
    public static SharedKafka get() {
        if (instance == null) {
            throw new IllegalStateException("annotate the test class with @ExtendWith(SharedKafka.Extension.class)");
        }
        return instance;
    }

    private static SharedKafka start() {
        EmbeddedKafka kafka = EmbeddedKafka.ephemeral();
        TopicInitializer.ensure(Map.of("bootstrap.servers", kafka.bootstrapServers()), Topics.all());
        return new SharedKafka(kafka, SchemaRegistry.start(kafka.bootstrapServers(), 0));
    }

    @Override
    public void close() {
        registry.close();
        kafka.close();
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    public String registryUrl() {
        return registry.url();
    }

    /** Kafka client settings as the services get them: bootstrap servers and the registry URL. */
    public Map<String, Object> clientConfig() {
        return Map.of("bootstrap.servers", bootstrapServers(), "schema.registry.url", registryUrl());
    }

    /**
     * The gateway's config from an environment pointing at this broker, on a free port, without authentication
     * unless {@code env} sets {@code PARLEY_AUTH}, plus {@code env}.
     */
    public IngestConfig ingestConfig(Map<String, String> env) {
        return ingestConfig(bootstrapServers(), registryUrl(), env);
    }

    public static IngestConfig ingestConfig(String bootstrap, String registryUrl, Map<String, String> env) {
        Map<String, String> all = new HashMap<>();
        all.put(Env.KAFKA_BOOTSTRAP, bootstrap);
        all.put(Env.REGISTRY_URL, registryUrl);
        all.put(IngestConfig.HTTP_PORT, "0");
        // the gateway ITs but the auth ones run without authentication (on loopback), as ./parley start does
        all.put(AuthConfig.MODE, "none");
        all.putAll(env);
        return IngestConfig.fromEnvironment(new Env(all));
    }
}
