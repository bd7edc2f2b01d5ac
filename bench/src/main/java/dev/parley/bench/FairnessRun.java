package dev.parley.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What both fair-queuing scenarios measure and report: principal B's turns, one after another, timed from their
 * request to their first token; alone, while principal A floods (B in a lane of its own), and sent as A (B at the
 * back of A's lane: the single first-come-first-served line Parley had before fair queuing).
 */
final class FairnessRun {

    /** One of B's turns: milliseconds from its request to its first token; returns once the turn has ended. */
    interface Turn {
        double firstTokenMs(HopBreakdown hops) throws Exception;
    }

    /** Principal A: keeps its backlog outstanding from {@code start} until {@code stop}, which waits for the last. */
    interface Flood {
        void start() throws Exception;

        void stop() throws Exception;
    }

    /** One row: B's waits for a first token, and their hop times where Parley gave them. */
    record Row(String key, String label, Latencies firstToken, HopBreakdown hops) {
    }

    private FairnessRun() {
    }

    /**
     * Warms up with {@code rounds} of B's turns, then times them alone, while A floods, and (a quarter as many: each
     * waits for the whole flood) sent as A.
     */
    static List<Row> measure(Turn asB, Turn asA, Flood flood, int rounds) throws Exception {
        timed(asB, rounds, new HopBreakdown()); // warm-up: connections, JIT
        Row alone = row("alone", "alone (A idle)", asB, rounds);
        flood.start();
        try {
            Row fair = row("fair", "A floods, B its own principal (fair queuing)", asB, rounds);
            Row fifo = row("fifo", "A floods, B in A's lane (first come, first served, as before)", asA,
                Math.max(3, rounds / 4));
            return List.of(alone, fair, fifo);
        } finally {
            flood.stop();
        }
    }

    private static Row row(String key, String label, Turn turn, int turns) throws Exception {
        HopBreakdown hops = new HopBreakdown();
        Latencies waits = timed(turn, turns, hops);
        System.out.printf("%s: %d turns, first token p50 %s%n", label, waits.count(), Report.ms(waits.percentile(50)));
        return new Row(key, label, waits, hops);
    }

    private static Latencies timed(Turn turn, int turns, HopBreakdown hops) throws Exception {
        Latencies waits = new Latencies();
        for (int i = 0; i < turns; i++) {
            waits.recordMillis(turn.firstTokenMs(hops));
        }
        return waits;
    }

    /** The rows' p50, p90, max and added p50 (against B alone), in the markdown and the JSON. */
    static void table(Report report, String firstColumn, List<Row> rows) {
        Report.Table table = report.table(firstColumn, "turns", "p50", "p90", "max", "added p50");
        double base = rows.get(0).firstToken().percentile(50);
        Map<String, Object> figures = new LinkedHashMap<>();
        Map<String, Object> added = new LinkedHashMap<>();
        for (Row row : rows) {
            Latencies waits = row.firstToken();
            table.row(row.label(), waits.count(), Report.ms(waits.percentile(50)), Report.ms(waits.percentile(90)),
                Report.ms(waits.max()), Report.addedMs(waits.percentile(50) - base));
            Map<String, Object> figure = new LinkedHashMap<>();
            figure.put("p50", Report.round(waits.percentile(50)));
            figure.put("p90", Report.round(waits.percentile(90)));
            figure.put("max", Report.round(waits.max()));
            figures.put(row.key(), figure);
            if (row != rows.get(0)) {
                added.put(row.key(), Report.round(waits.percentile(50) - base));
            }
        }
        table.end();
        report.put("firstTokenMs", figures);
        report.put("addedP50Ms", added);
    }

    /** Where B's first token's time goes in each row: the p50 of each hop ({@link HopBreakdown#FIRST}). */
    static void hopTable(Report report, List<Row> rows) {
        List<String> columns = new ArrayList<>(List.of("hop (p50)"));
        rows.forEach(row -> columns.add(row.key()));
        Report.Table table = report.table(columns.toArray(String[]::new));
        Map<String, Object> figures = new LinkedHashMap<>();
        for (String[] hop : HopBreakdown.FIRST) {
            List<Object> cells = new ArrayList<>(List.of(hop[0]));
            rows.forEach(row -> cells.add(Report.ms(row.hops().hop(true, hop[0]).percentile(50))));
            table.row(cells.toArray());
        }
        table.end();
        rows.forEach(row -> figures.put(row.key(), row.hops().summary()));
        report.put("hops", figures);
    }
}
