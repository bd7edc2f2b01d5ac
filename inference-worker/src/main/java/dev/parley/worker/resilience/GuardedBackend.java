package dev.parley.worker.resilience;

import dev.parley.schemas.telemetry.Tracing;
import dev.parley.worker.backend.BackendConfig;
import dev.parley.worker.backend.BackendException;
import dev.parley.worker.backend.BreakerSettings;
import dev.parley.worker.backend.ChatRequest;
import dev.parley.worker.backend.FailureKind;
import dev.parley.worker.backend.Generation;
import dev.parley.worker.backend.LlmBackend;
import dev.parley.worker.backend.StreamListener;
import dev.parley.worker.backend.TokenUsage;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import io.micrometer.core.instrument.Gauge;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One backend of the catalogue behind its circuit breaker (Resilience4j) and its bulkhead, with its metrics.
 * An open breaker fails a call at once with {@link FailureKind#BREAKER_OPEN}, before it queues; every failure
 * kind counts against the breaker, a cancelled call counts neither way.
 */
public final class GuardedBackend {

    private static final Logger log = LoggerFactory.getLogger(GuardedBackend.class);

    private final BackendConfig config;
    private final LlmBackend backend;
    private final Vertx vertx;
    private final CircuitBreaker breaker;
    private final Bulkhead bulkhead;
    private final BackendMetrics metrics;
    private final Tracer tracer = Tracing.tracer(Tracing.WORKER);

    GuardedBackend(BackendConfig config, LlmBackend backend, Vertx vertx, BackendMetrics metrics,
                   boolean spotlightJumpsQueue) {
        this.config = config;
        this.backend = backend;
        this.vertx = vertx;
        this.metrics = metrics;
        this.bulkhead = new Bulkhead(config.maxConcurrent(), spotlightJumpsQueue);
        this.breaker = CircuitBreaker.of(config.name(), breakerConfig(config.breaker()));
        breaker.getEventPublisher().onStateTransition(event -> {
            log.warn("Backend {}: circuit breaker {} → {}", config.name(),
                event.getStateTransition().getFromState(), event.getStateTransition().getToState());
            metrics.registry().counter("parley.backend.breaker.transitions", "backend", config.name(),
                "from", event.getStateTransition().getFromState().name().toLowerCase(java.util.Locale.ROOT),
                "to", event.getStateTransition().getToState().name().toLowerCase(java.util.Locale.ROOT)).increment();
        });
        Gauge.builder("parley.backend.breaker.state", breaker, b -> stateValue(b.getState()))
            .tag("backend", config.name()).description("0 closed, 1 open, 2 half-open, 3 other")
            .register(metrics.registry());
        Gauge.builder("parley.backend.queue", bulkhead, Bulkhead::waiting).tag("backend", config.name())
            .description("Calls waiting for a free slot (the bulkhead)").register(metrics.registry());
        Gauge.builder("parley.backend.active", bulkhead, Bulkhead::inUse).tag("backend", config.name())
            .description("Calls streaming now").register(metrics.registry());
    }

    public String name() {
        return config.name();
    }

    public BackendConfig config() {
        return config;
    }

    /** The breaker's state, e.g. CLOSED, OPEN, HALF_OPEN. */
    public CircuitBreaker.State breakerState() {
        return breaker.getState();
    }

    /** Closes the HTTP client, when it has one to close; generations still running end with it. */
    void closeClient() {
        if (backend instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                log.warn("closing the client of backend {} failed", config.name(), e);
            }
        }
    }

    /** Calls waiting in this backend's line. */
    public int waiting() {
        return bulkhead.waiting();
    }

    /**
     * Streams through the breaker and the bulkhead. The listener's calls always arrive on a Vert.x thread,
     * never inside this method. The line is fair across principals ({@link Bulkhead}); {@code priority} calls wait
     * ahead of their principal's other calls.
     *
     * @param principal who the call is for (null: anonymous)
     */
    public Generation stream(ChatRequest request, StreamListener listener, String principal, boolean priority) {
        metrics.request();
        Call call = new Call(request, listener);
        if (!breaker.tryAcquirePermission()) {
            call.rejected(); // fail fast, without waiting in line for a backend that is down
            return call;
        }
        call.permitted = true;
        call.ticket = bulkhead.acquire(principal, priority, call::granted);
        return call;
    }

    /** One call: holds its place in line, then its permission and its generation, and releases both once. */
    private final class Call implements Generation, StreamListener {
        private final ChatRequest request;
        private final StreamListener listener;
        private final AtomicBoolean over = new AtomicBoolean();
        private volatile Bulkhead.Ticket ticket;
        private volatile Generation generation;
        private volatile boolean permitted;
        private long startNanos;
        private long lastTokenNanos;
        /** The backend call's span, a child of the turn's; its trace context goes out with the HTTP request. */
        private final Span span;

        Call(ChatRequest request, StreamListener listener) {
            this.span = tracer.spanBuilder("backend " + config.name()).setSpanKind(SpanKind.CLIENT)
                .setParent(Tracing.fromTraceparent(request.traceparent()))
                .setAttribute("parley.backend", config.name()).startSpan();
            this.request = request.withTraceparent(Tracing.traceparent(span));
            this.listener = listener;
        }

        void granted() {
            if (over.get()) {
                return;
            }
            startNanos = System.nanoTime();
            generation = backend.stream(request, this);
            if (over.get()) {
                generation.cancel(); // cancelled while the request was being opened
            }
        }

        void rejected() {
            if (!over.compareAndSet(false, true)) {
                return;
            }
            metrics.failure(FailureKind.BREAKER_OPEN);
            span.setStatus(StatusCode.ERROR, FailureKind.BREAKER_OPEN.apiName());
            span.end();
            BackendException error = new BackendException(FailureKind.BREAKER_OPEN,
                "backend " + config.name() + " is failing: its circuit breaker is open");
            vertx.runOnContext(v -> listener.onError(error));
        }

        @Override
        public void onToken(String text) {
            tick();
            listener.onToken(text);
        }

        @Override
        public void onReasoning(String text) {
            tick();
            listener.onReasoning(text);
        }

        private void tick() {
            long now = System.nanoTime();
            if (lastTokenNanos == 0) {
                metrics.ttft(now - startNanos);
            } else {
                metrics.itl(now - lastTokenNanos);
            }
            lastTokenNanos = now;
        }

        @Override
        public void onComplete(String finishReason, TokenUsage usage) {
            if (over.compareAndSet(false, true)) {
                breaker.onSuccess(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
                metrics.success();
                span.end();
                release();
            }
            listener.onComplete(finishReason, usage);
        }

        @Override
        public void onError(BackendException error) {
            if (over.compareAndSet(false, true)) {
                breaker.onError(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS, error);
                metrics.failure(error.kind());
                span.setStatus(StatusCode.ERROR, error.kind().apiName());
                span.end();
                release();
            }
            listener.onError(error);
        }

        @Override
        public void cancel() {
            if (!over.compareAndSet(false, true)) {
                return;
            }
            metrics.cancelled();
            span.setAttribute("parley.cancelled", true);
            span.end();
            Generation running = generation;
            if (running != null) {
                running.cancel();
            }
            if (permitted) {
                breaker.releasePermission();
            }
            release();
        }

        private void release() {
            Bulkhead.Ticket held = ticket;
            if (held != null) {
                held.cancel();
            }
        }
    }

    private static CircuitBreakerConfig breakerConfig(BreakerSettings settings) {
        return CircuitBreakerConfig.custom()
            .slidingWindowType(SlidingWindowType.COUNT_BASED)
            .slidingWindowSize(settings.windowCalls())
            .minimumNumberOfCalls(Math.min(settings.minimumCalls(), settings.windowCalls()))
            .failureRateThreshold(settings.failureRatePercent())
            .waitDurationInOpenState(settings.openFor())
            .permittedNumberOfCallsInHalfOpenState(settings.halfOpenCalls())
            .automaticTransitionFromOpenToHalfOpenEnabled(false)
            .recordException(e -> e instanceof BackendException)
            .build();
    }

    private static int stateValue(CircuitBreaker.State state) {
        return switch (state) {
            case CLOSED -> 0;
            case OPEN, FORCED_OPEN -> 1;
            case HALF_OPEN -> 2;
            default -> 3;
        };
    }
}
