package dev.parley.worker.resilience;

import dev.parley.worker.backend.BackendConfig;
import dev.parley.worker.backend.LlmBackend;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/** The catalogue's backends by name, each behind its breaker and bulkhead. */
public final class Backends implements AutoCloseable {

    private final Map<String, GuardedBackend> byName = new LinkedHashMap<>();

    /** Spotlight calls wait first within their principal's share of each line. */
    public Backends(Collection<BackendConfig> configs, Function<BackendConfig, LlmBackend> clientFor, Vertx vertx,
                    MeterRegistry registry) {
        this(configs, clientFor, vertx, registry, false);
    }

    /**
     * Builds a client for each backend with {@code clientFor} and guards it; {@link #close()} closes the clients.
     *
     * @param spotlightJumpsQueue spotlight calls go ahead of every principal's line, not just their own
     */
    public Backends(Collection<BackendConfig> configs, Function<BackendConfig, LlmBackend> clientFor, Vertx vertx,
                    MeterRegistry registry, boolean spotlightJumpsQueue) {
        for (BackendConfig config : configs) {
            byName.put(config.name(), new GuardedBackend(config, clientFor.apply(config), vertx,
                new BackendMetrics(registry, config.name()), spotlightJumpsQueue));
        }
    }

    /** The backend of this name; the catalogue was validated, so an unknown name is a bug. */
    public GuardedBackend get(String name) {
        GuardedBackend backend = byName.get(name);
        if (backend == null) {
            throw new IllegalArgumentException("no backend named " + name + " (have " + byName.keySet() + ")");
        }
        return backend;
    }

    public Collection<GuardedBackend> all() {
        return byName.values();
    }

    @Override
    public void close() {
        byName.values().forEach(GuardedBackend::closeClient);
    }
}
