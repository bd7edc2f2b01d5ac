package dev.parley.standalone;

import dev.parley.ingest.IngestConfig;
import dev.parley.ingest.IngestService;
import dev.parley.ingest.health.WorkerPresence;
import dev.parley.kafka.EmbeddedKafka;
import dev.parley.kafka.KafkaSettings;
import dev.parley.kafka.registry.SchemaRegistry;
import dev.parley.postprocess.PostprocessApp;
import dev.parley.postprocess.PostprocessConfig;
import dev.parley.schemas.config.Env;
import dev.parley.schemas.topics.TopicInitializer;
import dev.parley.schemas.topics.Topics;
import dev.parley.worker.InferenceWorker;
import dev.parley.worker.WorkerConfig;
import dev.parley.worker.backend.BackendConfig;
import dev.parley.worker.catalogue.CatalogueLoader;
import java.nio.file.Path;
import dev.parley.worker.simulator.LlmSimulator;
import dev.parley.worker.simulator.SimulatorConfig;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything Parley needs on one machine, in one process: a persistent broker, the schema registry, the topics,
 * the LLM simulator (unless PARLEY_LLM_URL names a real server), postprocess-streams, the inference worker and the
 * gateway.
 */
public final class Standalone implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Standalone.class);

    /** The service names {@link #start(StandaloneConfig, Function)} asks a Vert.x for. */
    public static final String SIMULATOR = "simulator";
    public static final String POSTPROCESS = "postprocess";
    public static final String WORKER = "worker";
    public static final String GATEWAY = "gateway";

    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private final Function<String, Vertx> vertxFor;
    private Vertx shared;
    private EmbeddedKafka kafka;
    private SchemaRegistry registry;
    private LlmSimulator simulator;
    private IngestService ingest;
    private PostprocessApp postprocess;
    private InferenceWorker worker;

    private Standalone(Function<String, Vertx> vertxFor) {
        this.vertxFor = vertxFor;
    }

    /** Starts in dependency order, every service on one Vert.x; anything started before a failure is stopped again. */
    public static Standalone start(StandaloneConfig config) {
        return start(config, null);
    }

    /**
     * Like {@link #start(StandaloneConfig)}, but each service runs on the Vert.x {@code vertxFor} gives for its name
     * ({@link #SIMULATOR}, {@link #POSTPROCESS}, {@link #WORKER}, {@link #GATEWAY}), which is closed after the
     * service; null: one shared Vert.x. The bench uses it to tell the services' threads apart.
     */
    public static Standalone start(StandaloneConfig config, Function<String, Vertx> vertxFor) {
        Standalone parley = new Standalone(vertxFor);
        try {
            parley.startAll(config);
            return parley;
        } catch (RuntimeException e) {
            parley.close();
            throw e;
        }
    }

    private void startAll(StandaloneConfig config) {
        KafkaSettings kafkaSettings = config.kafka();
        kafka = track(kafkaSettings.startKafka());
        TopicInitializer.ensure(Map.of("bootstrap.servers", kafka.bootstrapServers()), Topics.all());
        registry = track(SchemaRegistry.start(kafka.bootstrapServers(), kafkaSettings.bindHost(),
            kafkaSettings.registryPort(), SchemaRegistry.SCHEMAS_TOPIC));
        Env bootEnv = new Env(config.environment());
        if (config.useSimulator()) {
            simulator = track(LlmSimulator.start(vertx(SIMULATOR), kafkaSettings.bindHost(), config.simulatorPort(),
                SimulatorConfig.fromEnvironment(bootEnv)));
        }
        String llm = simulator == null ? null : simulator.baseUrl();
        Path catalogue = config.demoCatalogue()
            ? DemoCatalogue.write(config.dataDir(), simulator.rootUrl()) : null;
        Env env = config.serviceEnvironment(kafka.bootstrapServers(), registry.url(), llm, catalogue, null);
        postprocess = track(PostprocessApp.start(vertx(POSTPROCESS), PostprocessConfig.fromEnvironment(env)));
        env = config.serviceEnvironment(kafka.bootstrapServers(), registry.url(), llm, catalogue, postprocessUrl());
        worker = track(InferenceWorker.start(vertx(WORKER), WorkerConfig.fromEnvironment(env)));
        // the worker shares this JVM: readiness asks it directly rather than describing its consumer group
        ingest = track(IngestService.start(vertx(GATEWAY), IngestConfig.fromEnvironment(env),
            WorkerPresence.local(worker::assignedPartitions)));
        log.info("Parley is running: open {} (Kafka {}, schema registry {}, LLM {}, data in {})", url(),
            kafka.bootstrapServers(), registry.url(), describeLlm(env, catalogue),
            config.dataDir().toAbsolutePath().normalize());
    }

    private String describeLlm(Env env, Path demoCatalogue) {
        if (demoCatalogue != null) {
            return "two simulated backends, local (OpenAI protocol) and cloud (Anthropic protocol), at "
                + simulator.rootUrl() + ", catalogue " + demoCatalogue;
        }
        String file = env.string(CatalogueLoader.FILE, "");
        if (!file.isEmpty()) {
            return "the backends of " + file + (simulator == null ? "" : " (simulator at " + simulator.rootUrl() + ")");
        }
        return simulator == null ? env.string(BackendConfig.URL, "") : simulator.baseUrl() + " (simulator)";
    }

    /** The Vert.x for {@code service}: its own from {@link #vertxFor}, else the shared one; closed after it. */
    private Vertx vertx(String service) {
        if (vertxFor == null && shared != null) {
            return shared;
        }
        Vertx vertx = vertxFor == null ? Vertx.vertx() : vertxFor.apply(service);
        track(() -> vertx.close().toCompletionStage().toCompletableFuture().join());
        if (vertxFor == null) {
            shared = vertx;
        }
        return vertx;
    }

    private <T extends AutoCloseable> T track(T component) {
        started.push(component);
        return component;
    }

    /** The chat page and API, e.g. http://localhost:8080. */
    public String url() {
        return "http://localhost:" + ingest.port();
    }

    /** The gateway's port. */
    public int port() {
        return ingest.port();
    }

    /** Each service's Prometheus scrape URL ({@code /metrics}), by service name; a service with metrics off is left out. */
    public Map<String, String> metricsUrls() {
        Map<String, String> urls = new LinkedHashMap<>();
        if (ingest.metricsPort() >= 0) {
            urls.put("gateway", "http://localhost:" + ingest.metricsPort() + "/metrics");
        }
        if (worker.metricsPort() >= 0) {
            urls.put("worker", "http://localhost:" + worker.metricsPort() + "/metrics");
        }
        urls.put("postprocess", postprocessUrl() + "/metrics");
        return urls;
    }

    /** The simulator's OpenAI-compatible base URL, or null when a real LLM server is configured. */
    public String simulatorUrl() {
        return simulator == null ? null : simulator.baseUrl();
    }

    /** postprocess-streams' query API, e.g. http://localhost:8083. */
    public String postprocessUrl() {
        return "http://localhost:" + postprocess.port();
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    public String registryUrl() {
        return registry.url();
    }

    /** Stops in reverse start order. */
    @Override
    public void close() {
        while (!started.isEmpty()) {
            AutoCloseable component = started.pop();
            try {
                component.close();
            } catch (Exception e) {
                log.warn("Stopping {} failed", component, e);
            }
        }
    }
}
