package dev.parley.schemas.topics;

import dev.parley.schemas.config.Env;
import dev.parley.launch.Launcher;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates Parley's topics, or checks them, and exits: 0 when every topic exists with the expected settings, 1 when
 * one is missing ({@code --check}) or differs, or Kafka cannot be reached, 2 on a bad argument or setting.
 *
 * <p>How to run:
 * <ol>
 *   <li>Have Kafka running, e.g. {@code ./parley kafka}.</li>
 *   <li>{@code ./parley topics} (PARLEY_KAFKA_BOOTSTRAP_SERVERS, PARLEY_TOPIC_PARTITIONS,
 *       PARLEY_TOPIC_REPLICATION, PARLEY_KAFKA_* for a secured cluster); it creates what is missing and names every
 *       existing topic whose settings conflict (it never alters one).</li>
 *   <li>{@code ./parley topics --check} only checks: what a deployment pipeline runs before starting services.</li>
 * </ol>
 */
public final class TopicsMain {

    private static final Logger log = LoggerFactory.getLogger(TopicsMain.class);
    static final String CHECK = "--check";

    private TopicsMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.getenv()));
    }

    /** Runs {@code ./parley topics [--check]} against the environment's cluster; returns the exit code. */
    static int run(String[] args, Map<String, String> environment) {
        boolean checkOnly = args.length == 1 && CHECK.equals(args[0]);
        if (args.length > 1 || (args.length == 1 && !checkOnly)) {
            log.error("usage: ./parley topics [--check] (got {})", String.join(" ", args));
            return 2;
        }
        Env env = new Env(environment);
        TopicSettings settings;
        Map<String, Object> kafka;
        try {
            settings = TopicSettings.fromEnvironment(env);
            kafka = env.kafkaClientConfig("localhost:9092");
            env.validate();
        } catch (IllegalArgumentException e) {
            log.error("{}", e.getMessage());
            return 2;
        }
        try {
            return checkOnly ? check(kafka, settings) : ensure(kafka, settings);
        } catch (RuntimeException e) {
            log.error("{}", Launcher.reason(e));
            return 1;
        }
    }

    private static int check(Map<String, Object> kafka, TopicSettings settings) {
        TopicReport report = TopicInitializer.check(kafka, settings, Topics.all());
        report.missing().forEach(name -> log.error("missing: {}", name));
        report.conflicts().forEach(conflict -> log.error("conflict: {}", conflict));
        if (!report.ok()) {
            log.error("Topics are not as expected ({} missing, {} conflicting settings): run ./parley topics to create "
                    + "the missing ones; conflicts need an operator", report.missing().size(), report.conflicts().size());
            return 1;
        }
        log.info("All {} topics exist with the expected settings ({})", Topics.all().size(), describe(settings));
        return 0;
    }

    private static int ensure(Map<String, Object> kafka, TopicSettings settings) {
        try {
            Set<String> created = TopicInitializer.ensure(kafka, settings, Topics.all());
            log.info("All {} topics ready, {} created ({})", Topics.all().size(), created.size(), describe(settings));
            return 0;
        } catch (TopicConflictException e) {
            e.conflicts().forEach(conflict -> log.error("conflict: {}", conflict));
            log.error("{} existing topic settings conflict with the catalogue; Parley never alters a topic: fix them "
                    + "by hand or point it at another cluster", e.conflicts().size());
            return 1;
        }
    }

    private static String describe(TopicSettings settings) {
        String partitions = settings.partitions().isPresent() ? settings.partitions().getAsInt() + " partitions"
                : "new topics with " + Topics.DEFAULT_PARTITIONS + " partitions";
        String replication = settings.replicationFactor().isPresent()
                ? "replication " + settings.replicationFactor().getAsInt()
                + settings.minInsyncReplicas().stream().mapToObj(n -> ", min.insync.replicas " + n).findFirst()
                .orElse("")
                : "the broker's default replication";
        return String.join(", ", List.of(partitions, replication));
    }
}
