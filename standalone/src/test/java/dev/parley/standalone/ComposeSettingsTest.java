package dev.parley.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.schemas.config.Env;
import dev.parley.schemas.config.WorkerGroup;
import dev.parley.schemas.topics.TopicSettings;
import dev.parley.worker.catalogue.Catalogue;
import dev.parley.worker.catalogue.CatalogueLoader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * docker-compose.yml and the code agree on the {@code PARLEY_*} settings: every one compose sets is read by the code,
 * and every one a service reads is passed to that service. The settings a service reads are the
 * {@code "PARLEY_..."} string literals of its main sources (SnakeYAML, not Jackson, reads the file: compose's
 * {@code <<} merge keys must be resolved).
 */
class ComposeSettingsTest {

    /** What a backend override may set, {@code PARLEY_BACKEND_<NAME>_<WHAT>} (BackendReader). */
    static final List<String> BACKEND_OVERRIDES = List.of("URL", "MODEL", "API_KEY", "MAX_CONCURRENT", "STREAM");

    static final String BACKEND_PREFIX = "PARLEY_BACKEND_";
    static final Pattern LITERAL = Pattern.compile("\"(PARLEY_[A-Z0-9_]*)\"");
    static final Pattern DOTTED_LITERAL = Pattern.compile("\"([a-z]+(?:\\.[a-z]+)+)\"");

    /** A compose build target and the main sources that target runs. */
    enum Role {
        GATEWAY("gateway", "ingest-service", path -> true),
        WORKER("worker", "inference-worker", path -> !inSimulatorPackage(path)),
        SIMULATOR("simulator", "inference-worker", ComposeSettingsTest::inSimulatorPackage),
        POSTPROCESS("postprocess", "postprocess-streams", path -> true);

        final String target;
        final String module;
        final Predicate<Path> sources;

        Role(String target, String module, Predicate<Path> sources) {
            this.target = target;
            this.module = module;
            this.sources = sources;
        }
    }

    static Path root;
    static Map<String, Map<String, Object>> services;
    /** Every literal PARLEY_ name in any module's main sources, with the first file that has it. */
    static Map<String, Path> inCode;
    /** Literal name prefixes ending in '_', e.g. PARLEY_KAFKA_, PARLEY_BACKEND_: families of settings. */
    static Set<String> families;

