package dev.parley.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.parley.ingest.IngestMain;
import dev.parley.ingest.auth.AuthConfig;
import dev.parley.postprocess.PostprocessMain;
import dev.parley.schemas.config.Env;
import dev.parley.schemas.topics.TopicSpec;
import dev.parley.schemas.topics.Topics;
import dev.parley.worker.WorkerMain;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Each service checks at start every topic its code uses, so a missing one stops it at once with its name rather than
 * failing later (issue 12: "checks at start that its topics exist"). What the code uses is every {@code Topics.X}
 * catalogue constant its module's main sources name.
 */
class ServiceTopicsTest {

    static final Pattern TOPIC_CONSTANT = Pattern.compile("\\bTopics\\.([A-Z][A-Z0-9_]*)\\b");

    @Test
    @DisplayName("the worker checks at start every topic its code uses")
    void worker() throws IOException {
        assertEquals(used("inference-worker"), names(WorkerMain.TOPICS));
    }

    @Test
    @DisplayName("the gateway with API keys checks at start every topic its code uses")
    void gateway() throws IOException {
        assertEquals(used("ingest-service"), names(IngestMain.topics(AuthConfig.fromEnvironment(new Env(Map.of())))));
    }

    @Test
    @DisplayName("postprocess-streams checks at start every topic its code uses")
    void postprocess() throws IOException {
        assertEquals(used("postprocess-streams"), names(PostprocessMain.TOPICS));
    }

    static Set<String> names(Collection<? extends TopicSpec<?>> specs) {
        return specs.stream().map(TopicSpec::name).collect(Collectors.toCollection(TreeSet::new));
    }

    /** The topic names of the catalogue constants the module's main sources name. */
    static Set<String> used(String module) throws IOException {
        Map<String, String> catalogue = catalogue();
        Set<String> used = new TreeSet<>();
        Path sources = ComposeSettingsTest.projectRoot().resolve(module).resolve("src/main/java");
        try (Stream<Path> files = Files.walk(sources)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Matcher m = TOPIC_CONSTANT.matcher(Files.readString(file));
                while (m.find()) {
                    if (catalogue.containsKey(m.group(1))) {
                        used.add(catalogue.get(m.group(1)));
                    }
                }
            }
        }
        return used;
    }

    /** Each {@code public static final TopicSpec} of {@link Topics}, by field name. */
    static Map<String, String> catalogue() {
        return Stream.of(Topics.class.getFields())
            .filter(f -> Modifier.isStatic(f.getModifiers()) && TopicSpec.class.isAssignableFrom(f.getType()))
            .collect(Collectors.toMap(Field::getName, ServiceTopicsTest::topicName));
    }

    static String topicName(Field field) {
        try {
            return ((TopicSpec<?>) field.get(null)).name();
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }
}
