package dev.parley.bench;

import dev.parley.worker.backend.BackendConfig;
import dev.parley.worker.backend.BackendException;
import dev.parley.worker.backend.BackendKind;
import dev.parley.worker.backend.ChatMessage;
import dev.parley.worker.backend.ChatRequest;
import dev.parley.worker.backend.HttpBackend;
import dev.parley.worker.backend.StreamListener;
import dev.parley.worker.backend.TokenUsage;
import dev.parley.worker.resilience.Backends;
import dev.parley.worker.resilience.GuardedBackend;
import dev.parley.worker.simulator.LlmSimulator;
import dev.parley.worker.simulator.SimulatorConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@code fairness} scenario: how long principal B's turn waits for its first token while principal A keeps a
 * backend's line full, against B alone. One backend with {@code permits} generations at once, a real HTTP simulator
 * behind it (time to first token 50 ms, 20 tokens 2 ms apart), the worker's {@link GuardedBackend} with its fair
 * bulkhead in between. A keeps {@code backlog} calls outstanding (a new one as each ends); B sends its turns one
 * after another and each is timed from {@code stream()} to its first token. For reference, the same B turns sent as
 * A's own principal wait at the back of A's line: the single first-come-first-served line Parley had before fair
 * queuing. Starts no Parley: it measures the queue discipline, not the token path ({@link GatewayFairnessScenario}
 * measures it end to end). What both share is in {@link FairnessRun}.
 */
final class FairnessBench {

    private static final ChatRequest REQUEST = new ChatRequest(null, List.of(ChatMessage.user("hello")));

    private final int backlog;
    private final int permits;
    private final int rounds;

    FairnessBench(int backlog, int permits, int rounds) {
        this.backlog = backlog;
        this.permits = permits;
        this.rounds = rounds;
    }

    void run() throws Exception {
        Vertx vertx = Vertx.vertx();
        SimulatorConfig reply = SimulatorConfig.defaults().withTimeToFirstToken(Duration.ofMillis(50))
            .withInterTokenLatency(Duration.ofMillis(2)).withReplyTokens(20);
        LlmSimulator simulator = LlmSimulator.start(vertx, 0, reply);
        BackendConfig config = BackendConfig.of("gpu", BackendKind.OPENAI, simulator.baseUrl(), "m")
            .withMaxConcurrent(permits);
        try (Backends backends = new Backends(List.of(config), c -> HttpBackend.create(vertx, c), vertx,
                new SimpleMeterRegistry())) {
            GuardedBackend gpu = backends.get("gpu");
            List<FairnessRun.Row> rows = FairnessRun.measure(hops -> firstTokenMs(gpu, "bob"),
                hops -> firstTokenMs(gpu, Flood.PRINCIPAL), new Flood(gpu, backlog), rounds);

            Report report = new Report("fairness", "Fair queuing: B's wait for its first token while A floods");
            report.paragraph("One backend running " + permits + " generation(s) at once behind the worker's breaker "
                + "and bulkhead, an HTTP simulator replying 20 tokens (first after 50 ms, then every 2 ms). Principal A "
                + "keeps " + backlog + " calls outstanding; principal B sends " + rounds + " turns one after another, "
                + "each timed from stream() to its first token. The last row sends B's turns as A's own principal: "
                + "the one first-come-first-served line of before fair queuing. "
                + Runtime.getRuntime().availableProcessors() + " cores, Java " + System.getProperty("java.version")
                + ".");
            FairnessRun.table(report, "B's turn", rows);
            report.put("backlog", backlog);
            report.put("permits", permits);
            report.put("rounds", rounds);
            report.write();
        } finally {
            simulator.close();
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    /** One of B's turns: stream() → first token in milliseconds; returns once the reply has ended. */
    private static double firstTokenMs(GuardedBackend gpu, String principal) throws Exception {
        CompletableFuture<Long> firstToken = new CompletableFuture<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        long start = System.nanoTime();
        gpu.stream(REQUEST, new StreamListener() {
            @Override
            public void onToken(String text) {
                firstToken.complete(System.nanoTime());
            }

            @Override
            public void onComplete(String finishReason, TokenUsage usage) {
                done.complete(null);
            }

            @Override
            public void onError(BackendException error) {
                firstToken.completeExceptionally(error);
                done.completeExceptionally(error);
            }
        }, principal, false);
        double millis = (firstToken.get(2, TimeUnit.MINUTES) - start) / 1e6;
        done.get(2, TimeUnit.MINUTES);
        return millis;
    }

    /** Principal A: keeps {@code backlog} calls outstanding until stopped, then waits for the last to end. */
    private static final class Flood implements FairnessRun.Flood {
        static final String PRINCIPAL = "alice";

        private final GuardedBackend gpu;
        private final int backlog;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicInteger outstanding = new AtomicInteger();
        private final CompletableFuture<Void> drained = new CompletableFuture<>();

        Flood(GuardedBackend gpu, int backlog) {
            this.gpu = gpu;
            this.backlog = backlog;
        }

        @Override
        public void start() {
            for (int i = 0; i < backlog; i++) {
                send();
            }
        }

        private void send() {
            outstanding.incrementAndGet();
            gpu.stream(REQUEST, new StreamListener() {
                @Override
                public void onToken(String text) {
                }

                @Override
                public void onComplete(String finishReason, TokenUsage usage) {
                    ended();
                }

                @Override
                public void onError(BackendException error) {
                    ended();
                }
            }, PRINCIPAL, false);
        }

        private void ended() {
            if (running.get()) {
                send(); // before giving this one up, so the line never runs short
            }
            if (outstanding.decrementAndGet() == 0 && !running.get()) {
                drained.complete(null);
            }
        }

        @Override
        public void stop() throws Exception {
            running.set(false);
            if (outstanding.get() > 0) {
                drained.get(5, TimeUnit.MINUTES);
            }
        }
    }
}
