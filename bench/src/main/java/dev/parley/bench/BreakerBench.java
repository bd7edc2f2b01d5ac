package dev.parley.bench;

import dev.parley.worker.backend.BackendConfig;
import dev.parley.worker.backend.BackendException;
import dev.parley.worker.backend.BackendKind;
import dev.parley.worker.backend.BreakerSettings;
import dev.parley.worker.backend.ChatMessage;
import dev.parley.worker.backend.ChatRequest;
import dev.parley.worker.backend.FailureKind;
import dev.parley.worker.backend.Generation;
import dev.parley.worker.backend.LlmBackend;
import dev.parley.worker.backend.StreamListener;
import dev.parley.worker.resilience.Backends;
import dev.parley.worker.resilience.GuardedBackend;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The {@code breaker} scenario: how fast a call to a backend whose circuit breaker is open fails. The backend's
 * client fails every call at once, so a few calls open the breaker (Resilience4j, as the worker configures it);
 * then each call is timed from {@link GuardedBackend#stream} to the listener's {@code onError} on the Vert.x
 * thread (what a turn waits before its next backend), and the synchronous part of {@code stream} alone.
 */
final class BreakerBench {

    private final int calls;

    BreakerBench(int calls) {
        this.calls = calls;
    }

    void run() throws Exception {
        Vertx vertx = Vertx.vertx();
        BackendConfig config = BackendConfig.of("down", BackendKind.OPENAI, "http://127.0.0.1:9/v1", "m")
            .withBreaker(new BreakerSettings(50, 4, 10, Duration.ofHours(1), 1));
        LlmBackend failing = (request, listener) -> {
            vertx.runOnContext(v -> listener.onError(new BackendException(FailureKind.CONNECT, "refused")));
            return () -> { };
        };
        try (Backends backends = new Backends(List.of(config), c -> failing, vertx, new SimpleMeterRegistry())) {
            GuardedBackend down = backends.get("down");
            ChatRequest request = new ChatRequest(null, List.of(ChatMessage.user("hi")));
            while (down.breakerState() != io.github.resilience4j.circuitbreaker.CircuitBreaker.State.OPEN) {
                call(down, request).get(5, TimeUnit.SECONDS);
            }
            Histogram total = new Histogram(3);
            Histogram sync = new Histogram(3);
            for (int round = 0; round < 2; round++) { // the first round warms the JIT up
                total.reset();
                sync.reset();
                for (int i = 0; i < calls; i++) {
                    long start = System.nanoTime();
                    CompletableFuture<Long> failed = call(down, request);
                    sync.recordValue(System.nanoTime() - start);
                    long at = failed.get(5, TimeUnit.SECONDS);
                    total.recordValue(at - start);
                }
            }
            Report report = new Report("breaker", "Circuit breaker: time to fail fast when open");
            report.paragraph("A backend whose breaker is open, " + calls + " calls one after another after as many "
                + "to warm up, one Vert.x event loop, " + Runtime.getRuntime().availableProcessors() + " cores, Java "
                + System.getProperty("java.version") + ".");
            Report.Table table = report.table("measured", "p50", "p99", "p99.9", "max");
            table.row("stream() → onError (on the Vert.x thread)", us(total, 50), us(total, 99), us(total, 99.9),
                us(total.getMaxValue()));
            table.row("stream() returns", us(sync, 50), us(sync, 99), us(sync, 99.9), us(sync.getMaxValue()));
            table.end();
            report.put("calls", calls);
            report.put("toOnErrorNs", Map.of("p50", total.getValueAtPercentile(50), "p99",
                total.getValueAtPercentile(99), "p999", total.getValueAtPercentile(99.9), "max", total.getMaxValue()));
            report.put("streamReturnsNs", Map.of("p50", sync.getValueAtPercentile(50), "p99",
                sync.getValueAtPercentile(99), "p999", sync.getValueAtPercentile(99.9), "max", sync.getMaxValue()));
            report.write();
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    /** One call; completes with System.nanoTime() when its error arrived. */
    private static CompletableFuture<Long> call(GuardedBackend backend, ChatRequest request) {
        CompletableFuture<Long> failed = new CompletableFuture<>();
        backend.stream(request, new StreamListener() {
            @Override
            public void onToken(String text) {
                failed.completeExceptionally(new IllegalStateException("a token from a failing backend"));
            }

            @Override
            public void onComplete(String finishReason, dev.parley.worker.backend.TokenUsage usage) {
                failed.completeExceptionally(new IllegalStateException("a failing backend completed"));
            }

            @Override
            public void onError(BackendException error) {
                failed.complete(System.nanoTime());
            }
        }, null, false);
        return failed;
    }

    private static String us(Histogram histogram, double percentile) {
        return us(histogram.getValueAtPercentile(percentile));
    }

    private static String us(long nanos) {
        return String.format("%.1f µs", nanos / 1000.0);
    }
}