    @BeforeAll
    static void read() throws IOException {
        root = projectRoot();
        services = services(root.resolve("docker-compose.yml"));
        inCode = new TreeMap<>();
        try (Stream<Path> modules = Files.list(root)) {
            for (Path module : modules.filter(m -> Files.isDirectory(m.resolve("src/main/java"))).toList()) {
                literals(module, path -> true).forEach(inCode::putIfAbsent);
            }
        }
        families = inCode.keySet().stream().filter(n -> n.endsWith("_") && n.length() > "PARLEY_".length())
            .collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    @DisplayName("compose builds and passes settings to the gateway, worker, simulator and postprocess")
    void composeHasEveryRole() {
        for (Role role : Role.values()) {
            assertTrue(services.values().stream().anyMatch(s -> role.target.equals(target(s))),
                "no service of docker-compose.yml is built with target " + role.target);
        }
    }

    @Test
    @DisplayName("every PARLEY_* variable docker-compose.yml sets is a setting the code reads")
    void everySettingComposeSetsExists() {
        List<String> mismatches = new ArrayList<>();
        services.forEach((service, definition) -> environment(definition).keySet().stream()
            .filter(key -> key.startsWith("PARLEY_"))
            .forEach(key -> {
                String problem = unknownSetting(key);
                if (problem != null) {
                    mismatches.add(service + ": " + key + " " + problem);
                }
            }));
        assertEquals(List.of(), mismatches, "docker-compose.yml sets settings the code does not have");
    }

    @Test
    @DisplayName("every PARLEY_* setting the gateway, worker, simulator and postprocess read is passed to each of their services")
    void everySettingAServiceReadsIsPassed() throws IOException {
        List<String> mismatches = new ArrayList<>();
        for (Role role : Role.values()) {
            Map<String, Path> reads = reads(role);
            services.forEach((service, definition) -> {
                if (!role.target.equals(target(definition))) {
                    return;
                }
                Set<String> passed = environment(definition).keySet();
                reads.forEach((key, file) -> {
                    if (!passed.contains(key)) {
                        mismatches.add(service + ": does not pass " + key + ", which the " + role.target + " reads ("
                            + root.relativize(file) + ")");
                    }
                });
                passed.stream().filter(key -> key.startsWith("PARLEY_"))
                    .filter(key -> !reads.containsKey(key) && family(key) == null)
                    .forEach(key -> mismatches.add(service + ": passes " + key + ", which the " + role.target
                        + " does not read"));
            });
        }
        assertEquals(List.of(), mismatches, "docker-compose.yml and the services' settings differ");
    }

    @Test
    @DisplayName("every setting docker-compose.yml passes is in the README's configuration")
    void everySettingComposeSetsIsDocumented() throws IOException {
        String readme = Files.readString(root.resolve("README.md"));
        Set<String> undocumented = new TreeSet<>();
        services.values().forEach(definition -> environment(definition).keySet().stream()
            .filter(key -> key.startsWith("PARLEY_") && inCode.containsKey(key) && !families.contains(key))
            .filter(key -> !readme.contains("`" + key + "`"))
            .forEach(undocumented::add));
        assertEquals(Set.of(), undocumented, "README.md does not document these settings docker-compose.yml passes");
    }

    @Test
    @DisplayName("the catalogues docker-compose.yml mounts into the workers load, with the overrides compose passes")
    void theMountedCataloguesLoad() throws IOException {
        Map<String, String> overrides = new TreeMap<>();
        services.values().stream().filter(definition -> "worker".equals(target(definition)))
            .flatMap(definition -> environment(definition).entrySet().stream())
            .filter(e -> e.getKey().startsWith(BACKEND_PREFIX))
            .forEach(e -> overrides.put(e.getKey(), "a-model"));
        try (Stream<Path> files = Files.list(root.resolve("deploy/compose"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                Catalogue catalogue = CatalogueLoader.load(file, new Env(overrides));
                assertTrue(catalogue.routes().containsKey("default"), file + " has no default route");
            }
        }
    }

    @Test
    @DisplayName("the check names a variable that no code reads")
    void aBogusVariableIsNamed() {
        assertEquals("is read by no main source", unknownSetting("PARLEY_NO_SUCH_SETTING"));
        assertEquals("passes no.such.setting to the Kafka clients, which is not a Kafka client setting",
            unknownSetting("PARLEY_KAFKA_NO_SUCH_SETTING"));
        assertEquals(null, unknownSetting("PARLEY_KAFKA_SECURITY_PROTOCOL"));
    }

    /** Why {@code key} is no setting of the code, or null when it is one. */
    static String unknownSetting(String key) {
        if (inCode.containsKey(key) && !families.contains(key)) {
            return null;
        }
        String family = family(key);
        if (Env.KAFKA_PREFIX.equals(family)) {
            String name = key.substring(family.length()).toLowerCase(Locale.ROOT).replace('_', '.');
            return kafkaClientSettings().contains(name) ? null
                : "passes " + name + " to the Kafka clients, which is not a Kafka client setting";
        }
        if (BACKEND_PREFIX.equals(family)) {
            String rest = key.substring(family.length());
            return BACKEND_OVERRIDES.stream().anyMatch(what -> rest.endsWith("_" + what) && rest.length() > what.length() + 1)
                ? null : "is no backend override (PARLEY_BACKEND_<NAME>_" + String.join("|", BACKEND_OVERRIDES) + ")";
        }
        return family != null ? null : "is read by no main source";
    }

    /** The family {@code key} belongs to (the longest matching prefix), or null. */
    static String family(String key) {
        return families.stream().filter(key::startsWith).max(Comparator.comparingInt(String::length))
            .orElse(null);
    }

    /** The settings {@code role} reads, each with a file that reads it; families are left out (they have no name). */
    static Map<String, Path> reads(Role role) throws IOException {
        Path module = root.resolve(role.module);
        Map<String, Path> reads = new TreeMap<>(literals(module, role.sources));
        reads.keySet().removeIf(families::contains);
        // The shared readers in schemas, by what the role's code calls
        String code = code(module, role.sources);
        Path env = root.resolve("schemas/src/main/java/dev/parley/schemas/config/Env.java");
        if (code.contains("kafkaClientConfig(")) {
            reads.putIfAbsent(Env.KAFKA_BOOTSTRAP, env);
            reads.putIfAbsent(Env.REGISTRY_URL, env);
        }
        if (code.contains("bindHost()")) {
            reads.putIfAbsent(Env.BIND_HOST, env);
        }
        if (code.contains("TopicSettings.fromEnvironment(")) {
            Path topicSettings = root.resolve("schemas/src/main/java/dev/parley/schemas/topics/TopicSettings.java");
            reads.putIfAbsent(TopicSettings.PARTITIONS, topicSettings);
            reads.putIfAbsent(TopicSettings.REPLICATION, topicSettings);
        }
        if (code.contains("WorkerGroup.")) {
            reads.putIfAbsent(WorkerGroup.KEY, root.resolve("schemas/src/main/java/dev/parley/schemas/config/WorkerGroup.java"));
        }
        return reads;
    }

    static boolean inSimulatorPackage(Path path) {
        return path.toString().replace('\\', '/').contains("/dev/parley/worker/simulator/");
    }

    /** Every {@code "PARLEY_..."} literal in the module's main sources that pass {@code filter}. */
    static Map<String, Path> literals(Path module, Predicate<Path> filter) throws IOException {
        Map<String, Path> found = new LinkedHashMap<>();
        for (Path file : javaFiles(module, filter)) {
            Matcher m = LITERAL.matcher(Files.readString(file));
            while (m.find()) {
                found.putIfAbsent(m.group(1), file);
            }
        }
        return found;
    }

    static String code(Path module, Predicate<Path> filter) throws IOException {
        StringBuilder all = new StringBuilder();
        for (Path file : javaFiles(module, filter)) {
            all.append(Files.readString(file)).append('\n');
        }
        return all.toString();
    }

    static List<Path> javaFiles(Path module, Predicate<Path> filter) throws IOException {
        Path sources = module.resolve("src/main/java");
        if (!Files.isDirectory(sources)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(sources)) {
            return files.filter(f -> f.toString().endsWith(".java")).filter(filter).sorted().toList();
        }
    }

    /** Kafka's producer, consumer, admin and Streams settings, and the serde's (schema.registry.url, ...). */
    static Set<String> kafkaClientSettings() {
        Set<String> names = new HashSet<>();
        names.addAll(ProducerConfig.configNames());
        names.addAll(ConsumerConfig.configNames());
        names.addAll(AdminClientConfig.configNames());
        names.addAll(StreamsConfig.configDef().names());
        try {
            for (Path file : javaFiles(root.resolve("schemas"), path -> true)) {
                Matcher m = DOTTED_LITERAL.matcher(Files.readString(file));
                while (m.find()) {
                    names.add(m.group(1));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return names;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Map<String, Object>> services(Path composeFile) throws IOException {
        try (InputStream in = Files.newInputStream(composeFile)) {
            Map<String, Object> compose = new Yaml().load(in);
            return (Map<String, Map<String, Object>>) compose.get("services");
        }
    }

    /** The service's environment as a map (compose also allows a list of KEY=value). */
    @SuppressWarnings("unchecked")
    static Map<String, Object> environment(Map<String, Object> service) {
        Object environment = service.get("environment");
        if (environment instanceof Map<?, ?> map) {
            return (Map<String, Object>) map;
        }
        Map<String, Object> result = new LinkedHashMap<>();
        if (environment instanceof List<?> list) {
            for (Object entry : list) {
                String text = String.valueOf(entry);
                int eq = text.indexOf('=');
                result.put(eq < 0 ? text : text.substring(0, eq), eq < 0 ? null : text.substring(eq + 1));
            }
        }
        return result;
    }

    @SuppressWarnings("unchecked")
    static String target(Map<String, Object> service) {
        return service.get("build") instanceof Map<?, ?> build ? (String) ((Map<String, Object>) build).get("target")
            : null;
    }

    /** The directory holding docker-compose.yml: the module's parent when Maven runs the test. */
    static Path projectRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("docker-compose.yml")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no docker-compose.yml above " + Path.of("").toAbsolutePath());
    }
}
