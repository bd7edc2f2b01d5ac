package dev.parley.bench;

import java.util.Arrays;
import java.util.List;

/**
 * Parley's load generator: starts Parley in this JVM on free ports with temporary data, runs one scenario, prints
 * its markdown tables and writes them with every figure to bench/target/results/&lt;scenario&gt;.md and .json.
 *
 * <p>How to run:
 * <ol>
 *   <li>{@code ./mvnw -B -q install -DskipTests}</li>
 *   <li>{@code ./mvnw -B -q -pl bench exec:java -Dexec.args="latency 1,10,50,200 both 30"}: added time to first
 *   token, inter-token latency and time to the last token against a direct stream from the simulator, at each
 *   concurrency (comma-separated), over {@code sse}, {@code ws} or {@code both}, with that many turns per stream;
 *   also writes latency.png. Without arguments, or with fewer, the defaults are these.</li>
 *   <li>{@code ./mvnw -B -q -pl bench exec:java -Dexec.args="fanout 200 10 60"}: that many sessions producing 20
 *   tokens/s each, that many SSE clients per session watching them from now, measured for that many seconds (the
 *   defaults).</li>
 *   <li>{@code ./mvnw -B -q -pl bench exec:java -Dexec.args="burst 50 30 0"}: that many sessions relaying replies
 *   of 500 tokens without delay, one SSE client each, counted for that many seconds (the defaults), with that
 *   PARLEY_TOKEN_COALESCE_MS (optional; without it the environment's, by default 0).</li>
 *   <li>{@code ./mvnw -B -q -pl bench exec:java -Dexec.args="router 5"}: nanoseconds per routing decision for a
 *   mix of turns against docs/backends.example.yaml (or the catalogue given as second argument), that many seconds
 *   of warm-up and of each measurement; starts no Parley.</li>
 *   <li>{@code ./mvnw -B -q -pl bench exec:java -Dexec.args="breaker 100000"}: how fast that many calls to a backend
 *   whose circuit breaker is open fail; starts no Parley.</li>
 *   <li>{@code ./mvnw -B -q -pl bench exec:java -Dexec.args="fairness 100 2 40"}: principal B's wait for its first
 *   token while principal A keeps that many calls outstanding at a backend running that many generations at once,
 *   over that many B turns, against B alone and B in A's own line (first come, first served); starts no Parley.</li>
 *   <li>{@code ./mvnw -B -q -pl bench exec:java -Dexec.args="fairness-gateway 100 2 40"}: the same end to end, with
 *   API keys: principal A keeps that many turns outstanding over as many sessions, the worker runs that many
 *   generations at once, and B's turns are timed from their POST to their first token over SSE, with the hop
 *   breakdown.</li>
 *   <li>{@code ./mvnw -B -q -pl bench exec:java -Dexec.args="batch 10 3"}: that many agents answered one after
 *   another and in one batch call, for that many rounds: time to the first agent and to the whole batch.
 *   <li>{@code ./mvnw -B -q -pl bench exec:java -Dexec.args="chaos 1000 20 1"}: that many turns over that many
 *   sessions against Parley as a cluster of processes ({@code LocalCluster}), with random kill -9s of workers,
 *   gateways and postprocess instances and one broker restart (random seed last), then the ledger audit; takes
 *   several minutes.</li>
 *   <li>{@code ./mvnw -B -q -pl bench exec:java -Dexec.args="compression 1200"}: characters and tokens of the fixed
 *   contexts in bench/src/main/resources/compression before and after prompt compression at that token budget;
 *   starts no Parley.</li>
 * </ol>
 * Every PARLEY_* variable of the environment reaches Parley (e.g. {@code PARLEY_EMBEDDINGS=none}); the results list
 * them.
 */
public final class Bench {

    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("java.awt.headless", "true");
        String scenario = args.length > 0 ? args[0] : "latency";
        List<String> rest = Arrays.asList(args).subList(Math.min(1, args.length), args.length);
        switch (scenario) {
            case "latency" -> new LatencyScenario(levels(arg(rest, 0, "1,10,50,200")), transports(arg(rest, 1, "both")),
                Integer.parseInt(arg(rest, 2, "30"))).run();
            case "fanout" -> new FanoutScenario(Integer.parseInt(arg(rest, 0, "200")),
                Integer.parseInt(arg(rest, 1, "10")), Integer.parseInt(arg(rest, 2, "60"))).run();
            case "burst" -> new BurstScenario(Integer.parseInt(arg(rest, 0, "50")), Integer.parseInt(arg(rest, 1, "30")),
                rest.size() > 2 ? rest.get(2) : null).run();
            case "router" -> new RouterBench(Integer.parseInt(arg(rest, 0, "5")), rest.size() > 1 ? rest.get(1) : null)
                .run();
            case "breaker" -> new BreakerBench(Integer.parseInt(arg(rest, 0, "100000"))).run();
            case "fairness" -> new FairnessBench(Integer.parseInt(arg(rest, 0, "100")), Integer.parseInt(arg(rest, 1, "2")),
                Integer.parseInt(arg(rest, 2, "40"))).run();
            case "fairness-gateway" -> new GatewayFairnessScenario(Integer.parseInt(arg(rest, 0, "100")),
                Integer.parseInt(arg(rest, 1, "2")), Integer.parseInt(arg(rest, 2, "40"))).run();
            case "compression" -> new CompressionBench(Integer.parseInt(arg(rest, 0, "1200"))).run();
            case "chaos" -> new ChaosScenario(Integer.parseInt(arg(rest, 0, "1000")), Integer.parseInt(arg(rest, 1, "20")),
                Long.parseLong(arg(rest, 2, "1"))).run();
            case "batch" -> new BatchScenario(Integer.parseInt(arg(rest, 0, "10")), Integer.parseInt(arg(rest, 1, "3")))
                .run();
            default -> throw new IllegalArgumentException("unknown scenario '" + scenario + "': latency, fanout, "
                + "burst, router, breaker, fairness, fairness-gateway, compression, chaos or batch (TokenPathBench's \"turns sessions sse|ws\" is now \"latency sessions sse|ws turns-per-session\")");
        }
        System.exit(0);
    }

    private static String arg(List<String> args, int index, String defaultValue) {
        return index < args.size() ? args.get(index) : defaultValue;
    }

    private static List<Integer> levels(String list) {
        return Arrays.stream(list.split(",")).map(String::trim).map(Integer::parseInt).toList();
    }

    private static List<Transport> transports(String which) {
        return switch (which) {
            case "sse" -> List.of(Transport.SSE);
            case "ws" -> List.of(Transport.WS);
            case "both" -> List.of(Transport.SSE, Transport.WS);
            default -> throw new IllegalArgumentException("transport '" + which + "': sse, ws or both");
        };
    }
}
