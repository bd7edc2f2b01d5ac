package dev.parley.bench;

import dev.parley.worker.WorkerConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * As many tokens a second as this machine relays end to end: sessions posting replies of 500 tokens with no delay
 * ({@code tokens=500 ttft_ms=0 itl_ms=0}) back to back, each watched by one SSE client; counts the tokens and the
 * chunks (token events) the clients receive, second by second. With {@code PARLEY_TOKEN_COALESCE_MS} above 0 the
 * worker sends the text arriving within that window as one chunk, so a chunk may carry several tokens.
 */
final class BurstScenario {

    static final int TOKENS_PER_REPLY = 500;
    static final String PROMPT = "burst\n#sim: tokens=" + TOKENS_PER_REPLY + " ttft_ms=0 itl_ms=0";
    private static final int WARM_UP_SECONDS = 20;

    private final int sessions;
    private final int seconds;
    private final String coalesceMs;

    private final Errors errors = new Errors();
    private final Errors drops = new Errors();
    private final LongAdder tokensTotal = new LongAdder();
    private final LongAdder gaps = new LongAdder();
    private final AtomicLongArray tokensPerSecond;
    private final AtomicLongArray chunksPerSecond;
    private volatile long measureStart = Long.MAX_VALUE;
    private BackToBackTurns turns;

    /** @param coalesceMs PARLEY_TOKEN_COALESCE_MS for this run, or null to leave the environment's (default 0) */
    BurstScenario(int sessions, int seconds, String coalesceMs) {
        this.sessions = sessions;
        this.seconds = seconds;
        this.coalesceMs = coalesceMs;
        this.tokensPerSecond = new AtomicLongArray(seconds);
        this.chunksPerSecond = new AtomicLongArray(seconds);
    }

    void run() throws Exception {
        ThreadCpu.Usage cpu;
        Map<String, String> settings;
        boolean settled;
        long turnsEnded;
        int connected;
        try (BenchParley parley = BenchParley.start(coalesceMs == null ? Map.of()
                : Map.of(WorkerConfig.TOKEN_COALESCE_MS, coalesceMs));
             EventStreams http = new EventStreams(parley.port(), sessions)) {
            settings = parley.settings();
            turns = new BackToBackTurns(http, PROMPT, errors);
            List<String> ids = new ArrayList<>();
            ConcurrentLinkedQueue<EventStreams.Watcher> watchers = new ConcurrentLinkedQueue<>();
            for (int i = 0; i < sessions; i++) {
                String id = http.createSession().await();
                try {
                    watchers.add(http.watch(id, 0, new TurnOrder(), false, new Listener()).await());
                    ids.add(id);
                } catch (Exception e) {
                    errors.add("opening a client: " + Errors.describe(e));
                }
            }
            connected = watchers.size();
            turns.start(ids);
            System.out.printf("%d sessions producing; measuring after a %d s warm-up for %d s%n", ids.size(),
                WARM_UP_SECONDS, seconds);
            Thread.sleep(TimeUnit.SECONDS.toMillis(WARM_UP_SECONDS));
            ThreadCpu.Snapshot before = ThreadCpu.snapshot();
            measureStart = System.nanoTime();
            Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
            cpu = ThreadCpu.Usage.between(before, ThreadCpu.snapshot());
            settled = turns.stop(Duration.ofSeconds(60));
            Thread.sleep(1000);
            turnsEnded = turns.ended();
        }
        report(settings, connected, cpu, settled, turnsEnded);
    }

    /** Counts the clients' tokens and chunks into the second of the measured stretch they arrived in. */
    private final class Listener implements EventStreams.Listener {

        @Override
        public void onEvent(EventStreams.Watcher watcher, String type, String data, long receivedMicros) {
            if (type.equals("token")) {
                token((TurnOrder) watcher.state, data);
            } else if (!turns.onEnd(watcher.sessionId, type, data)) {
                errors.add("event " + type + ": " + data);
            }
        }

        private void token(TurnOrder order, String data) {
            int tokens = JsonFields.words(data, "text");
            tokensTotal.add(tokens);
            gaps.add(order.missedBefore(JsonFields.text(data, "turnId"), JsonFields.number(data, "seq")));
            long second = (System.nanoTime() - measureStart) / 1_000_000_000L;
            if (second >= 0 && second < seconds) {
                tokensPerSecond.addAndGet((int) second, tokens);
                chunksPerSecond.incrementAndGet((int) second);
            }
        }

