package dev.parley.worker.resilience;

import dev.parley.schemas.telemetry.ServiceMetrics;
import dev.parley.worker.backend.FailureKind;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One backend's meters: requests, outcomes by failure kind, TTFT and inter-token latency. */
final class BackendMetrics {

    private final MeterRegistry registry;
    private final String backend;
    private final Counter requests;
    private final Counter successes;
    private final Counter cancels;
    private final Map<FailureKind, Counter> failures = new EnumMap<>(FailureKind.class);
    private final Timer ttft;
    private final Timer itl;

    BackendMetrics(MeterRegistry registry, String backend) {
        this.registry = registry;
        this.backend = backend;
        this.requests = Counter.builder("parley.backend.requests").tag("backend", backend)
            .description("Calls to the backend, including those its breaker rejected").register(registry);
        this.successes = Counter.builder("parley.backend.successes").tag("backend", backend).register(registry);
        this.cancels = Counter.builder("parley.backend.cancels").tag("backend", backend)
            .description("Calls stopped by a cancel, a fallback or a lost partition").register(registry);
        for (FailureKind kind : FailureKind.values()) {
            failures.put(kind, Counter.builder("parley.backend.failures").tag("backend", backend)
                .tag("kind", kind.apiName()).register(registry));
        }
        this.ttft = latency("parley.backend.ttft", "From sending the request to the first token");
        this.itl = latency("parley.backend.itl", "Between two tokens of one stream");
    }

    private Timer latency(String name, String description) {
        return ServiceMetrics.latency(registry, name, description, "backend", backend);
    }

    MeterRegistry registry() {
        return registry;
    }

    void request() {
        requests.increment();
    }

    void success() {
        successes.increment();
    }

    void cancelled() {
        cancels.increment();
    }

    void failure(FailureKind kind) {
        failures.get(kind).increment();
    }

    void ttft(long nanos) {
        ttft.record(nanos, TimeUnit.NANOSECONDS);
    }

    void itl(long nanos) {
        itl.record(nanos, TimeUnit.NANOSECONDS);
    }
}
