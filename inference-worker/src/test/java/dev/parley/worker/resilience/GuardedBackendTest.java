package dev.parley.worker.resilience;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import dev.parley.worker.backend.TokenUsage;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** A backend's breaker and bulkhead, with a client the test controls (no HTTP). */
class GuardedBackendTest {

    private static final ChatRequest REQUEST = new ChatRequest(null, List.of(ChatMessage.user("hi")));

    private Vertx vertx;
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final LlmBackend client = (request, listener) -> {
        Call call = new Call(listener);
        calls.add(call);
        return call;
    };

    /** A call the client received: the test ends it. */
    private final class Call implements Generation {
        final StreamListener listener;
        final AtomicBoolean cancelled = new AtomicBoolean();

        Call(StreamListener listener) {
            this.listener = listener;
        }

        void succeed() {
            vertx.runOnContext(v -> listener.onComplete("stop", new TokenUsage(1, 1)));
        }

        void fail() {
            vertx.runOnContext(v -> listener.onError(new BackendException(FailureKind.HTTP_5XX, "HTTP 503")));
        }

        @Override
        public void cancel() {
            cancelled.set(true);
        }
    }

    /** What a caller saw. */
    private static final class Outcome implements StreamListener {
        volatile String result;

        @Override
        public void onToken(String text) {
        }

        @Override
        public void onComplete(String finishReason, TokenUsage usage) {
            result = "completed";
        }

        @Override
        public void onError(BackendException error) {
            result = error.kind().apiName();
        }
    }

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
    }

    @AfterEach
    void stop() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    private GuardedBackend backend(int maxConcurrent, BreakerSettings breaker) {
        BackendConfig config = BackendConfig.of("b", BackendKind.OPENAI, "http://127.0.0.1:1/v1", "m")
            .withMaxConcurrent(maxConcurrent).withBreaker(breaker);
        return new Backends(List.of(config), c -> client, vertx, new SimpleMeterRegistry()).get("b");
    }

    @Test
    @DisplayName("the breaker opens after its failures, rejects without calling, probes after openFor and closes on success")
    void breakerTransitions() {
        GuardedBackend backend = backend(10, new BreakerSettings(50, 2, 2, Duration.ofMillis(200), 1));
        for (int i = 0; i < 2; i++) {
            Outcome outcome = new Outcome();
            backend.stream(REQUEST, outcome, null, false);
            calls.get(i).fail();
            await().until(() -> outcome.result != null);
            assertEquals("http_5xx", outcome.result);
        }
        assertEquals(CircuitBreaker.State.OPEN, backend.breakerState());
        Outcome rejected = new Outcome();
        backend.stream(REQUEST, rejected, null, false);
        await().until(() -> rejected.result != null);
        assertEquals(FailureKind.BREAKER_OPEN.apiName(), rejected.result);
        assertEquals(2, calls.size(), "an open breaker does not call the backend");

        Outcome[] probe = new Outcome[1];
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> {
            Outcome attempt = new Outcome();
            backend.stream(REQUEST, attempt, null, false); // rejected until openFor has passed, then the probe
            probe[0] = attempt;
            return calls.size() == 3;
        });
        assertEquals(CircuitBreaker.State.HALF_OPEN, backend.breakerState());
        calls.get(2).succeed();
        await().until(() -> "completed".equals(probe[0].result));
        assertEquals(CircuitBreaker.State.CLOSED, backend.breakerState());
    }

    @Test
    @DisplayName("the bulkhead holds calls beyond its size in line, spotlight calls first; a cancel leaves the line")
    void bulkhead() {
        GuardedBackend backend = backend(1, BreakerSettings.DEFAULT);
        Outcome first = new Outcome();
        Outcome normal = new Outcome();
        Outcome cancelled = new Outcome();
        Outcome spotlight = new Outcome();
        backend.stream(REQUEST, first, null, false);
        backend.stream(REQUEST, normal, null, false);
        Generation leaving = backend.stream(REQUEST, cancelled, null, false);
        backend.stream(REQUEST, spotlight, null, true);
        assertEquals(1, calls.size());
        assertEquals(3, backend.waiting());
        leaving.cancel();
        assertEquals(2, backend.waiting());

        calls.get(0).succeed();
        await().until(() -> calls.size() == 2);
        assertTrue(calls.get(1).listener != null);
        calls.get(1).succeed();
        await().until(() -> "completed".equals(spotlight.result));
        assertEquals(null, normal.result, "the spotlight call went first");
        await().until(() -> calls.size() == 3);
        calls.get(2).succeed();
        await().until(() -> "completed".equals(normal.result));
        assertEquals(null, cancelled.result, "a call cancelled in line hears nothing");
        assertEquals(0, backend.waiting());
    }

    @Test
    @DisplayName("a cancel stops the running call and frees its slot for the next in line")
    void cancelFreesTheSlot() {
        GuardedBackend backend = backend(1, BreakerSettings.DEFAULT);
        Generation running = backend.stream(REQUEST, new Outcome(), null, false);
        Outcome next = new Outcome();
        backend.stream(REQUEST, next, null, false);
        assertEquals(1, backend.waiting());
        running.cancel();
        assertTrue(calls.get(0).cancelled.get());
        await().until(() -> calls.size() == 2);
        calls.get(1).succeed();
        await().until(() -> "completed".equals(next.result));
    }

    @Test
    @DisplayName("the line is fair across principals: a flood from one does not hold another's call back more than one slot")
    void fairAcrossPrincipals() {
        GuardedBackend backend = backend(1, BreakerSettings.DEFAULT);
        List<Outcome> flood = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Outcome outcome = new Outcome();
            flood.add(outcome);
            backend.stream(REQUEST, outcome, "alice", false);
        }
        Outcome bob = new Outcome();
        backend.stream(REQUEST, bob, "bob", false);
        assertEquals(20, backend.waiting());

        calls.get(0).succeed(); // alice's first call ends: her second starts, then bob's
        await().until(() -> calls.size() == 2);
        calls.get(1).succeed();
        await().until(() -> calls.size() == 3);
        calls.get(2).succeed();
        await().until(() -> "completed".equals(bob.result));
        assertEquals(null, flood.get(2).result, "bob's call ran third, before alice's third");
    }
}
