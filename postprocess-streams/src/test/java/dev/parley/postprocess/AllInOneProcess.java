package dev.parley.postprocess;

import dev.parley.kafka.EmbeddedKafka;
import dev.parley.kafka.registry.SchemaRegistry;
import dev.parley.schemas.config.Env;
import dev.parley.schemas.topics.TopicInitializer;
import dev.parley.schemas.topics.Topics;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The parts of {@code ./parley start} that postprocess-streams' recovery depends on, in one JVM: a persistent
 * broker, the schema registry and postprocess-streams, so that killing this process kills all three, as a SIGKILL
 * of the all-in-one process does. Run by {@link UncleanRestartIT} as a child process; it runs until killed.
 */
final class AllInOneProcess implements AutoCloseable {

    final EmbeddedKafka kafka;
    final SchemaRegistry registry;

    private AllInOneProcess(EmbeddedKafka kafka, SchemaRegistry registry) {
        this.kafka = kafka;
        this.registry = registry;
    }

    /**
     * Starts (or restarts) the broker on {@code kafkaDir} and the registry, then makes sure the topics exist: once
     * they do, everything is up.
     */
    static AllInOneProcess infrastructure(Path kafkaDir, int kafkaPort, int registryPort, int partitions) {
        EmbeddedKafka kafka = EmbeddedKafka.persistent(kafkaDir, kafkaPort);
        SchemaRegistry registry = SchemaRegistry.start(kafka.bootstrapServers(), registryPort);
        TopicInitializer.ensure(Map.of("bootstrap.servers", kafka.bootstrapServers()), Topics.all(partitions));
        return new AllInOneProcess(kafka, registry);
    }

    /** Arguments: the broker's data directory, its port, the registry's port, the partitions; the rest from env. */
    public static void main(String[] args) throws InterruptedException {
        infrastructure(Path.of(args[0]), Integer.parseInt(args[1]), Integer.parseInt(args[2]),
            Integer.parseInt(args[3]));
        PostprocessApp.start(Vertx.vertx(), PostprocessConfig.fromEnvironment(Env.system()));
        new CountDownLatch(1).await();
    }

    @Override
    public void close() {
        registry.close();
        kafka.close();
    }
}
