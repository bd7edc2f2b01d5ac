package dev.parley.standalone;

import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs Parley on one machine.
 *
 * <p>How to run:
 * <ol>
 *   <li>{@code ./mvnw -B install -DskipTests}</li>
 *   <li>{@code java -jar standalone/target/parley-standalone.jar} (settings: PARLEY_DATA_DIR, PARLEY_KAFKA_PORT,
 *       PARLEY_REGISTRY_PORT)</li>
 *   <li>Ctrl-C stops everything; the data directory keeps every record for the next start.</li>
 * </ol>
 */
public final class Main {

    private static final Logger log = LoggerFactory.getLogger(Main.class);

    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        StandaloneConfig config;
        Standalone standalone;
        try {
            config = StandaloneConfig.fromEnvironment(System.getenv());
            standalone = Standalone.start(config);
        } catch (RuntimeException e) {
            log.error("Parley did not start: {}", e.getMessage(), e);
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("Stopping Parley");
            standalone.close();
            stopped.countDown();
        }, "parley-shutdown"));
        stopped.await();
    }
}
