package dev.parley.postprocess;

import dev.parley.schemas.config.Env;
import io.vertx.core.Vertx;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs postprocess-streams on its own (the standalone run starts it for you).
 *
 * <p>How to run:
 * <ol>
 *   <li>Start Kafka and the schema registry, e.g. {@code ./parley start}, or point at yours with
 *       PARLEY_KAFKA_BOOTSTRAP_SERVERS and PARLEY_SCHEMA_REGISTRY_URL.</li>
 *   <li>Give each instance its own PARLEY_POSTPROCESS_PORT and PARLEY_POSTPROCESS_STATE_DIR, and the host name
 *       the others reach it by in PARLEY_POSTPROCESS_HOST: instances forward queries to the session's owner.</li>
 *   <li>{@code java -cp standalone/target/parley-standalone.jar dev.parley.postprocess.PostprocessMain}; start
 *       more for more capacity: they share the ledger's partitions. PARLEY_POSTPROCESS_RESET=true (with every
 *       instance stopped) rebuilds all state from the ledger.</li>
 * </ol>
 */
public final class PostprocessMain {

    private static final Logger log = LoggerFactory.getLogger(PostprocessMain.class);

    private PostprocessMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        Vertx vertx = Vertx.vertx();
        PostprocessApp app;
        try {
            app = PostprocessApp.start(vertx, PostprocessConfig.fromEnvironment(Env.system()));
        } catch (RuntimeException e) {
            log.error("postprocess-streams did not start: {}", e.getMessage(), e);
            vertx.close();
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            app.close();
            vertx.close().toCompletionStage().toCompletableFuture().join();
            stopped.countDown();
        }, "parley-postprocess-shutdown"));
        stopped.await();
    }
}
