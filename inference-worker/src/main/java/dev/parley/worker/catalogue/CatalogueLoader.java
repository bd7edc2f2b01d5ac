package dev.parley.worker.catalogue;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.parley.schemas.config.Env;
import dev.parley.worker.backend.BackendConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Loads the worker's {@link Catalogue} at start and refuses a bad one naming every problem at once
 * ({@link CatalogueException}).
 *
 * <p>With {@value #FILE} set, the catalogue is that YAML or JSON file (see docs/backends.example.yaml); otherwise it
 * is {@link Catalogue#single} of the {@code PARLEY_LLM_*} backend ({@link BackendConfig#fromEnvironment}), whose bad
 * values are left in the {@link Env} for the caller's {@link Env#validate()}, as before.
 *
 * <p>Environment overrides, applied over the file, for a backend named NAME (upper-cased, {@code -} → {@code _}):
 * <ul>
 *   <li>{@code PARLEY_BACKEND_<NAME>_URL} – its URL</li>
 *   <li>{@code PARLEY_BACKEND_<NAME>_MODEL} – its model</li>
 *   <li>{@code PARLEY_BACKEND_<NAME>_API_KEY} – the key itself (e.g. injected by a secret manager); it replaces the
 *       file's apiKeyEnv/apiKeyFile</li>
 *   <li>{@code PARLEY_BACKEND_<NAME>_MAX_CONCURRENT} – its bulkhead size</li>
 *   <li>{@code PARLEY_BACKEND_<NAME>_STREAM} – {@code true} or {@code false}</li>
 * </ul>
 * An override for a backend the file does not name is ignored (the environment is not listed here).
 *
 * <p>Keys never appear in the file (an {@code apiKey} field is refused), in problems or in logs.
 */
public final class CatalogueLoader {

    /** The catalogue file's path; {@code .json} is read as JSON, anything else as YAML (unless it starts with '{'). */
    public static final String FILE = "PARLEY_BACKENDS_FILE";

    private static final Set<String> TOP_FIELDS = Set.of("backends", "routes", "router");
    private static final ObjectMapper YAML = YAMLMapper.builder()
        .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY).build();
    private static final ObjectMapper JSON = JsonMapper.builder()
        .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY).build();

    private CatalogueLoader() {
    }

    /** The file's catalogue when {@value #FILE} is set, else the single {@code PARLEY_LLM_*} backend. */
    public static Catalogue load(Env env) {
        String file = env.string(FILE, null);
        if (file == null) {
            return Catalogue.single(BackendConfig.fromEnvironment(env));
        }
        return load(Path.of(file), env);
    }

    /** The catalogue in this file, with {@code env}'s overrides, keys and secret files. */
    public static Catalogue load(Path file, Env env) {
        JsonNode root = read(file);
        TreeReader tree = new TreeReader();
        Catalogue catalogue = read(root, tree, env);
        if (!tree.problems().isEmpty()) {
            throw new CatalogueException(file.toString(), tree.problems());
        }
        return catalogue;
    }

    private static JsonNode read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new CatalogueException(file.toString(), List.of(FILE + ": the file " + file + " does not exist"));
        } catch (IOException e) {
            throw new CatalogueException(file.toString(), List.of(FILE + ": cannot read " + file + " (" + e + ")"));
        }
        boolean json = file.toString().toLowerCase(Locale.ROOT).endsWith(".json") || text.stripLeading().startsWith("{");
        try {
            JsonNode root = (json ? JSON : YAML).readTree(text);
            if (root == null || root.isMissingNode() || root.isNull()) {
                throw new CatalogueException(file.toString(), List.of("the file is empty"));
            }
            return root;
        } catch (JacksonException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
                + e.getLocation().getColumnNr();
            throw new CatalogueException(file.toString(),
                List.of("not valid " + (json ? "JSON" : "YAML") + where + ": " + e.getOriginalMessage()));
        }
    }

    private static Catalogue read(JsonNode root, TreeReader tree, Env env) {
        if (!tree.object(root, "the file")) {
            return null;
        }
        tree.onlyKnown(root, "", TOP_FIELDS);
        Map<String, BackendConfig> backends = backends(root.get("backends"), tree, env);
        RouteReader routeReader = new RouteReader(tree);
        // names from the file, good or bad, so one bad backend or route is not also reported wherever it is named
        Map<String, Route> routes = routeReader.routes(root.get("routes"), fieldNames(root.get("backends")));
        RouterSettings router = routeReader.router(root.get("router"), fieldNames(root.get("routes")));
        return tree.problems().isEmpty() ? new Catalogue(backends, routes, router) : null;
    }

    private static Map<String, BackendConfig> backends(JsonNode node, TreeReader tree, Env env) {
        Map<String, BackendConfig> backends = new LinkedHashMap<>();
        if (TreeReader.absent(node) || (node.isObject() && node.isEmpty())) {
            tree.problem("backends", "is missing: name at least one backend");
            return backends;
        }
        if (!tree.object(node, "backends")) {
            return backends;
        }
        BackendReader reader = new BackendReader(tree, env);
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            BackendConfig backend = reader.read(entry.getKey(), entry.getValue());
            if (backend != null) {
                backends.put(entry.getKey(), backend);
            }
        }
        return backends;
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new LinkedHashSet<>();
        if (node != null && node.isObject()) {
            node.fieldNames().forEachRemaining(names::add);
        }
        return names;
    }
}
