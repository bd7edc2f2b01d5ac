package dev.parley.ingest.limits;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.parley.schemas.config.Env;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The limits every principal gets ({@code PARLEY_LIMIT_*}), the principals that get others ({@value #FILE}, YAML or
 * JSON), and how many gateways share them ({@value #GATEWAYS}).
 *
 * <pre>
 * principals:
 *   alice: {requestsPerSecond: 5, turnsPerMinute: 30}   # the limits not named stay the defaults
 *   batch-importer: {generations: 100, sessions: 1000000}
 * </pre>
 *
 * @param defaults   the limits of every principal the file does not name, across all gateways
 * @param principals principals with limits of their own, across all gateways
 * @param gateways   how many gateways share these limits: each enforces its share ({@link LimitSettings#share})
 */
public record LimitsConfig(LimitSettings defaults, Map<String, LimitSettings> principals, int gateways) {

    public static final String PREFIX = "PARLEY_LIMIT_";
    public static final String REQUESTS_PER_SECOND = PREFIX + "REQUESTS_PER_SECOND";
    public static final String TURNS_PER_MINUTE = PREFIX + "TURNS_PER_MINUTE";
    public static final String STREAMS = PREFIX + "STREAMS";
    public static final String GENERATIONS = PREFIX + "GENERATIONS";
    public static final String SESSIONS = PREFIX + "SESSIONS";
    public static final String GATEWAYS = PREFIX + "GATEWAYS";
    public static final String FILE = "PARLEY_LIMITS_FILE";

    public static final LimitSettings DEFAULTS = new LimitSettings(100, 1_200, 200, 50, 10_000);
    /** The largest value a limit may have. */
    static final int MAX = 1_000_000_000;

    public LimitsConfig {
        Objects.requireNonNull(defaults, "defaults");
        principals = Map.copyOf(principals);
        if (gateways < 1) {
            throw new IllegalArgumentException("gateways must be at least 1");
        }
    }

    /** The defaults, for every principal, on one gateway. */
    public static LimitsConfig standard() {
        return new LimitsConfig(DEFAULTS, Map.of(), 1);
    }

    /** What this gateway enforces for {@code principal}. */
    public LimitSettings forPrincipal(String principal) {
        return principals.getOrDefault(principal, defaults).share(gateways);
    }

    /** Reads the settings and the file; problems go to {@code env}, which the caller validates. */
    public static LimitsConfig fromEnvironment(Env env) {
        LimitSettings defaults = DEFAULTS;
        for (String name : LimitSettings.NAMES) {
            defaults = defaults.with(name, env.integer(envName(name), DEFAULTS.get(name), 1, MAX));
        }
        int gateways = env.integer(GATEWAYS, 1, 1, 10_000);
        String file = env.string(FILE, null);
        Map<String, LimitSettings> principals = Map.of();
        if (file != null) {
            try {
                principals = readFile(Path.of(file), defaults);
            } catch (IOException | IllegalArgumentException e) {
                env.error(FILE + "=" + file + ": " + e.getMessage());
            }
        }
        return new LimitsConfig(defaults, principals, gateways);
    }

    /** {@code requestsPerSecond} → {@code PARLEY_LIMIT_REQUESTS_PER_SECOND}. */
    static String envName(String name) {
        return PREFIX + name.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
    }

    /** The file's principals, each with the defaults for the limits it does not name. */
    static Map<String, LimitSettings> readFile(Path file, LimitSettings defaults) throws IOException {
        JsonNode root = new YAMLMapper().readTree(Files.readString(file));
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("expected an object with a 'principals' map");
        }
        List<String> problems = new ArrayList<>();
        root.fieldNames().forEachRemaining(field -> {
            if (!field.equals("principals")) {
                problems.add("unknown field '" + field + "'");
            }
        });
        JsonNode principals = root.path("principals");
        Map<String, LimitSettings> result = new LinkedHashMap<>();
        if (!principals.isObject()) {
            problems.add("'principals' must map each principal to its limits");
        } else {
            Iterator<Map.Entry<String, JsonNode>> entries = principals.fields();
            while (entries.hasNext()) {
                Map.Entry<String, JsonNode> entry = entries.next();
                result.put(entry.getKey(), overrides(entry.getKey(), entry.getValue(), defaults, problems));
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        return result;
    }

    private static LimitSettings overrides(String principal, JsonNode node, LimitSettings defaults,
                                           List<String> problems) {
        LimitSettings limits = defaults;
        if (!node.isObject()) {
            problems.add(principal + ": expected a map of limits " + LimitSettings.NAMES);
            return limits;
        }
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode value = field.getValue();
            if (!LimitSettings.NAMES.contains(field.getKey())) {
                problems.add(principal + ": unknown limit '" + field.getKey() + "', expected one of "
                        + LimitSettings.NAMES);
            } else if (!value.canConvertToInt() || !value.isIntegralNumber() || value.intValue() < 1
                    || value.intValue() > MAX) {
                problems.add(principal + "." + field.getKey() + " must be a whole number from 1 to " + MAX);
            } else {
                limits = limits.with(field.getKey(), value.intValue());
            }
        }
        return limits;
    }
}
