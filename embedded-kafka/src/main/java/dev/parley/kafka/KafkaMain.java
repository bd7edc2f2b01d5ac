package dev.parley.kafka;

import dev.parley.kafka.registry.SchemaRegistry;
import dev.parley.launch.Launcher;
import dev.parley.launch.PortCheck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs Parley's persistent single-node Kafka broker and its schema registry, and nothing else: the infrastructure of
 * a local cluster whose services run as processes of their own.
 *
 * <p>How to run:
 * <ol>
 *   <li>{@code ./parley kafka} (PARLEY_DATA_DIR, PARLEY_KAFKA_PORT, PARLEY_REGISTRY_PORT, PARLEY_BIND_HOST,
 *       PARLEY_KAFKA_ADVERTISED_HOST). The log lives in {@code $PARLEY_DATA_DIR/kafka}, the same place
 *       {@code ./parley start} keeps it, and is locked while it runs.</li>
 *   <li>{@code ./parley topics}, then the services: {@code ./parley worker}, {@code ./parley gateway},
 *       {@code ./parley postprocess}.</li>
 *   <li>Ctrl-C stops the registry, then the broker.</li>
 * </ol>
 */
public final class KafkaMain {

    private static final Logger log = LoggerFactory.getLogger(KafkaMain.class);

    private KafkaMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        Launcher.run("Kafka", () -> {
            KafkaSettings settings = KafkaSettings.fromEnvironment(System.getenv());
            PortCheck.requireFree(settings.bindHost(), settings.ports());
            EmbeddedKafka kafka = settings.startKafka();
            SchemaRegistry registry;
            try {
                registry = SchemaRegistry.start(kafka.bootstrapServers(), settings.bindHost(), settings.registryPort(),
                    SchemaRegistry.SCHEMAS_TOPIC);
            } catch (RuntimeException e) {
                kafka.close();
                throw e;
            }
            log.info("Kafka is running: bootstrap servers {}:{} (listening on {}), schema registry {}, data in {}",
                settings.advertisedHost(), kafka.port(), settings.bindHost(), registry.url(),
                settings.kafkaDir().toAbsolutePath().normalize());
            return () -> {
                registry.close();
                kafka.close();
            };
        });
    }
}
