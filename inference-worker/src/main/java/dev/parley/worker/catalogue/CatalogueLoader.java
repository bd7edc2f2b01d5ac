package dev.parley.worker.catalogue;

import dev.parley.schemas.config.Env;
import dev.parley.worker.backend.BackendConfig;

/** STUB until the catalogue branch lands. */
public final class CatalogueLoader {
    public static Catalogue load(Env env) {
        return Catalogue.single(BackendConfig.fromEnvironment(env));
    }
}
