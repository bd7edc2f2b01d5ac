package dev.parley.worker.catalogue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.schemas.config.Env;
import dev.parley.worker.backend.BackendConfig;
import dev.parley.worker.backend.BackendKind;
import dev.parley.worker.backend.BreakerSettings;
import dev.parley.worker.backend.Prices;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads one backend of the catalogue tree, with its {@code PARLEY_BACKEND_<NAME>_*} overrides applied, into a
 * {@link BackendConfig}; every problem goes to the {@link TreeReader}. Keys are read here and never echoed.
 */
final class BackendReader {

    static final Set<String> FIELDS = Set.of("kind", "url", "model", "apiKeyEnv", "apiKeyFile", "connectTimeoutMs",
        "firstTokenTimeoutMs", "idleTimeoutMs", "totalTimeoutMs", "stream", "maxConcurrent", "prices", "breaker");
    /** A name that can be part of an environment variable once upper-cased with {@code -} turned into {@code _}. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_-]*");
    private static final Set<String> PRICE_FIELDS = Set.of("inputPerMillion", "outputPerMillion");
    private static final Set<String> BREAKER_FIELDS = Set.of("failureRatePercent", "minimumCalls", "windowCalls",
        "openForMs", "halfOpenCalls");

    private final TreeReader tree;
    private final Env env;

    BackendReader(TreeReader tree, Env env) {
        this.tree = tree;
        this.env = env;
    }

    /** The prefix of a backend's override variables, e.g. {@code PARLEY_BACKEND_LOCAL_GPU_} for {@code local-gpu}. */
    static String overridePrefix(String name) {
        return "PARLEY_BACKEND_" + name.toUpperCase(Locale.ROOT).replace('-', '_') + "_";
    }

    /** The backend, or null when it has a problem (recorded). */
    BackendConfig read(String name, JsonNode node) {
        String path = "backends." + name;
        int before = tree.problems().size();
        if (!NAME.matcher(name).matches()) {
            tree.problem(path, "a backend name is letters, digits, '-' and '_', starting with a letter");
        }
        if (!tree.object(node, path)) {
            return null;
        }
        if (node.has("apiKey")) {
            tree.problem(path + ".apiKey", "a key is never written in the catalogue: keys come from apiKeyEnv or "
                + "apiKeyFile");
        }
        tree.onlyKnown(node, path, FIELDS, Set.of("apiKey"));
        String prefix = overridePrefix(name);
        BackendKind kind = kind(node, path);
        String url = url(node, path, prefix);
        String model = firstOf(env.string(prefix + "MODEL", null), tree.text(node, "model", path));
        if (model == null && !node.has("model")) {
            tree.problem(path + ".model", "is missing");
        }
        String apiKey = apiKey(node, path, prefix, kind, url);
        Duration connect = millis(node, "connectTimeoutMs", path, BackendConfig.DEFAULT_CONNECT_TIMEOUT);
        Duration firstToken = millis(node, "firstTokenTimeoutMs", path, BackendConfig.DEFAULT_FIRST_TOKEN_TIMEOUT);
        Duration idle = millis(node, "idleTimeoutMs", path, BackendConfig.DEFAULT_IDLE_TIMEOUT);
        Duration total = millis(node, "totalTimeoutMs", path, BackendConfig.DEFAULT_TOTAL_TIMEOUT);
        Boolean stream = firstOf(overrideBoolean(prefix + "STREAM"), tree.bool(node, "stream", path));
        Integer maxConcurrent = firstOf(overrideInteger(prefix + "MAX_CONCURRENT"),
            tree.integer(node, "maxConcurrent", path, 1));
        Prices prices = prices(node.get("prices"), path + ".prices");
        BreakerSettings breaker = breaker(node.get("breaker"), path + ".breaker");
        if (tree.problems().size() > before) {
            return null;
        }
        return new BackendConfig(name, kind, url, model, apiKey, connect, firstToken, idle, total,
            stream == null || stream, maxConcurrent == null ? BackendConfig.DEFAULT_MAX_CONCURRENT : maxConcurrent,
            prices, breaker);
    }

    private BackendKind kind(JsonNode node, String path) {
        String name = tree.text(node, "kind", path);
        if (name == null) {
            return BackendKind.OPENAI;
        }
        BackendKind kind = BackendKind.ofName(name);
        if (kind == null) {
            tree.problem(path + ".kind", "unknown kind '" + name + "' (kinds: " + BackendKind.names() + ")");
        }
        return kind;
    }

    private String url(JsonNode node, String path, String prefix) {
        String fromEnv = env.string(prefix + "URL", null);
        String url = firstOf(fromEnv, tree.text(node, "url", path));
        String where = fromEnv != null ? prefix + "URL" : path + ".url";
        if (url == null) {
            if (!node.has("url")) {
                tree.problem(where, "is missing");
            }
            return null;
        }
        String problem = BackendConfig.urlProblem(url);
        if (problem != null) {
            tree.problem(where, "'" + url + "': " + problem);
            return null;
        }
        return url;
    }

