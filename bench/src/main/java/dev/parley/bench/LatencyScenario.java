package dev.parley.bench;

import java.net.http.HttpClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * What Parley adds to a streamed reply at 1, 10, 50 and 200 concurrent streams: each stream is one session posting
 * its turns back to back (so contexts grow as in a chat), read over SSE (a POST, then a stream opened with
 * {@code ?turnId=} per turn) or over one WebSocket per session, against the baseline of the same number of streams
 * requesting the same reply straight from the simulator in the same run. Every reply is 40 tokens, 20 ms to the
 * first and 20 ms apart. Order at each concurrency: direct, then SSE, then WebSocket. A warm-up comes first: 50
 * streams, 20 turns each, per path; with a shorter one (10 streams, 10 turns) the JIT compilers still took a
 * quarter of the CPU time measured at 50 streams.
 */
final class LatencyScenario {

    static final int TOKENS = 40;
    static final String PROMPT = "benchmark\n#sim: tokens=" + TOKENS + " ttft_ms=20 itl_ms=20";
    private static final int WARM_UP_TURNS = 20;
    private static final int WARM_UP_STREAMS = 50;

    private final List<Integer> levels;
    private final List<Transport> transports;
    private final int turnsPerStream;

    /** One concurrency's results. */
    record Level(int concurrency, TurnLoad.Result direct, Map<Transport, TurnLoad.Result> parley,
                 Map<Transport, HopBreakdown> hops) {
    }

    LatencyScenario(List<Integer> levels, List<Transport> transports, int turnsPerStream) {
        this.levels = List.copyOf(levels);
        this.transports = List.copyOf(transports);
        this.turnsPerStream = turnsPerStream;
    }

    void run() throws Exception {
        List<Level> results = new ArrayList<>();
        Map<String, String> settings;
        try (BenchParley parley = BenchParley.start(Map.of())) {
            settings = parley.settings();
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            DirectStream direct = new DirectStream(http, parley.simulatorUrl());
            int warmUpStreams = WARM_UP_STREAMS; // as many at any level: the JIT needs the load, not the level
            progress("warm-up: %d streams × %d turns per path", warmUpStreams, WARM_UP_TURNS);
            TurnLoad.run(directStreams(direct, warmUpStreams), WARM_UP_TURNS);
            for (Transport transport : transports) {
                runParley(http, parley.url(), transport, warmUpStreams, WARM_UP_TURNS, new HopBreakdown());
            }
            for (int concurrency : levels) {
                TurnLoad.Result baseline = TurnLoad.run(directStreams(direct, concurrency), turnsPerStream);
                progress("%d streams, direct: %s", concurrency, brief(baseline));
                Map<Transport, TurnLoad.Result> through = new EnumMap<>(Transport.class);
                Map<Transport, HopBreakdown> hops = new EnumMap<>(Transport.class);
                for (Transport transport : transports) {
                    HopBreakdown breakdown = new HopBreakdown();
                    through.put(transport, runParley(http, parley.url(), transport, concurrency, turnsPerStream,
                        breakdown));
                    hops.put(transport, breakdown);
                    progress("%d streams, %s: %s", concurrency, transport.label(), brief(through.get(transport)));
                }
                results.add(new Level(concurrency, baseline, through, hops));
            }
        }
        report(results, settings);
    }

    private static List<Callable<TurnTiming>> directStreams(DirectStream direct, int concurrency) {
        List<Callable<TurnTiming>> streams = new ArrayList<>();
        for (int i = 0; i < concurrency; i++) {
            streams.add(() -> direct.turn(PROMPT, TOKENS));
        }
        return streams;
    }

    /** Opens the sessions (not timed), runs their turns, closes them. */
    private static TurnLoad.Result runParley(HttpClient http, String url, Transport transport, int concurrency,
                                             int turns, HopBreakdown hops) throws InterruptedException {
        List<ParleySession> sessions = new ArrayList<>();
        try {
            List<Callable<TurnTiming>> streams = new ArrayList<>();
            for (int i = 0; i < concurrency; i++) {
                ParleySession session = ParleySession.open(http, url, transport);
                sessions.add(session);
                streams.add(() -> session.turn(PROMPT, hops, TOKENS));
            }
            return TurnLoad.run(streams, turns);
        } finally {
            sessions.forEach(ParleySession::close);
        }
    }

