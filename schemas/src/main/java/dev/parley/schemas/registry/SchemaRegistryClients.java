package dev.parley.schemas.registry;

import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds the registry client a Kafka client config asks for: cached REST, or in-memory for {@code mock://}. */
public final class SchemaRegistryClients {

    private static final Logger log = LoggerFactory.getLogger(SchemaRegistryClients.class);

    private SchemaRegistryClients() {
    }

    /**
     * The client for {@code schema.registry.url} and the auth keys in {@code config}, caching.
     *
     * @throws org.apache.kafka.common.config.ConfigException when the settings are missing or invalid
     */
    public static SchemaRegistryClient fromConfig(Map<String, ?> config) {
        SchemaRegistryConfig registryConfig = SchemaRegistryConfig.from(config);
        if (registryConfig.isMock()) {
            log.debug("Using the in-memory schema registry of scope {}", registryConfig.mockScope());
            return CachingSchemaRegistryClient.of(InMemorySchemaRegistryClient.forScope(registryConfig.mockScope()));
        }
        log.debug("Using the schema registry at {}", registryConfig);
        return new CachingSchemaRegistryClient(new RestSchemaRegistryClient(registryConfig));
    }
}
