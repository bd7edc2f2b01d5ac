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

    /** Builds a client for each backend with {@code clientFor} and guards it; {@link #close()} closes the clients. */
    public Backends(Collection<BackendConfig> configs, Function<BackendConfig, LlmBackend> clientFor, Vertx vertx,
                    MeterRegistry registry) {
        for (BackendConfig config : configs) {
            byName.put(config.name(), new GuardedBackend(config, clientFor.apply(config), vertx,
                new BackendMetrics(registry, config.name())));
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