    private static String brief(TurnLoad.Result result) {
        return String.format("%d turns, %d errors, %.0f s, first token p50 %s", result.turns(),
            result.errors().count(), result.seconds(), Report.ms(result.firstToken().percentile(50)));
    }

    private static void progress(String format, Object... args) {
        System.out.printf(format + "%n", args);
    }

    private void report(List<Level> results, Map<String, String> settings) {
        Report report = new Report("latency", "Added latency: Parley against a direct stream from the simulator");
        report.setup(String.format("Each stream is one session posting %d turns back to back; every reply is %d "
            + "tokens, 20 ms to the first, 20 ms apart (`%s`). The baseline is the same number of streams asking the "
            + "simulator directly, in the same run. Parley's clients ask for hop times (`?trace=true`). Times are as "
            + "the client received them, from just before the request; ITL is the gap between consecutive tokens. "
            + "Percentiles of turns that completed; errors are counted apart.", turnsPerStream, TOKENS,
            PROMPT.substring(PROMPT.indexOf('#'))), settings);
        report.put("turnsPerStream", turnsPerStream);
        report.put("prompt", PROMPT);
        turnsTable(report, results);
        addedTable(report, results);
        cpuTable(report, results);
        hopTables(report, results);
        errors(report, results);
        ProcessMemory memory = ProcessMemory.read();
        report.paragraph("Memory of the whole JVM at the end: " + memory.describe() + ".");
        report.put("memory", memory);
        report.put("levels", results.stream().map(this::summary).toList());
        Path chart = Report.resultsDirectory().resolve("latency.png");
        LatencyChart.write(chart, results, transports);
        report.paragraph("Chart: `latency.png` (added time to first token against concurrency).");
        report.put("chart", chart.getFileName().toString());
        report.write();
    }

    private void turnsTable(Report report, List<Level> results) {
        report.heading("## Turns");
        Report.Table table = report.table("streams", "path", "turns", "errors", "first token p50", "p95", "p99",
            "ITL p50", "p95", "p99", "last token p50", "p95", "p99", "last token → end p50", "p99", "tokens/s");
        for (Level level : results) {
            turnsRow(table, level.concurrency(), "direct to the simulator", level.direct());
            level.parley().forEach((transport, result) ->
                turnsRow(table, level.concurrency(), "Parley, " + transport.label(), result));
        }
        table.end();
    }

    private static void turnsRow(Report.Table table, int concurrency, String path, TurnLoad.Result r) {
        table.row(concurrency, path, r.turns(), r.errors().count(),
            Report.ms(r.firstToken().percentile(50)), Report.ms(r.firstToken().percentile(95)),
            Report.ms(r.firstToken().percentile(99)),
            Report.ms(r.interToken().percentile(50)), Report.ms(r.interToken().percentile(95)),
            Report.ms(r.interToken().percentile(99)),
            Report.ms(r.lastToken().percentile(50)), Report.ms(r.lastToken().percentile(95)),
            Report.ms(r.lastToken().percentile(99)),
            Report.ms(r.end().percentile(50)), Report.ms(r.end().percentile(99)),
            Report.number(r.tokensPerSecond(), 0));
    }

    private void addedTable(Report report, List<Level> results) {
        report.heading("## What Parley adds (Parley minus direct, percentile by percentile)");
        Report.Table table = report.table("streams", "transport", "first token p50", "p95", "p99", "ITL p50", "p95",
            "p99", "last token p50", "p95", "p99");
        for (Level level : results) {
            level.parley().forEach((transport, r) -> {
                List<Object> cells = new ArrayList<>(List.of(level.concurrency(), transport.label()));
                for (Latencies[] pair : pairs(r, level.direct())) {
                    for (double p : new double[] {50, 95, 99}) {
                        cells.add(Report.addedMs(pair[0].percentile(p) - pair[1].percentile(p)));
                    }
                }
                table.row(cells.toArray());
            });
        }
        table.end();
    }

    /** Parley's and direct's first token, ITL and last token, side by side. */
    private static List<Latencies[]> pairs(TurnLoad.Result parley, TurnLoad.Result direct) {
        return List.of(new Latencies[] {parley.firstToken(), direct.firstToken()},
            new Latencies[] {parley.interToken(), direct.interToken()},
            new Latencies[] {parley.lastToken(), direct.lastToken()});
    }

