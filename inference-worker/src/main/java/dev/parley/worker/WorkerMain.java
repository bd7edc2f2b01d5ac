package dev.parley.worker;

import dev.parley.launch.Launcher;
import dev.parley.launch.PortCheck;
import dev.parley.schemas.config.Env;
import dev.parley.schemas.topics.TopicInitializer;
import dev.parley.schemas.topics.TopicSettings;
import dev.parley.schemas.topics.TopicSpec;
import dev.parley.schemas.topics.Topics;
import io.vertx.core.Vertx;
import java.util.List;

/**
 * Runs an inference worker on its own (the standalone run starts one for you). It checks at start that its topics
 * exist, and exits 1 naming the missing ones rather than creating them.
 *
 * <p>How to run:
 * <ol>
 *   <li>Start Kafka, the schema registry and the topics, e.g. {@code ./parley kafka} and {@code ./parley topics},
 *       or point at yours with PARLEY_KAFKA_BOOTSTRAP_SERVERS and PARLEY_SCHEMA_REGISTRY_URL.</li>
 *   <li>Give it its backends: a catalogue in PARLEY_BACKENDS_FILE (see docs/backends.example.yaml), or one
 *       OpenAI-compatible server in PARLEY_LLM_URL (e.g. http://localhost:11434/v1 for Ollama),
 *       PARLEY_LLM_MODEL, PARLEY_LLM_API_KEY.</li>
 *   <li>{@code ./parley worker} (it runs {@code inference-worker/target/parley-worker.jar}); start more
 *       of them for more capacity: they share the turns through the consumer group.</li>
 * </ol>
 */
public final class WorkerMain {

    /** The topics a worker reads and writes: checked at start, never created here. */
    public static final List<TopicSpec<?>> TOPICS = List.of(Topics.LEDGER, Topics.TOKENS, Topics.SESSIONS,
        Topics.PERSONAS, Topics.DLQ);

    private WorkerMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        Launcher.run("The inference worker", () -> {
            Env env = Env.system();
            TopicSettings topics = TopicSettings.fromEnvironment(env);
            WorkerConfig config = WorkerConfig.fromEnvironment(env);
            PortCheck.requireFree(config.metricsHost(),
                List.of(PortCheck.port(WorkerConfig.METRICS_PORT, config.metricsPort())));
            TopicInitializer.requireReady(config.kafka(), topics, TOPICS);
            Vertx vertx = Vertx.vertx();
            return Launcher.owning(() -> vertx.close().toCompletionStage().toCompletableFuture().join(),
                () -> InferenceWorker.start(vertx, config));
        });
    }
}
