package dev.parley.worker.catalogue;

import dev.parley.worker.backend.BackendConfig;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The worker's LLM backends, the routes over them and how the router picks a route; validated by its loader.
 * Every backend is also a route of its own name (that backend alone, no fallback) unless a declared route has the name,
 * so a client can ask for one backend by name (a turn's {@code route}, an OpenAI request's {@code model}).
 */
public record Catalogue(Map<String, BackendConfig> backends, Map<String, Route> routes, RouterSettings router) {

    public Catalogue {
        // insertion order is the file's order: logs, probes and error messages follow it
        backends = Collections.unmodifiableMap(new LinkedHashMap<>(backends));
        Map<String, Route> all = new LinkedHashMap<>(routes);
        backends.keySet().forEach(name -> all.putIfAbsent(name, Route.of(name, List.of(name))));
        routes = Collections.unmodifiableMap(all);
        Objects.requireNonNull(router, "router");
    }

    /** The simple setup: this one backend, one route {@code default} to it, every turn on that route. */
    public static Catalogue single(BackendConfig backend) {
        Route route = Route.of(RouterSettings.DEFAULT_ROUTE, List.of(backend.name()));
        return new Catalogue(Map.of(backend.name(), backend), Map.of(route.name(), route),
            RouterSettings.defaultOnly(route.name()));
    }
}
