package dev.parley.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.ingest.IngestConfig;
import dev.parley.ingest.IngestService;
import dev.parley.kafka.EmbeddedKafka;
import dev.parley.kafka.registry.SchemaRegistry;
import dev.parley.schemas.config.Env;
import dev.parley.schemas.topics.TopicInitializer;
import dev.parley.schemas.topics.Topics;
import dev.parley.worker.InferenceWorker;
import dev.parley.worker.WorkerConfig;
import dev.parley.worker.simulator.LlmSimulator;
import dev.parley.worker.simulator.SimulatorConfig;
import io.vertx.core.Vertx;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Fail-over time for a worker that dies and does not come back: two workers in one group, a reply streaming from
 * one of them, which is then crashed (it stays in the group like a killed process). Measured from the crash to
 * the client's {@code reset}, to the first token of the regenerated attempt and to its {@code done}, over SSE
 * through the gateway.
 *
 * <p>How to run:
 * <ol>
 *   <li>{@code ./mvnw -B -q install -DskipTests}</li>
 *   <li>{@code ./mvnw -B -q -pl bench exec:java -Dexec.mainClass=dev.parley.bench.FailoverBench
 *       -Dexec.args="5 10000"} (crashes, PARLEY_WORKER_SESSION_TIMEOUT_MS; defaults 5 and 10000)</li>
 * </ol>
 */
public final class FailoverBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PROMPT = "a long one\n#sim: tokens=300 itl_ms=10";

    private FailoverBench() {
    }

    /** One SSE event type and when it arrived. */
    private record Received(String type, long nanos) {
    }

    public static void main(String[] args) throws Exception {
        int crashes = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        String sessionTimeout = args.length > 1 ? args[1] : "10000";
        Vertx vertx = Vertx.vertx();
        List<InferenceWorker> workers = new ArrayList<>();
        try (EmbeddedKafka kafka = EmbeddedKafka.ephemeral();
             SchemaRegistry registry = SchemaRegistry.start(kafka.bootstrapServers(), 0);
             LlmSimulator simulator = LlmSimulator.start(vertx, 0, SimulatorConfig.defaults())) {
            TopicInitializer.ensure(Map.of("bootstrap.servers", kafka.bootstrapServers()), Topics.all());
            Env env = new Env(Map.of(Env.KAFKA_BOOTSTRAP, kafka.bootstrapServers(), Env.REGISTRY_URL, registry.url(),
                "PARLEY_LLM_URL", simulator.baseUrl(), "PARLEY_HTTP_PORT", "0", WorkerConfig.METRICS_PORT, "0",
                "PARLEY_WORKER_GROUP", "bench-" + UUID.randomUUID(),
                WorkerConfig.SESSION_TIMEOUT_MS, sessionTimeout,
                "PARLEY_AUTH", "none")); // a gateway on loopback, without authentication (its default is keys)
            WorkerConfig config = WorkerConfig.fromEnvironment(env);
            workers.add(InferenceWorker.start(vertx, config.withWorkerId("w0")));
            workers.add(InferenceWorker.start(vertx, config.withWorkerId("w1")));
            List<double[]> results = new ArrayList<>();
            try (IngestService ingest = IngestService.start(vertx, IngestConfig.fromEnvironment(env))) {
                HttpClient http = HttpClient.newHttpClient();
                String base = "http://localhost:" + ingest.port();
                for (int i = 0; i < crashes; i++) {
                    awaitBothAssigned(workers);
                    results.add(crashOnce(http, base, workers, config.withWorkerId("w" + (i + 2)), vertx));
                }
            }
            System.out.printf("%nWorker fail-over, %d crashes, PARLEY_WORKER_SESSION_TIMEOUT_MS=%s, "
                + "a reply streaming at 100 tokens/s when its worker dies%n", crashes, sessionTimeout);
            System.out.println("| from the crash to | p50 | max |");
            System.out.println("|---|---|---|");
            String[] names = {"`reset` at the client", "first token of the new attempt", "`done` of the new attempt"};
            for (int k = 0; k < names.length; k++) {
                int column = k;
                List<Double> sorted = results.stream().map(r -> r[column]).sorted().toList();
                System.out.printf("| %s | %.2f s | %.2f s |%n", names[k], sorted.get((sorted.size() - 1) / 2),
                    sorted.get(sorted.size() - 1));
            }
        } finally {
            workers.forEach(InferenceWorker::close);
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
        System.exit(0);
    }

    /** Starts a turn, crashes its worker mid-stream, replaces it with a new one; seconds to reset, token, done. */
    private static double[] crashOnce(HttpClient http, String base, List<InferenceWorker> workers,
                                      WorkerConfig replacement, Vertx vertx) throws Exception {
        String session = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(base + "/v1/sessions"))
            .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()).body())
            .get("sessionId").asText();
        String turn = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(base + "/v1/sessions/" + session + "/turns"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("text", PROMPT)))).build(),
            HttpResponse.BodyHandlers.ofString()).body()).get("turnId").asText();
        List<Received> events = new CopyOnWriteArrayList<>();
        HttpResponse<InputStream> stream = http.send(HttpRequest.newBuilder(
            URI.create(base + "/v1/sessions/" + session + "/events?turnId=" + turn)).build(),
            HttpResponse.BodyHandlers.ofInputStream());
        Thread reader = new Thread(() -> read(stream.body(), events), "failover-sse");
        reader.setDaemon(true);
        reader.start();
        waitFor(() -> events.stream().filter(e -> e.type().equals("token")).count() >= 20, 60);

        InferenceWorker owner = workers.stream().filter(w -> w.generating() > 0).findFirst().orElseThrow();
        long crashed = System.nanoTime();
        owner.crash();
        waitFor(() -> events.stream().anyMatch(e -> e.type().equals("done")), 180);
        stream.body().close();
        workers.remove(owner);
        workers.add(InferenceWorker.start(vertx, replacement)); // another machine takes the dead one's place
        long reset = at(events, "reset", crashed);
        long firstToken = events.stream().filter(e -> e.type().equals("token") && e.nanos() > reset)
            .mapToLong(Received::nanos).min().orElseThrow();
        return new double[] {seconds(reset - crashed), seconds(firstToken - crashed),
            seconds(at(events, "done", crashed) - crashed)};
    }

    private static void read(InputStream body, List<Received> events) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            for (String line; (line = lines.readLine()) != null; ) {
                if (line.startsWith("event: ")) {
                    events.add(new Received(line.substring(7), System.nanoTime()));
                }
            }
        } catch (Exception closed) {
            // the bench closes the stream after done
        }
    }

    private static long at(List<Received> events, String type, long after) {
        return events.stream().filter(e -> e.type().equals(type) && e.nanos() > after).mapToLong(Received::nanos)
            .min().orElseThrow(() -> new IllegalStateException("no " + type + " after the crash"));
    }

    private static void awaitBothAssigned(List<InferenceWorker> workers) throws InterruptedException {
        waitFor(() -> workers.stream().allMatch(w -> !w.assignedPartitions().isEmpty()), 120);
    }

    private static void waitFor(java.util.function.BooleanSupplier condition, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not within " + seconds + " s");
            }
            Thread.sleep(10);
        }
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }
}