    private void cpuTable(Report report, List<Level> results) {
        report.heading("## CPU time per 1,000 tokens received (ms), by thread group");
        report.paragraph(ThreadCpu.NOTE);
        List<String> columns = new ArrayList<>(List.of("streams", "path", "tokens"));
        columns.addAll(ThreadCpu.Usage.columns());
        columns.add("VmRSS after");
        Report.Table table = report.table(columns.toArray(String[]::new));
        for (Level level : results) {
            cpuRow(table, level.concurrency(), "direct", level.direct());
            level.parley().forEach((transport, r) -> cpuRow(table, level.concurrency(), transport.label(), r));
        }
        table.end();
    }

    private static void cpuRow(Report.Table table, int concurrency, String path, TurnLoad.Result r) {
        List<Object> cells = new ArrayList<>(List.of(concurrency, path, r.tokens()));
        cells.addAll(r.cpu().cells(r.tokens()));
        cells.add(r.memory().rssKb() / 1024 + " MiB");
        table.row(cells.toArray());
    }

    private void hopTables(Report report, List<Level> results) {
        hopTable(report, results, true, HopBreakdown.FIRST, "## Per hop: a turn's first token (p50 / p95 / p99)");
        hopTable(report, results, false, HopBreakdown.LATER, "## Per hop: every later token (p50 / p95 / p99)");
    }

    private static void hopTable(Report report, List<Level> results, boolean first, List<String[]> hops,
                                 String heading) {
        report.heading(heading);
        List<String> columns = new ArrayList<>(List.of("hop"));
        results.forEach(level -> level.hops().keySet().forEach(t -> columns.add(level.concurrency() + ", "
            + t.label())));
        Report.Table table = report.table(columns.toArray(String[]::new));
        for (String[] hop : hops) {
            List<Object> cells = new ArrayList<>(List.of(hop[0]));
            for (Level level : results) {
                level.hops().values().forEach(breakdown -> {
                    Latencies values = breakdown.hop(first, hop[0]);
                    cells.add(String.format("%.2f / %.2f / %.2f", values.percentile(50), values.percentile(95),
                        values.percentile(99)));
                });
            }
            table.row(cells.toArray());
        }
        table.end();
    }

    private static void errors(Report report, List<Level> results) {
        List<String> lines = new ArrayList<>();
        for (Level level : results) {
            errorLine(lines, level.concurrency() + " streams, direct", level.direct());
            level.parley().forEach((t, r) -> errorLine(lines, level.concurrency() + " streams, " + t.label(), r));
        }
        report.heading("## Errors");
        report.paragraph(lines.isEmpty() ? "None: every turn completed with all its tokens." : String.join("\n", lines));
    }

    private static void errorLine(List<String> lines, String path, TurnLoad.Result r) {
        if (r.errors().count() > 0) {
            lines.add("- " + path + ": " + r.errors().count() + " — " + String.join("; ", r.errors().samples()));
        }
    }

    private Map<String, Object> summary(Level level) {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("concurrency", level.concurrency());
        summary.put("direct", level.direct().summary());
        Map<String, Object> added = new LinkedHashMap<>();
        Map<String, Object> hops = new LinkedHashMap<>();
        level.parley().forEach((transport, r) -> {
            summary.put(transport.key(), r.summary());
            List<Latencies[]> pairs = pairs(r, level.direct());
            Map<String, Object> figures = new LinkedHashMap<>();
            String[] names = {"firstToken", "interToken", "lastToken"};
            for (int i = 0; i < names.length; i++) {
                Map<String, Object> byPercentile = new LinkedHashMap<>();
                for (double p : new double[] {50, 95, 99}) {
                    byPercentile.put("p" + (int) p + "Ms",
                        Report.round(pairs.get(i)[0].percentile(p) - pairs.get(i)[1].percentile(p)));
                }
                figures.put(names[i], byPercentile);
            }
            added.put(transport.key(), figures);
            hops.put(transport.key(), level.hops().get(transport).summary());
        });
        summary.put("added", added);
        summary.put("hops", hops);
        return summary;
    }
}
