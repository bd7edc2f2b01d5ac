package dev.parley.worker.catalogue;

import dev.parley.worker.backend.BackendConfig;
import java.util.List;
import java.util.Map;

/** STUB until the catalogue branch lands. */
public record Catalogue(Map<String, BackendConfig> backends, Map<String, Route> routes, Object router) {
    public static Catalogue single(BackendConfig backend) {
        return new Catalogue(Map.of(backend.name(), backend), Map.of("default", new Route("default",
            List.of(new Stage("answer", List.of(backend.name()), null)))), null);
    }
}
