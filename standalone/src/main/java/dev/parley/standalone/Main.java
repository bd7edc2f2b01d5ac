package dev.parley.standalone;

import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs Parley on one machine.
 *
 * <p>How to run:
 * <ol>
 *   <li>{@code ./parley start} (it builds the jar when needed and runs this class).</li>
 *   <li>Open http://localhost:8080, or use the API with curl (README.md).</li>
 *   <li>Ctrl-C stops everything; the data directory (PARLEY_DATA_DIR, default ./data) keeps every record.</li>
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
