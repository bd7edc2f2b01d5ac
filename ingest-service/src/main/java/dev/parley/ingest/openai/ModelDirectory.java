package dev.parley.ingest.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.parley.schemas.config.Env;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The models an OpenAI-compatible client may name, and the route each one asks the worker for.
 *
 * <p>With a backend catalogue ({@value #CATALOGUE_FILE}), every route and every backend of the file is a model of its
 * own name (the worker answers a backend's name as a route of that backend alone); the file is the worker's, validated
 * by the worker's {@code CatalogueLoader}, so only the names are read here. Without one, the single configured model
 * ({@value #LLM_MODEL}) is the only model, and it leaves the route to the worker's router.
 */
public final class ModelDirectory {

    static final String CATALOGUE_FILE = "PARLEY_BACKENDS_FILE";
    static final String LLM_MODEL = "PARLEY_LLM_MODEL";
    /** The worker's default for {@value #LLM_MODEL}. */
    static final String DEFAULT_MODEL = "parley-simulator";

    private static final ObjectMapper YAML = new YAMLMapper();

    /** Model id → the route it asks for (null: the router decides). */
    private final Map<String, String> routes;

    ModelDirectory(Map<String, String> routes) {
        this.routes = new LinkedHashMap<>(routes);
    }

    /**
     * The models of the catalogue file when one is set, else the one configured model; an unreadable file is an
     * error recorded in {@code env}.
     */
    public static ModelDirectory fromEnvironment(Env env) {
        String file = env.string(CATALOGUE_FILE, null);
        if (file == null) {
            Map<String, String> single = new LinkedHashMap<>();
            single.put(env.string(LLM_MODEL, DEFAULT_MODEL), null);
            return new ModelDirectory(single);
        }
        try {
            return fromCatalogue(Path.of(file));
        } catch (IllegalArgumentException e) {
            env.error(e.getMessage()); // named with every other bad setting by the caller's Env#validate()
            return new ModelDirectory(Map.of());
        }
    }

    /** The routes and then the backends a catalogue file names, each a model of that name. */
    static ModelDirectory fromCatalogue(Path file) {
        JsonNode root;
        try {
            root = YAML.readTree(Files.readString(file)); // YAML is a superset of JSON: one reader for both
        } catch (IOException e) {
            throw new IllegalArgumentException(CATALOGUE_FILE + ": cannot read " + file + " (" + e.getMessage() + ")", e);
        }
        Map<String, String> models = new LinkedHashMap<>();
        for (String section : List.of("routes", "backends")) {
            JsonNode names = root == null ? null : root.get(section);
            if (names != null && names.isObject()) {
                names.fieldNames().forEachRemaining(name -> models.putIfAbsent(name, name));
            }
        }
        if (models.isEmpty()) {
            throw new IllegalArgumentException(CATALOGUE_FILE + ": " + file + " names no routes or backends");
        }
        return new ModelDirectory(models);
    }

    /** The model ids, routes first, in the catalogue's order. */
    public List<String> ids() {
        return new ArrayList<>(routes.keySet());
    }

    public boolean knows(String model) {
        return model != null && routes.containsKey(model);
    }

    /** The route a known model asks for; null leaves it to the worker's router. */
    public String routeOf(String model) {
        return routes.get(model);
    }
}
