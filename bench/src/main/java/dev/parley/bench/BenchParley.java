package dev.parley.bench;

import dev.parley.ingest.IngestConfig;
import dev.parley.ingest.auth.KeysMain;
import dev.parley.ingest.limits.LimitsConfig;
import dev.parley.postprocess.PostprocessConfig;
import dev.parley.standalone.Standalone;
import dev.parley.standalone.StandaloneConfig;
import dev.parley.worker.WorkerConfig;
import dev.parley.worker.backend.BackendConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * The standalone run ({@link Standalone}: broker, schema registry, LLM simulator, postprocess-streams, inference
 * worker, gateway) in this JVM on free ports with temporary data, each service on a Vert.x of its own whose threads
 * are named after it ({@link NamedVertx}), as separate processes would have; the standalone run shares one Vert.x,
 * whose event loops could not be told apart by service.
 */
final class BenchParley implements AutoCloseable {

    /** The thread-name prefix of each service's Vert.x. */
    static final String GATEWAY = Standalone.GATEWAY;
    static final String WORKER = Standalone.WORKER;
    static final String SIMULATOR = Standalone.SIMULATOR;
    static final String POSTPROCESS = Standalone.POSTPROCESS;

    private final Standalone parley;
    private final Path data;
    private final Map<String, String> settings;

    private BenchParley(Standalone parley, Path data, Map<String, String> settings) {
        this.parley = parley;
        this.data = data;
        this.settings = settings;
    }

    /**
     * Starts everything with the PARLEY_* variables of this process's environment and {@code overrides} on top (a
     * PARLEY_LLM_URL is ignored: the bench needs the simulator); returns once the gateway is ready.
     */
    static BenchParley start(Map<String, String> overrides) {
        Map<String, String> settings = new TreeMap<>();
        System.getenv().forEach((key, value) -> {
            if (key.startsWith("PARLEY_") && !key.equals(BackendConfig.URL)) {
                settings.put(key, value);
            }
        });
        // the bench is one anonymous client standing for many users: no per-principal limit unless the environment sets one
        for (String limit : new String[] {LimitsConfig.REQUESTS_PER_SECOND, LimitsConfig.TURNS_PER_MINUTE,
            LimitsConfig.STREAMS, LimitsConfig.GENERATIONS, LimitsConfig.SESSIONS}) {
            settings.putIfAbsent(limit, "1000000000");
        }
        settings.putAll(overrides);
        Path data = temporaryDirectory();
        Map<String, String> env = new TreeMap<>(settings);
        env.put(StandaloneConfig.DATA_DIR, data.toString());
        for (String port : new String[] {IngestConfig.HTTP_PORT, StandaloneConfig.KAFKA_PORT,
            StandaloneConfig.REGISTRY_PORT, StandaloneConfig.SIMULATOR_PORT}) {
            env.put(port, "0");
        }
        // the metrics ports stay where the environment puts them, for a Prometheus to scrape the run live
        for (String port : new String[] {PostprocessConfig.PORT, WorkerConfig.METRICS_PORT, IngestConfig.METRICS_PORT}) {
            env.putIfAbsent(port, "0");
        }
        Standalone parley;
        try {
            parley = Standalone.start(StandaloneConfig.fromEnvironment(env), NamedVertx::create);
        } catch (RuntimeException e) {
            deleteQuietly(data);
            throw e;
        }
        BenchParley bench = new BenchParley(parley, data, Map.copyOf(settings));
        System.out.println("The services' metrics during the run: " + parley.metricsUrls());
        try {
            bench.awaitReady();
            return bench;
        } catch (RuntimeException e) {
            bench.close();
            throw e;
        }
    }

    private void awaitReady() {
        awaitStatus(HttpRequest.newBuilder(URI.create(url() + "/health/ready")).build(),
            "the gateway was not ready: " + url() + "/health/ready");
    }

    /** Sends {@code request} until it answers 200, for up to 120 s. */
    private static void awaitStatus(HttpRequest request, String failure) {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
                Thread.sleep(200);
            } catch (IOException notYet) {
                // the gateway listens before it is ready; ask again
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted: " + failure, e);
            }
        }
        throw new IllegalStateException(failure + " within 120 s");
    }

    /**
     * A new API key of {@code principal}, written to the keys topic as {@code ./parley keys create} does; returns
     * once the gateway accepts it (it tails the topic). For runs with {@code PARLEY_AUTH=keys}.
     */
    String createKey(String principal) {
        String key;
        try {
            key = KeysMain.create(Map.of("bootstrap.servers", parley.bootstrapServers(), "schema.registry.url",
                parley.registryUrl()), principal).key();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating a key", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot write a key for " + principal, e);
        }
        HttpRequest models = HttpRequest.newBuilder(URI.create(url() + "/v1/models"))
            .header("Authorization", "Bearer " + key).build();
        awaitStatus(models, "the gateway did not accept the new key of " + principal);
        return key;
    }

    /** The gateway, e.g. http://localhost:40123. */
    String url() {
        return parley.url();
    }

    int port() {
        return parley.port();
    }

    /** The simulator's OpenAI-compatible base URL. */
    String simulatorUrl() {
        return parley.simulatorUrl();
    }

    /** The PARLEY_* settings this run was started with (the bench's own ports and data directory aside). */
    Map<String, String> settings() {
        return settings;
    }

    /**
     * Stops everything, then deletes the temporary data; first scrapes every service's {@code /metrics}, saves them
     * under bench/target/results/metrics and prints what they saw of the run.
     */
    @Override
    public void close() {
        try {
            Path dir = Report.resultsDirectory().resolve("metrics");
            List<String> summary = MetricsScrape.of(parley.metricsUrls()).save(dir);
            System.out.println("The services' /metrics at the end of the run (saved in " + dir + "):");
            summary.forEach(line -> System.out.println("  " + line));
        } catch (IOException | RuntimeException e) {
            System.err.println("the services' metrics were not saved: " + e);
        }
        try {
            parley.close();
        } finally {
            deleteQuietly(data);
        }
    }

    private static Path temporaryDirectory() {
        try {
            return Files.createTempDirectory("parley-bench-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            System.err.println("could not delete " + dir + ": " + e);
        }
    }
}
