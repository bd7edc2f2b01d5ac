package dev.parley.bench;

import dev.parley.ingest.IngestConfig;
import dev.parley.ingest.IngestService;
import dev.parley.ingest.health.WorkerPresence;
import dev.parley.kafka.EmbeddedKafka;
import dev.parley.kafka.registry.SchemaRegistry;
import dev.parley.postprocess.PostprocessApp;
import dev.parley.postprocess.PostprocessConfig;
import dev.parley.schemas.config.Env;
import dev.parley.schemas.topics.TopicInitializer;
import dev.parley.schemas.topics.Topics;
import dev.parley.standalone.StandaloneConfig;
import dev.parley.worker.InferenceWorker;
import dev.parley.worker.WorkerConfig;
import dev.parley.worker.backend.BackendConfig;
import dev.parley.worker.simulator.LlmSimulator;
import dev.parley.worker.simulator.SimulatorConfig;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The services of the standalone run (broker, schema registry, LLM simulator, postprocess-streams, inference worker,
 * gateway) in this JVM, each on a Vert.x of its own whose threads are named after it, as separate processes would
 * have; the standalone run shares one Vert.x, whose event loops could not be told apart by service.
 */
final class BenchParley implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BenchParley.class);

    /** The thread-name prefix of each service's Vert.x. */
    static final String GATEWAY = "gateway";
    static final String WORKER = "worker";
    static final String SIMULATOR = "simulator";
    static final String POSTPROCESS = "postprocess";

    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private final Map<String, String> settings;
    private LlmSimulator simulator;
    private IngestService gateway;

    private BenchParley(Map<String, String> settings) {
        this.settings = settings;
    }

    /**
     * Starts everything on free ports with temporary data, with the PARLEY_* variables of this process's environment
     * and {@code overrides} on top (a PARLEY_LLM_URL is ignored: the bench needs the simulator); returns once the
     * gateway is ready.
     */
    static BenchParley start(Map<String, String> overrides) {
        Map<String, String> settings = new TreeMap<>();
        System.getenv().forEach((key, value) -> {
            if (key.startsWith("PARLEY_") && !key.equals(BackendConfig.URL)) {
                settings.put(key, value);
            }
        });
        settings.putAll(overrides);
        StandaloneConfig.fromEnvironment(settings); // fails naming every bad setting
        BenchParley parley = new BenchParley(Map.copyOf(settings));
        try {
            parley.startAll();
            return parley;
        } catch (RuntimeException e) {
            parley.close();
            throw e;
        }
    }

    private void startAll() {
        Path data = temporaryDirectory();
        track(() -> deleteRecursively(data));
        EmbeddedKafka kafka = track(EmbeddedKafka.ephemeral());
        TopicInitializer.ensure(Map.of("bootstrap.servers", kafka.bootstrapServers()), Topics.all());
        SchemaRegistry registry = track(SchemaRegistry.start(kafka.bootstrapServers(), 0));
        Map<String, String> env = new HashMap<>(settings);
        env.put(Env.KAFKA_BOOTSTRAP, kafka.bootstrapServers());
        env.put(Env.REGISTRY_URL, registry.url());
        env.put(IngestConfig.HTTP_PORT, "0");
        env.put(PostprocessConfig.PORT, "0");
        env.putIfAbsent(WorkerConfig.WORKER_ID, "standalone");
        env.putIfAbsent(PostprocessConfig.STATE_DIR, data.resolve("streams").toString());

        simulator = track(LlmSimulator.start(vertx(SIMULATOR), 0, SimulatorConfig.fromEnvironment(new Env(env))));
        env.put(BackendConfig.URL, simulator.baseUrl());
        PostprocessApp postprocess = track(PostprocessApp.start(vertx(POSTPROCESS),
            PostprocessConfig.fromEnvironment(new Env(env))));
        env.put(IngestConfig.POSTPROCESS_URL, "http://localhost:" + postprocess.port());
        InferenceWorker worker = track(InferenceWorker.start(vertx(WORKER), WorkerConfig.fromEnvironment(new Env(env))));
        gateway = track(IngestService.start(vertx(GATEWAY), IngestConfig.fromEnvironment(new Env(env)),
            WorkerPresence.local(worker::assignedPartitions)));
        awaitReady();
    }

    private Vertx vertx(String service) {
        Vertx vertx = NamedVertx.create(service);
        track(() -> vertx.close().toCompletionStage().toCompletableFuture().join());
        return vertx;
    }

    private <T extends AutoCloseable> T track(T component) {
        started.push(component);
        return component;
    }

    private void awaitReady() {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create(url() + "/health/ready")).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
                Thread.sleep(200);
            } catch (IOException notYet) {
                // the gateway listens before it is ready; ask again
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the gateway", e);
            }
        }
        throw new IllegalStateException("the gateway was not ready within 120 s: " + url() + "/health/ready");
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    private static Path temporaryDirectory() {
        try {
            return Files.createTempDirectory("parley-bench-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The gateway, e.g. http://localhost:40123. */
    String url() {
        return "http://localhost:" + gateway.port();
    }

    int port() {
        return gateway.port();
    }

    /** The simulator's OpenAI-compatible base URL. */
    String simulatorUrl() {
        return simulator.baseUrl();
    }

    /** The PARLEY_* settings this run was started with (the bench's own ports and addresses aside). */
    Map<String, String> settings() {
        return settings;
    }

    /** Stops in reverse start order. */
    @Override
    public void close() {
        while (!started.isEmpty()) {
            try {
                started.pop().close();
            } catch (Exception e) {
                log.warn("Stopping a bench component failed", e);
            }
        }
    }
}
