package dev.parley.worker;

import dev.parley.schemas.config.Env;
import dev.parley.worker.catalogue.Catalogue;
import dev.parley.worker.catalogue.CatalogueLoader;
import dev.parley.worker.simulator.LlmSimulator;
import dev.parley.worker.simulator.SimulatorConfig;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/**
 * A worker on a real broker ({@link WorkerKafka}) answering through one simulator over real HTTP, with its backend
 * catalogue from YAML and a {@link KafkaProbe}: the setup of the worker ITs that need one simulated backend.
 */
final class SimulatedWorker implements AutoCloseable {

    final WorkerKafka kafka;
    final Vertx vertx;
    final LlmSimulator simulator;
    final InferenceWorker worker;
    final KafkaProbe probe;

    /**
     * @param catalogueYaml the catalogue, {@code %1$s} (or the first {@code %s}) where the simulator's OpenAI base URL
     *                      goes, {@code %2$s} its root URL (Ollama, Anthropic); its backend {@code backend} is the
     *                      worker's default backend
     */
    SimulatedWorker(int partitions, SimulatorConfig simulatorConfig, String catalogueYaml, String backend,
                    int contextBudgetChars, String systemPrompt) {
        kafka = WorkerKafka.start(partitions);
        vertx = Vertx.vertx();
        simulator = LlmSimulator.start(vertx, 0, simulatorConfig);
        Catalogue catalogue = catalogue(catalogueYaml.formatted(simulator.baseUrl(), simulator.rootUrl()));
        WorkerConfig config = new WorkerConfig("it-" + UUID.randomUUID(), "workers-" + UUID.randomUUID(),
            kafka.clients(), catalogue.backends().get(backend), 64, contextBudgetChars, Duration.ZERO, systemPrompt)
            .withCatalogue(catalogue).withMetricsPort(0);
        worker = InferenceWorker.start(vertx, config);
        probe = new KafkaProbe(kafka.clients());
    }

    /** A catalogue from YAML, as {@code PARLEY_BACKENDS_FILE} would give it. */
    static Catalogue catalogue(String yaml) {
        try {
            Path file = Files.createTempFile("backends", ".yaml");
            Files.writeString(file, yaml);
            return CatalogueLoader.load(new Env(Map.of("PARLEY_BACKENDS_FILE", file.toString())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        probe.close();
        worker.close();
        simulator.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
        kafka.close();
    }
}
