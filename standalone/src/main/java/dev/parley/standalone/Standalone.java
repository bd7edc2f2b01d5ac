package dev.parley.standalone;

import dev.parley.kafka.EmbeddedKafka;
import dev.parley.kafka.registry.SchemaRegistry;
import dev.parley.schemas.topics.TopicInitializer;
import dev.parley.schemas.topics.Topics;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Everything Parley needs on one machine, in one process: a persistent broker, the registry and the topics. */
public final class Standalone implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Standalone.class);

    private final EmbeddedKafka kafka;
    private final SchemaRegistry registry;

    private Standalone(EmbeddedKafka kafka, SchemaRegistry registry) {
        this.kafka = kafka;
        this.registry = registry;
    }

    /** Starts in dependency order; anything started before a failure is stopped again. */
    public static Standalone start(StandaloneConfig config) {
        EmbeddedKafka kafka = EmbeddedKafka.persistent(config.dataDir().resolve("kafka"), config.kafkaPort());
        try {
            TopicInitializer.ensure(Map.of("bootstrap.servers", kafka.bootstrapServers()), Topics.all());
            SchemaRegistry registry = SchemaRegistry.start(kafka.bootstrapServers(), config.registryPort());
            log.info("Parley standalone: Kafka at {}, schema registry at {}, data in {}",
                kafka.bootstrapServers(), registry.url(), config.dataDir().toAbsolutePath());
            return new Standalone(kafka, registry);
        } catch (RuntimeException e) {
            kafka.close();
            throw e;
        }
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    public String registryUrl() {
        return registry.url();
    }

    /** Stops in reverse start order. */
    @Override
    public void close() {
        registry.close();
        kafka.close();
    }
}
