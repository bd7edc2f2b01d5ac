package dev.parley.worker;

import dev.parley.schemas.config.Env;
import io.vertx.core.Vertx;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an inference worker on its own (the standalone run starts one for you).
 *
 * <p>How to run:
 * <ol>
 *   <li>Start Kafka and the schema registry, e.g. {@code ./parley start}, or point at yours with
 *       PARLEY_KAFKA_BOOTSTRAP_SERVERS and PARLEY_SCHEMA_REGISTRY_URL.</li>
 *   <li>Give it its backends: a catalogue in PARLEY_BACKENDS_FILE (see docs/backends.example.yaml), or one
 *       OpenAI-compatible server in PARLEY_LLM_URL (e.g. http://localhost:11434/v1 for Ollama),
 *       PARLEY_LLM_MODEL, PARLEY_LLM_API_KEY.</li>
 *   <li>{@code java -cp standalone/target/parley-standalone.jar dev.parley.worker.WorkerMain}; start more
 *       of them for more capacity: they share the turns through the consumer group.</li>
 * </ol>
 */
public final class WorkerMain {

    private static final Logger log = LoggerFactory.getLogger(WorkerMain.class);

    private WorkerMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        Vertx vertx = Vertx.vertx();
        InferenceWorker worker;
        try {
            worker = InferenceWorker.start(vertx, WorkerConfig.fromEnvironment(Env.system()));
        } catch (RuntimeException e) {
            log.error("The inference worker did not start: {}", e.getMessage(), e);
            vertx.close();
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            worker.close();
            vertx.close().toCompletionStage().toCompletableFuture().join();
            stopped.countDown();
        }, "parley-worker-shutdown"));
        stopped.await();
    }
}
