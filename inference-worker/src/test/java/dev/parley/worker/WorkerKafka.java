package dev.parley.worker;

import dev.parley.kafka.EmbeddedKafka;
import dev.parley.kafka.registry.SchemaRegistry;
import dev.parley.schemas.topics.TopicInitializer;
import dev.parley.schemas.topics.Topics;
import java.util.Map;

/** What a worker IT runs against: an ephemeral broker, a schema registry and every topic, closed together. */
final class WorkerKafka implements AutoCloseable {

    private final EmbeddedKafka kafka;
    private final SchemaRegistry registry;

    private WorkerKafka(EmbeddedKafka kafka, SchemaRegistry registry) {
        this.kafka = kafka;
        this.registry = registry;
    }

    /** Starts them and creates every topic with {@code partitions} partitions. */
    static WorkerKafka start(int partitions) {
        EmbeddedKafka kafka = EmbeddedKafka.ephemeral();
        SchemaRegistry registry = SchemaRegistry.start(kafka.bootstrapServers(), 0);
        TopicInitializer.ensure(Map.of("bootstrap.servers", kafka.bootstrapServers()), Topics.all(partitions));
        return new WorkerKafka(kafka, registry);
    }

    /** The client settings: bootstrap servers and the registry's URL. */
    Map<String, Object> clients() {
        return Map.of("bootstrap.servers", kafka.bootstrapServers(), "schema.registry.url", registry.url());
    }

    String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    String registryUrl() {
        return registry.url();
    }

    @Override
    public void close() {
        registry.close();
        kafka.close();
    }
}