        @Override
        public void onDropped(EventStreams.Watcher watcher, String why) {
            drops.add(why);
        }
    }

    private void report(Map<String, String> settings, int connected, ThreadCpu.Usage cpu, boolean settled,
                        long turnsEnded) {
        long[] tokens = values(tokensPerSecond);
        long[] chunks = values(chunksPerSecond);
        long tokenSum = Arrays.stream(tokens).sum();
        long chunkSum = Arrays.stream(chunks).sum();
        long[] sorted = tokens.clone();
        Arrays.sort(sorted);
        String coalesce = settings.getOrDefault(WorkerConfig.TOKEN_COALESCE_MS, "0");
        Report report = new Report("burst", "Burst: tokens relayed per second, end to end");
        report.setup(String.format("%d sessions, each posting replies of %d tokens with no delay (`%s`) back to "
            + "back and watched by one SSE client (the bench's Vert.x HTTP client); tokens and chunks counted as the "
            + "clients received them, over %d s after a %d s warm-up. %s=%s.", sessions, TOKENS_PER_REPLY,
            PROMPT.substring(PROMPT.indexOf('#')), seconds, WARM_UP_SECONDS, WorkerConfig.TOKEN_COALESCE_MS,
            coalesce), settings);
        report.heading("## Throughput");
        report.table("sessions", WorkerConfig.TOKEN_COALESCE_MS, "tokens", "tokens/s", "chunks", "chunks/s",
                "tokens per chunk", "tokens/s of a second: min", "p50", "max")
            .row(connected, coalesce, tokenSum, Report.number(tokenSum / (double) seconds, 0), chunkSum,
                Report.number(chunkSum / (double) seconds, 0), Report.number(tokenSum / (double) chunkSum, 2),
                sorted[0], sorted[sorted.length / 2], sorted[sorted.length - 1])
            .end();

        long expected = turnsEnded * TOKENS_PER_REPLY;
        report.heading("## Errors and completeness");
        report.table("errors", "clients dropped", "turns ended (whole run)", "tokens expected (turns × "
                + TOKENS_PER_REPLY + ")", "tokens received (whole run)", "gaps in a turn's seq")
            .row(errors.count(), drops.count(), turnsEnded, expected, tokensTotal.sum(), gaps.sum())
            .end();
        report.problems(settled ? List.of() : List.of("Turns still in flight 60 s after the last was posted: "
            + "expected and received may differ by their tokens."), drops, errors,
            "No errors, no client dropped.");

        report.heading("## CPU time per 1,000 tokens received (ms), by thread group");
        report.paragraph(ThreadCpu.NOTE);
        List<String> columns = new ArrayList<>(List.of("tokens"));
        columns.addAll(ThreadCpu.Usage.columns());
        List<Object> cells = new ArrayList<>(List.of(tokenSum));
        cells.addAll(cpu.cells(tokenSum));
        report.table(columns.toArray(String[]::new)).row(cells.toArray()).end();
        ProcessMemory memory = ProcessMemory.read();
        report.paragraph("Memory of the whole JVM at the end: " + memory.describe() + ".");

        report.put("sessions", sessions);
        report.put("clientsConnected", connected);
        report.put("prompt", PROMPT);
        report.put("tokenCoalesceMs", coalesce);
        report.put("warmUpSeconds", WARM_UP_SECONDS);
        report.put("measuredSeconds", seconds);
        report.put("tokens", tokenSum);
        report.put("tokensPerSecond", Report.round(tokenSum / (double) seconds));
        report.put("chunks", chunkSum);
        report.put("chunksPerSecond", Report.round(chunkSum / (double) seconds));
        report.put("tokensEachSecond", tokens);
        report.put("chunksEachSecond", chunks);
        report.put("turnsEnded", turnsEnded);
        report.put("tokensExpected", expected);
        report.put("tokensReceived", tokensTotal.sum());
        report.put("seqGaps", gaps.sum());
        report.put("turnsSettled", settled);
        report.put("cpu", cpu.summary(tokenSum));
        report.put("memory", memory);
        report.write();
    }

    private static long[] values(AtomicLongArray array) {
        long[] values = new long[array.length()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i);
        }
        return values;
    }
}
