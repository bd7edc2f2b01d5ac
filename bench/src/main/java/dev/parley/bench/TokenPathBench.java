package dev.parley.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.schemas.trace.HopTimes;
import dev.parley.standalone.Standalone;
import dev.parley.standalone.StandaloneConfig;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * What Parley adds to a streamed reply: time to first token and to the last one, through Parley (HTTP turn in,
 * Kafka ledger, worker, Kafka tokens, SSE out) against a direct streaming request to the same LLM simulator, and
 * how long the end of the stream follows the last token ({@code done} waits for the ledger's commit).
 *
 * <p>Each of the concurrent load threads is one session that posts its turns back to back, so contexts grow as
 * they would in a chat; its stream is read over SSE (a new stream per turn, {@code ?turnId=}) or over one
 * WebSocket per session (turns sent as frames).
 *
 * <p>How to run:
 * <ol>
 *   <li>{@code ./mvnw -B -q install -DskipTests}</li>
 *   <li>{@code ./mvnw -B -q -pl bench exec:java -Dexec.args="500 20 ws"} (turns, concurrency, sse or ws; defaults
 *   300, 10 and sse)</li>
 * </ol>
 * It starts its own standalone Parley on free ports with a temporary data directory, so nothing else is needed.
 */
public final class TokenPathBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PROMPT = "benchmark\n#sim: tokens=40 ttft_ms=20 itl_ms=5";

    private TokenPathBench() {
    }

    /** One streamed reply's timings in milliseconds from the request: first token, last token, end of stream. */
    record Timing(double firstToken, double lastToken, double end) {
    }

    public static void main(String[] args) throws Exception {
        int turns = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        int concurrency = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        boolean webSocket = args.length > 2 && args[2].equals("ws");
        Path data = Files.createTempDirectory("parley-bench-");
        try (Standalone parley = Standalone.start(StandaloneConfig.fromEnvironment(Map.of(
                "PARLEY_DATA_DIR", data.toString(), "PARLEY_HTTP_PORT", "0", "PARLEY_KAFKA_PORT", "0",
                "PARLEY_REGISTRY_PORT", "0", "PARLEY_SIMULATOR_PORT", "0", "PARLEY_POSTPROCESS_PORT", "0")))) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            String simulator = parley.simulatorUrl();
            run(concurrency, 30, () -> direct(http, simulator)); // warm-up: JIT, connections, partitions
            ThreadLocal<ParleySession> sessions = ThreadLocal.withInitial(() -> ParleySession.open(http,
                parley.url(), webSocket));
            run(concurrency, 30, () -> sessions.get().turn(PROMPT, null));
            List<Timing> direct = run(concurrency, turns, () -> direct(http, simulator));
            HopBreakdown hops = new HopBreakdown();
            List<Timing> parleyTimings = run(concurrency, turns, () -> sessions.get().turn(PROMPT, hops));
            System.out.printf("%n%d turns, %d concurrent sessions posting back to back over %s, simulator: 40 tokens, "
                + "ttft 20 ms, itl 5 ms%n", turns, concurrency, webSocket ? "WebSocket" : "SSE");
            System.out.println("| path | first token p50 | p95 | p99 | last token p50 | p95 | p99 "
                + "| last token → end (done / [DONE]) p50 | p99 |");
            System.out.println("|---|---|---|---|---|---|---|---|---|");
            print("direct to the simulator", direct);
            print("through Parley", parleyTimings);
            hops.print();
        }
        System.exit(0);
    }

    private static void print(String name, List<Timing> timings) {
        List<Double> first = timings.stream().map(Timing::firstToken).sorted().toList();
        List<Double> last = timings.stream().map(Timing::lastToken).sorted().toList();
        List<Double> end = timings.stream().map(t -> t.end() - t.lastToken()).sorted().toList();
        System.out.printf("| %s | %.1f ms | %.1f ms | %.1f ms | %.1f ms | %.1f ms | %.1f ms | %.1f ms | %.1f ms |%n",
            name, pct(first, 50), pct(first, 95), pct(first, 99), pct(last, 50), pct(last, 95), pct(last, 99),
            pct(end, 50), pct(end, 99));
    }

    static double pct(List<Double> sorted, int percentile) {
        int index = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    private static List<Timing> run(int concurrency, int turns, java.util.concurrent.Callable<Timing> turn)
        throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        try {
            List<Future<Timing>> futures = new ArrayList<>();
            for (int i = 0; i < turns; i++) {
                futures.add(pool.submit(turn));
            }
            List<Timing> timings = new ArrayList<>();
            for (Future<Timing> f : futures) {
                timings.add(f.get());
            }
            return Collections.unmodifiableList(timings);
        } finally {
            pool.shutdownNow();
        }
    }

    /** A streaming chat completion straight from the simulator. */
    private static Timing direct(HttpClient http, String baseUrl) throws Exception {
        String body = JSON.writeValueAsString(Map.of("model", "parley-simulator", "stream", true,
            "messages", List.of(Map.of("role", "user", "content", PROMPT))));
        long start = System.nanoTime();
        HttpResponse<java.io.InputStream> response = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/chat/completions"))
            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
            HttpResponse.BodyHandlers.ofInputStream());
        double first = -1;
        double last = -1;
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            for (String line; (line = lines.readLine()) != null; ) {
                if (line.contains("\"content\":\"") && !line.contains("\"content\":\"\"")) {
                    last = millisSince(start);
                    first = first < 0 ? last : first;
                }
                if (line.equals("data: [DONE]")) {
                    break;
                }
            }
        }
        return new Timing(first, last, millisSince(start));
    }

    static double millisSince(long start) {
        return (System.nanoTime() - start) / 1e6;
    }
}
