package dev.parley.standalone;

import dev.parley.launch.Launcher;
import dev.parley.launch.PortCheck;

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

    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        Launcher.run("Parley", () -> {
            StandaloneConfig config = StandaloneConfig.fromEnvironment(System.getenv());
            PortCheck.requireFree(config.kafka().bindHost(), config.ports());
            return Standalone.start(config);
        });
    }
}