    /**
     * The key from {@code <prefix>API_KEY}, else the file's apiKeyEnv or apiKeyFile; null for none. An Anthropic
     * backend needs one unless it is on this machine (the simulator speaks its protocol without a key).
     */
    private String apiKey(JsonNode node, String path, String prefix, BackendKind kind, String url) {
        String keyEnv = tree.text(node, "apiKeyEnv", path);
        String keyFile = tree.text(node, "apiKeyFile", path);
        if (keyEnv != null && keyFile != null) {
            tree.problem(path, "apiKeyEnv and apiKeyFile are both set: choose one");
            return null;
        }
        String key = env.string(prefix + "API_KEY", null);
        if (key == null && keyEnv != null) {
            key = env.string(keyEnv, null);
            if (key == null) {
                tree.problem(path + ".apiKeyEnv", "the environment variable " + keyEnv + " is not set or is empty");
            }
        } else if (key == null && keyFile != null) {
            key = readKeyFile(keyFile, path + ".apiKeyFile");
        }
        boolean sourceGiven = keyEnv != null || keyFile != null;
        if (kind == BackendKind.ANTHROPIC && key == null && !sourceGiven && url != null && !loopback(url)) {
            tree.problem(path, "an anthropic backend needs a key (apiKeyEnv, apiKeyFile or " + prefix + "API_KEY) "
                + "unless its URL is on this machine");
        }
        return key;
    }

    private String readKeyFile(String file, String path) {
        try {
            String key = Files.readString(Path.of(file)).trim();
            if (key.isEmpty()) {
                tree.problem(path, "the key file " + file + " is empty");
                return null;
            }
            return key;
        } catch (NoSuchFileException e) {
            tree.problem(path, "the key file " + file + " does not exist");
        } catch (IOException | SecurityException e) {
            // the exception's message names the file and the reason, never its content
            tree.problem(path, "the key file " + file + " cannot be read (" + e + ")");
        }
        return null;
    }

    static boolean loopback(String url) {
        String host = URI.create(url.trim()).getHost();
        if (host == null) {
            return false;
        }
        host = host.toLowerCase(Locale.ROOT);
        return host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]") || host.equals("::1");
    }

    private Duration millis(JsonNode node, String field, String path, Duration defaultValue) {
        Integer millis = tree.integer(node, field, path, 1);
        return millis == null ? defaultValue : Duration.ofMillis(millis);
    }

    private Prices prices(JsonNode node, String path) {
        if (TreeReader.absent(node) || !tree.object(node, path)) {
            return null;
        }
        tree.onlyKnown(node, path, PRICE_FIELDS);
        Double input = tree.number(node, "inputPerMillion", path, 0, 1_000_000);
        Double output = tree.number(node, "outputPerMillion", path, 0, 1_000_000);
        return new Prices(input == null ? 0 : input, output == null ? 0 : output);
    }

    private BreakerSettings breaker(JsonNode node, String path) {
        BreakerSettings defaults = BreakerSettings.DEFAULT;
        if (TreeReader.absent(node) || !tree.object(node, path)) {
            return defaults;
        }
        tree.onlyKnown(node, path, BREAKER_FIELDS);
        Integer rate = tree.integer(node, "failureRatePercent", path, 1);
        if (rate != null && rate > 100) {
            tree.problem(path + ".failureRatePercent", "must be from 1 to 100, was " + rate);
            rate = null;
        }
        Integer minimum = tree.integer(node, "minimumCalls", path, 1);
        Integer window = tree.integer(node, "windowCalls", path, 1);
        Integer openFor = tree.integer(node, "openForMs", path, 1);
        Integer halfOpen = tree.integer(node, "halfOpenCalls", path, 1);
        return new BreakerSettings(firstOf(rate, defaults.failureRatePercent()),
            firstOf(minimum, defaults.minimumCalls()), firstOf(window, defaults.windowCalls()),
            openFor == null ? defaults.openFor() : Duration.ofMillis(openFor),
            firstOf(halfOpen, defaults.halfOpenCalls()));
    }

    private Integer overrideInteger(String variable) {
        String value = env.string(variable, null);
        if (value == null) {
            return null;
        }
        try {
            int parsed = Integer.parseInt(value);
            if (parsed >= 1) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        tree.problem(variable, "must be a whole number of at least 1, was '" + value + "'");
        return null;
    }

    private Boolean overrideBoolean(String variable) {
        String value = env.string(variable, null);
        if (value == null) {
            return null;
        }
        if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
            return Boolean.valueOf(value);
        }
        tree.problem(variable, "must be true or false, was '" + value + "'");
        return null;
    }

    private static <T> T firstOf(T first, T second) {
        return first != null ? first : second;
    }
}
