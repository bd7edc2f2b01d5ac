package dev.parley.standalone;

import dev.parley.ingest.IngestConfig;
import dev.parley.postprocess.PostprocessConfig;
import dev.parley.schemas.config.Env;
import dev.parley.worker.WorkerConfig;
import dev.parley.worker.backend.BackendConfig;
import dev.parley.worker.catalogue.CatalogueLoader;
import dev.parley.worker.simulator.SimulatorConfig;
import dev.parley.worker.simulator.SimulatorMain;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The standalone run's own settings, plus the environment every service reads its settings from. All of them
 * are checked before anything starts, so one message names every bad setting.
 */
public record StandaloneConfig(Path dataDir, int kafkaPort, int registryPort, int simulatorPort, boolean useSimulator,
                               Map<String, String> environment) {

    public static final String DATA_DIR = "PARLEY_DATA_DIR";
    public static final String KAFKA_PORT = "PARLEY_KAFKA_PORT";
    public static final String REGISTRY_PORT = "PARLEY_REGISTRY_PORT";
    public static final String SIMULATOR_PORT = SimulatorMain.PORT;

    public StandaloneConfig {
        environment = Map.copyOf(environment);
    }

    public static StandaloneConfig fromEnvironment(Map<String, String> environment) {
        Env env = new Env(environment);
        Path dataDir = Path.of(env.string(DATA_DIR, "./data"));
        int kafkaPort = env.port(KAFKA_PORT, 9092);
        int registryPort = env.port(REGISTRY_PORT, 8081);
        int simulatorPort = env.port(SIMULATOR_PORT, SimulatorMain.DEFAULT_PORT);
        boolean useSimulator = env.string(BackendConfig.URL, "").isEmpty();
        // Read every service's settings now, only to collect their errors with ours.
        SimulatorConfig.fromEnvironment(env);
        readQuietly(() -> WorkerConfig.fromEnvironment(env));
        readQuietly(() -> IngestConfig.fromEnvironment(env));
        readQuietly(() -> PostprocessConfig.fromEnvironment(env));
        env.validate();
        return new StandaloneConfig(dataDir, kafkaPort, registryPort, simulatorPort, useSimulator, environment);
    }

    /**
     * The services' environment with the addresses this run chose (ports may have been 0: picked at start);
     * postprocessUrl is null until postprocess-streams has started.
     */
    Env serviceEnvironment(String bootstrapServers, String registryUrl, String simulatorUrl, Path catalogue,
                           String postprocessUrl) {
        Map<String, String> env = new HashMap<>(environment);
        if (postprocessUrl != null) {
            env.put(IngestConfig.POSTPROCESS_URL, postprocessUrl);
        }
        env.put(Env.KAFKA_BOOTSTRAP, bootstrapServers);
        env.put(Env.REGISTRY_URL, registryUrl);
        if (simulatorUrl != null) {
            env.put(BackendConfig.URL, simulatorUrl);
        }
        if (catalogue != null) {
            env.put(CatalogueLoader.FILE, catalogue.toString());
        }
        // A stable worker id: a restarted standalone fences whatever its previous run left in flight.
        env.putIfAbsent(WorkerConfig.WORKER_ID, "standalone");
        // Streams state next to Kafka's data: a restart resumes from it rather than rebuilding.
        env.putIfAbsent(PostprocessConfig.STATE_DIR, dataDir.resolve("streams").toString());
        return new Env(env);
    }

    /** True when the run uses the demo catalogue of two simulated backends: no LLM and no catalogue configured. */
    boolean demoCatalogue() {
        return useSimulator && !environment.containsKey(CatalogueLoader.FILE);
    }

    private static void readQuietly(Runnable read) {
        try {
            read.run();
        } catch (IllegalArgumentException reportedBelow) {
            // the shared Env holds the errors; env.validate() names them all at once
        }
    }
}
