package dev.parley.standalone;

import dev.parley.ingest.IngestConfig;
import dev.parley.ingest.auth.AuthConfig;
import dev.parley.postprocess.PostprocessConfig;
import dev.parley.schemas.config.Env;
import dev.parley.worker.WorkerConfig;
import dev.parley.worker.backend.BackendConfig;
import dev.parley.worker.catalogue.CatalogueLoader;
import dev.parley.worker.simulator.SimulatorConfig;
import dev.parley.worker.simulator.SimulatorMain;
import dev.parley.kafka.KafkaSettings;
import dev.parley.launch.PortCheck;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The standalone run's own settings, plus the environment every service reads its settings from. All of them
 * are checked before anything starts, so one message names every bad setting.
 */
public record StandaloneConfig(KafkaSettings kafka, int simulatorPort, boolean useSimulator,
                               Map<String, String> environment) {

    public static final String DATA_DIR = KafkaSettings.DATA_DIR;
    public static final String KAFKA_PORT = KafkaSettings.KAFKA_PORT;
    public static final String REGISTRY_PORT = KafkaSettings.REGISTRY_PORT;
    public static final String SIMULATOR_PORT = SimulatorMain.PORT;

    public StandaloneConfig {
        environment = Map.copyOf(environment);
    }

    /**
     * The all-in-one run's authentication unless {@code PARLEY_AUTH} says otherwise: none, for a first run on a
     * laptop (it listens on loopback only; on any other address none is refused and the run does not start). A
     * gateway on its own ({@code ./parley gateway}) defaults to API keys.
     */
    public static final String DEFAULT_AUTH = "none";

    public static StandaloneConfig fromEnvironment(Map<String, String> given) {
        Map<String, String> environment = new HashMap<>(given);
        if (environment.getOrDefault(AuthConfig.MODE, "").isBlank()) {
            environment.put(AuthConfig.MODE, DEFAULT_AUTH);
        }
        Env env = new Env(environment);
        List<String> kafkaErrors = new ArrayList<>();
        KafkaSettings kafka = KafkaSettings.read(environment, kafkaErrors);
        kafkaErrors.forEach(env::error);
        int simulatorPort = env.port(SIMULATOR_PORT, SimulatorMain.DEFAULT_PORT);
        boolean useSimulator = env.string(BackendConfig.URL, "").isEmpty();
        // Read every service's settings now, only to collect their errors with ours.
        SimulatorConfig.fromEnvironment(env);
        readQuietly(() -> WorkerConfig.fromEnvironment(env));
        readQuietly(() -> IngestConfig.fromEnvironment(env));
        readQuietly(() -> PostprocessConfig.fromEnvironment(env));
        env.validate();
        return new StandaloneConfig(kafka, simulatorPort, useSimulator, environment);
    }

    /**
     * The settings of a run inside a test's or a benchmark's JVM: data in {@code dataDir} and every listener on a
     * free port (0), as a map to add settings to before {@link #fromEnvironment}.
     */
    public static Map<String, String> onFreePorts(Path dataDir) {
        return new HashMap<>(Map.of(DATA_DIR, dataDir.toString(), KAFKA_PORT, "0", REGISTRY_PORT, "0",
            SIMULATOR_PORT, "0", PostprocessConfig.PORT, "0", IngestConfig.HTTP_PORT, "0", WorkerConfig.METRICS_PORT, "0"));
    }

    /** PARLEY_DATA_DIR: the broker's log, Streams' state and the demo catalogue. */
    public Path dataDir() {
        return kafka.dataDir();
    }

    /**
     * Every port this run listens on, with its setting, for a check before anything starts; the worker's metrics
     * and the query API are read the way those services read them.
     */
    List<PortCheck.Port> ports() {
        Env env = new Env(environment);
        List<PortCheck.Port> ports = new ArrayList<>(kafka.ports());
        if (useSimulator) {
            ports.add(PortCheck.port(SIMULATOR_PORT, simulatorPort));
        }
        ports.add(PortCheck.port(PostprocessConfig.PORT, env.port(PostprocessConfig.PORT, PostprocessConfig.DEFAULT_PORT)));
        ports.add(PortCheck.port(WorkerConfig.METRICS_PORT,
            env.integer(WorkerConfig.METRICS_PORT, WorkerConfig.DEFAULT_METRICS_PORT, -1, 65_535)));
        int httpPort = env.port(IngestConfig.HTTP_PORT, IngestConfig.DEFAULT_HTTP_PORT);
        ports.add(PortCheck.port(IngestConfig.HTTP_PORT, httpPort));
        ports.add(PortCheck.port(IngestConfig.METRICS_PORT, env.integer(IngestConfig.METRICS_PORT,
            httpPort == 0 ? 0 : IngestConfig.DEFAULT_METRICS_PORT, -1, 65_535)));
        return ports;
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
        env.putIfAbsent(PostprocessConfig.STATE_DIR, dataDir().resolve("streams").toString());
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
