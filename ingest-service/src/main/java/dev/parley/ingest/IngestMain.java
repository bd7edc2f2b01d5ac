package dev.parley.ingest;

import dev.parley.schemas.config.Env;
import io.vertx.core.Vertx;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the ingest gateway on its own (the standalone module runs it with everything else).
 *
 * <p>How to run:
 * <ol>
 *   <li>Have Kafka, the schema registry and Parley's topics running, e.g. {@code java -jar
 *       standalone/target/parley-standalone.jar}.</li>
 *   <li>{@code ./mvnw -B install -DskipTests}</li>
 *   <li>{@code PARLEY_KAFKA_BOOTSTRAP_SERVERS=localhost:9092 PARLEY_SCHEMA_REGISTRY_URL=http://localhost:8081
 *       ./mvnw -q -pl ingest-service exec:java -Dexec.mainClass=dev.parley.ingest.IngestMain}
 *       (settings: PARLEY_HTTP_PORT, PARLEY_MAX_TURN_BYTES, PARLEY_CLIENT_TURN_WINDOW_MS,
 *       PARLEY_SSE_HEARTBEAT_MS, PARLEY_CLIENT_BUFFER_EVENTS, PARLEY_CLIENT_STALL_MS, PARLEY_POSTPROCESS_URL,
 *       PARLEY_POSTPROCESS_TIMEOUT_MS, PARLEY_KAFKA_*). Session views and search need postprocess-streams running
 *       at PARLEY_POSTPROCESS_URL; everything else works without it.</li>
 *   <li>Open http://localhost:8080 for the chat page, or {@code curl -X POST localhost:8080/v1/sessions}.</li>
 *   <li>Ctrl-C stops the HTTP server, the relays and the Kafka clients, in that order.</li>
 * </ol>
 */
public final class IngestMain {

    private static final Logger log = LoggerFactory.getLogger(IngestMain.class);

    private IngestMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        Vertx vertx = Vertx.vertx();
        IngestService service;
        try {
            service = IngestService.start(vertx, IngestConfig.fromEnvironment(Env.system()));
        } catch (RuntimeException e) {
            log.error("The ingest service did not start: {}", e.getMessage(), e);
            vertx.close();
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("Stopping the ingest service");
            service.close();
            vertx.close().toCompletionStage().toCompletableFuture().join();
            stopped.countDown();
        }, "parley-ingest-shutdown"));
        stopped.await();
    }
}
