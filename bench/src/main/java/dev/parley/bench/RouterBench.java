package dev.parley.bench;

import dev.parley.schemas.config.Env;
import dev.parley.worker.catalogue.Catalogue;
import dev.parley.worker.catalogue.CatalogueLoader;
import dev.parley.worker.routing.RouteDecision;
import dev.parley.worker.routing.Router;
import dev.parley.worker.routing.TurnFacts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The {@code router} scenario: nanoseconds per {@link Router#decide} against docs/backends.example.yaml, for a mix of
 * turns that exercises every rule. No Parley is started; one thread, after a warm-up, so the JIT has compiled it.
 *
 * <p>JMH is not available offline, so a decision is timed two ways: in batches of {@value #BATCH} identical
 * decisions (the batch's time / {@value #BATCH}: the cost without the clock's), and one at a time (includes two
 * {@code System.nanoTime()} calls, about 20-40 ns: an upper bound that shows the tail, GC and JIT pauses included).
 * Every decision's route feeds a sink that is printed, so the JIT cannot drop the work.
 */
final class RouterBench {

    private static final int BATCH = 64;

    private final int seconds;
    private final Path catalogueFile;
    private long sink;

    RouterBench(int seconds, String catalogueFile) {
        this.seconds = seconds;
        this.catalogueFile = catalogueFile != null ? Path.of(catalogueFile) : findExample();
    }

    void run() {
        // the example's key variables, with stand-in values: no backend is called
        Catalogue catalogue = CatalogueLoader.load(catalogueFile, new Env(Map.of("LOCAL_KEY", "bench-no-key",
            "ANTHROPIC_API_KEY", "bench-no-key")));
        Router router = new Router(catalogue);
        Map<String, TurnFacts> turns = turns();
        Report report = new Report("router", "Router: time per decision");
        report.paragraph("Catalogue " + catalogueFile + ": " + catalogue.routes().size() + " routes, "
            + catalogue.router().rules().size() + " rules. One thread, " + Runtime.getRuntime().availableProcessors()
            + " cores, Java " + System.getProperty("java.version") + "; " + seconds + " s warm-up, then " + seconds
            + " s per way of timing. Batched: the time of " + BATCH + " identical decisions / " + BATCH
            + ". Single: one decision between two System.nanoTime() calls (their cost included).");
        measure(router, turns, TimeUnit.SECONDS.toNanos(seconds), false);
        Map<String, Histogram> batched = measure(router, turns, TimeUnit.SECONDS.toNanos(seconds), true);
        Map<String, Histogram> single = measure(router, turns, TimeUnit.SECONDS.toNanos(seconds), false);
        Report.Table table = report.table("turn", "decision (rule → route)", "batched p50", "batched p99",
            "single p50", "single p99", "single max");
        Map<String, Object> figures = new LinkedHashMap<>();
        for (Map.Entry<String, TurnFacts> turn : turns.entrySet()) {
            RouteDecision decision = router.decide(turn.getValue());
            Histogram b = batched.get(turn.getKey());
            Histogram s = single.get(turn.getKey());
            table.row(turn.getKey(), decision.rule() + " → " + decision.route(), ns(b, 50), ns(b, 99), ns(s, 50),
                ns(s, 99), s.getMaxValue() + " ns");
            figures.put(turn.getKey(), Map.of("rule", decision.rule(), "route", decision.route(),
                "batchedP50Ns", b.getValueAtPercentile(50), "batchedP99Ns", b.getValueAtPercentile(99),
                "singleP50Ns", s.getValueAtPercentile(50), "singleP99Ns", s.getValueAtPercentile(99),
                "singleMaxNs", s.getMaxValue(), "singleCount", s.getTotalCount()));
        }
        table.end();
        Histogram all = new Histogram(3);
        single.values().forEach(all::add);
        report.paragraph(String.format("All turns, one at a time: p50 %d ns, p99 %d ns, p99.9 %d ns, max %,d ns over "
            + "%,d decisions. (sink %d)", all.getValueAtPercentile(50), all.getValueAtPercentile(99),
            all.getValueAtPercentile(99.9), all.getMaxValue(), all.getTotalCount(), sink));
        report.put("catalogue", catalogueFile.toString());
        report.put("batch", BATCH);
        report.put("seconds", seconds);
        report.put("turns", figures);
        report.put("allSingle", Map.of("p50Ns", all.getValueAtPercentile(50), "p99Ns", all.getValueAtPercentile(99),
            "p999Ns", all.getValueAtPercentile(99.9), "maxNs", all.getMaxValue(), "count", all.getTotalCount()));
        report.write();
    }

    /** Round-robin over the turns until {@code nanos} have passed; one histogram of ns per decision per turn. */
    private Map<String, Histogram> measure(Router router, Map<String, TurnFacts> turns, long nanos, boolean batched) {
        Map<String, Histogram> histograms = new LinkedHashMap<>();
        List<String> names = new ArrayList<>(turns.keySet());
        List<TurnFacts> facts = new ArrayList<>(turns.values());
        names.forEach(name -> histograms.put(name, new Histogram(3)));
        Histogram[] byTurn = names.stream().map(histograms::get).toArray(Histogram[]::new);
        long until = System.nanoTime() + nanos;
        while (System.nanoTime() < until) {
            for (int i = 0; i < facts.size(); i++) {
                TurnFacts turn = facts.get(i);
                if (batched) {
                    long start = System.nanoTime();
                    for (int j = 0; j < BATCH; j++) {
                        sink += router.decide(turn).route().length();
                    }
                    byTurn[i].recordValue((System.nanoTime() - start) / BATCH);
                } else {
                    long start = System.nanoTime();
                    sink += router.decide(turn).route().length();
                    byTurn[i].recordValue(System.nanoTime() - start);
                }
            }
        }
        return histograms;
    }

    /** One turn per rule and per way around the rules, plus a paste bigger than the scan cap. */
    private static Map<String, TurnFacts> turns() {
        Map<String, TurnFacts> turns = new LinkedHashMap<>();
        turns.put("code fence", TurnFacts.of("Why does this hang?\n```java\nwhile (true) { poll(); }\n```"));
        turns.put("indented code", TurnFacts.of("It prints nothing:\n    print(items[0])\nwhat now"));
        turns.put("long (1,500 chars)", TurnFacts.of("The meeting notes say that ".repeat(56)));
        turns.put("small talk", TurnFacts.of("thanks, that helps"));
        turns.put("why question", TurnFacts.of("Why are Kafka partitions the unit of ordering?"));
        turns.put("sticky (recent deep)", new TurnFacts("and the second point", null, false,
            List.of("default", "deep")));
        turns.put("plain (default)", TurnFacts.of("Write a limerick about a lighthouse keeper."));
        turns.put("paste (20,000 chars)", TurnFacts.of("lorem ipsum dolor sit amet ".repeat(740)));
        turns.put("spotlight", new TurnFacts("Tell me about stream processing", null, true, List.of()));
        turns.put("requested", new TurnFacts("Compare these two designs", "staged", false, List.of()));
        return turns;
    }

    private static String ns(Histogram histogram, double percentile) {
        return histogram.getValueAtPercentile(percentile) + " ns";
    }

    /** docs/backends.example.yaml from the repository root or from a module directory (exec:java runs in bench/). */
    private static Path findExample() {
        for (Path candidate : List.of(Path.of("docs", "backends.example.yaml"),
            Path.of("..", "docs", "backends.example.yaml"))) {
            if (Files.exists(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("docs/backends.example.yaml not found from " + Path.of("").toAbsolutePath()
            + ": give the catalogue's path as the scenario's second argument");
    }
}
