package dev.parley.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Concurrent streams, each running its turns back to back on a thread of its own ({@code bench-stream-N}), timed
 * turn by turn. A turn that takes longer than the turn timeout is interrupted and counted as an error; the stream
 * goes on with its next turn.
 */
final class TurnLoad {

    static final Duration TURN_TIMEOUT = Duration.ofSeconds(60);

    private TurnLoad() {
    }

    /** What one path (direct, SSE or WebSocket) gave at one concurrency. */
    record Result(int concurrency, long turns, long tokens, Latencies firstToken, Latencies interToken,
                  Latencies lastToken, Latencies end, Errors errors, double seconds, ThreadCpu.Usage cpu,
                  ProcessMemory memory) {

        double tokensPerSecond() {
            return tokens / seconds;
        }

        /** Every figure, for the JSON results. */
        Map<String, Object> summary() {
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("concurrency", concurrency);
            summary.put("turnsCompleted", turns);
            summary.put("errors", errors.count());
            summary.put("errorSamples", errors.samples());
            summary.put("tokens", tokens);
            summary.put("seconds", Report.round(seconds));
            summary.put("tokensPerSecond", Report.round(tokensPerSecond()));
            summary.put("firstToken", firstToken.summary());
            summary.put("interToken", interToken.summary());
            summary.put("lastToken", lastToken.summary());
            summary.put("lastTokenToEnd", end.summary());
            summary.put("cpu", cpu.summary(tokens));
            summary.put("vmRssKbAfter", memory.rssKb());
            return summary;
        }
    }

    /**
     * Runs {@code turnsPerStream} turns on each stream, all streams at once; the CPU time is taken from just before
     * the first turn to just after the last.
     */
    static Result run(List<Callable<TurnTiming>> streams, int turnsPerStream) throws InterruptedException {
        Latencies first = new Latencies();
        Latencies gaps = new Latencies();
        Latencies last = new Latencies();
        Latencies end = new Latencies();
        Errors errors = new Errors();
        AtomicLong turns = new AtomicLong();
        AtomicLong tokens = new AtomicLong();
        ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(
            task -> new Thread(task, "bench-watchdog"));
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < streams.size(); i++) {
            Callable<TurnTiming> stream = streams.get(i);
            threads.add(new Thread(() -> {
                for (int turn = 0; turn < turnsPerStream; turn++) {
                    Thread self = Thread.currentThread();
                    ScheduledFuture<?> alarm = watchdog.schedule(self::interrupt, TURN_TIMEOUT.toMillis(),
                        TimeUnit.MILLISECONDS);
                    try {
                        TurnTiming timing = stream.call();
                        first.recordMillis(timing.firstToken());
                        last.recordMillis(timing.lastToken());
                        end.recordMillis(timing.end() - timing.lastToken());
                        for (double gap : timing.gaps()) {
                            gaps.recordMillis(gap);
                        }
                        turns.incrementAndGet();
                        tokens.addAndGet(timing.tokens());
                    } catch (Exception e) {
                        errors.add(alarm.isDone() ? "no end within " + TURN_TIMEOUT.toSeconds() + " s: "
                            + Errors.describe(e) : Errors.describe(e));
                    } finally {
                        cancel(alarm);
                    }
                }
            }, "bench-stream-" + i));
        }
        ThreadCpu.Snapshot before = ThreadCpu.snapshot();
        threads.forEach(Thread::start);
        for (Thread thread : threads) {
            thread.join();
        }
        ThreadCpu.Usage cpu = ThreadCpu.Usage.between(before, ThreadCpu.snapshot());
        watchdog.shutdownNow();
        return new Result(streams.size(), turns.get(), tokens.get(), first, gaps, last, end, errors,
            cpu.wallMs() / 1000.0, cpu, ProcessMemory.read());
    }

    /** Stops the alarm; if it already went off, waits for it and clears the interrupt it left. */
    private static void cancel(ScheduledFuture<?> alarm) {
        if (!alarm.cancel(false)) {
            while (!alarm.isDone()) {
                Thread.onSpinWait();
            }
        }
        Thread.interrupted();
    }
}
