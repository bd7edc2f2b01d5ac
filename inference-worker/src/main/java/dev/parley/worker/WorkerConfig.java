package dev.parley.worker;

import dev.parley.schemas.config.Env;
import dev.parley.schemas.config.WorkerGroup;
import dev.parley.worker.backend.BackendConfig;
import dev.parley.worker.catalogue.Catalogue;
import dev.parley.worker.catalogue.CatalogueException;
import dev.parley.worker.catalogue.CatalogueLoader;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/** The inference worker's settings, read once from the environment and validated as a whole. */
public record WorkerConfig(
    String workerId,
    String groupId,
    Map<String, Object> kafka,
    Catalogue catalogue,
    int maxConcurrentGenerations,
    int contextBudgetChars,
    Duration tokenCoalesce,
    String systemPrompt,
    Duration sessionTimeout,
    String metricsHost,
    int metricsPort,
    boolean spotlightJumpsQueue) {

    public static final String WORKER_ID = "PARLEY_WORKER_ID";
    public static final String GROUP_ID = WorkerGroup.KEY;
    public static final String MAX_CONCURRENT = "PARLEY_MAX_CONCURRENT_GENERATIONS";
    public static final String CONTEXT_BUDGET = "PARLEY_CONTEXT_BUDGET_CHARS";
    public static final String TOKEN_COALESCE_MS = "PARLEY_TOKEN_COALESCE_MS";
    public static final String SYSTEM_PROMPT = "PARLEY_SYSTEM_PROMPT";
    public static final String SESSION_TIMEOUT_MS = "PARLEY_WORKER_SESSION_TIMEOUT_MS";
    public static final String METRICS_HOST = "PARLEY_WORKER_METRICS_HOST";
    public static final String METRICS_PORT = "PARLEY_WORKER_METRICS_PORT";
    /** true: a spotlight turn goes ahead of every principal's turns in a line, not only ahead of its own principal's. */
    public static final String SPOTLIGHT_JUMPS_QUEUE = "PARLEY_SPOTLIGHT_JUMPS_QUEUE";
    /** The Prometheus scrape endpoint's port; 0 picks a free one, -1 turns it off. */
    public static final int DEFAULT_METRICS_PORT = 8082;
    /** Loopback: metrics are internal unless an operator opens them. */
    public static final String DEFAULT_METRICS_HOST = "127.0.0.1";

    /**
     * How long the group waits for a worker that stopped heartbeating before its partitions go to another one:
     * the fail-over time for a worker that does not come back. A worker that restarts with the same id takes
     * its partitions back at once (static membership), whatever this is.
     */
    public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofSeconds(10);

    public WorkerConfig {
        kafka = Map.copyOf(kafka);
    }

    /** One backend, the default session timeout, no metrics endpoint (for tests). */
    public WorkerConfig(String workerId, String groupId, Map<String, Object> kafka, BackendConfig backend,
                        int maxConcurrentGenerations, int contextBudgetChars, Duration tokenCoalesce,
                        String systemPrompt) {
        this(workerId, groupId, kafka, Catalogue.single(backend), maxConcurrentGenerations, contextBudgetChars,
            tokenCoalesce, systemPrompt, DEFAULT_SESSION_TIMEOUT, DEFAULT_METRICS_HOST, -1, false);
    }

    public static WorkerConfig fromEnvironment(Env env) {
        WorkerConfig config = new WorkerConfig(
            env.string(WORKER_ID, "worker-" + UUID.randomUUID()),
            WorkerGroup.fromEnvironment(env),
            env.kafkaClientConfig("localhost:9092"),
            catalogue(env),
            env.integer(MAX_CONCURRENT, 256, 1, 100_000),
            env.integer(CONTEXT_BUDGET, 16_000, 100, 10_000_000),
            env.millis(TOKEN_COALESCE_MS, Duration.ZERO),
            env.string(SYSTEM_PROMPT, ""),
            // the broker's group.{min,max}.session.timeout.ms bound it too (6 s and 30 min by default)
            Duration.ofMillis(env.integer(SESSION_TIMEOUT_MS, (int) DEFAULT_SESSION_TIMEOUT.toMillis(), 1_000,
                1_800_000)),
            env.string(METRICS_HOST, env.bindHost()),
            env.integer(METRICS_PORT, DEFAULT_METRICS_PORT, -1, 65_535),
            flag(env, SPOTLIGHT_JUMPS_QUEUE));
        env.validate();
        return config;
    }

    /** true or false (default false); anything else is a bad setting. */
    private static boolean flag(Env env, String key) {
        String value = env.string(key, "false");
        if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
            env.error(key + "=" + value + " is not true or false");
        }
        return value.equalsIgnoreCase("true");
    }

    /** The catalogue of {@code PARLEY_BACKENDS_FILE} or {@code PARLEY_LLM_*}; its problems join env's errors. */
    private static Catalogue catalogue(Env env) {
        try {
            return CatalogueLoader.load(env);
        } catch (CatalogueException e) {
            e.problems().forEach(env::error);
            return null;
        }
    }

    public WorkerConfig withWorkerId(String workerId) {
        return new WorkerConfig(workerId, groupId, kafka, catalogue, maxConcurrentGenerations, contextBudgetChars,
            tokenCoalesce, systemPrompt, sessionTimeout, metricsHost, metricsPort, spotlightJumpsQueue);
    }

    public WorkerConfig withSessionTimeout(Duration sessionTimeout) {
        return new WorkerConfig(workerId, groupId, kafka, catalogue, maxConcurrentGenerations, contextBudgetChars,
            tokenCoalesce, systemPrompt, sessionTimeout, metricsHost, metricsPort, spotlightJumpsQueue);
    }

    public WorkerConfig withCatalogue(Catalogue catalogue) {
        return new WorkerConfig(workerId, groupId, kafka, catalogue, maxConcurrentGenerations, contextBudgetChars,
            tokenCoalesce, systemPrompt, sessionTimeout, metricsHost, metricsPort, spotlightJumpsQueue);
    }

    public WorkerConfig withMetricsPort(int metricsPort) {
        return new WorkerConfig(workerId, groupId, kafka, catalogue, maxConcurrentGenerations, contextBudgetChars,
            tokenCoalesce, systemPrompt, sessionTimeout, metricsHost, metricsPort, spotlightJumpsQueue);
    }

    public WorkerConfig withSpotlightJumpsQueue(boolean spotlightJumpsQueue) {
        return new WorkerConfig(workerId, groupId, kafka, catalogue, maxConcurrentGenerations, contextBudgetChars,
            tokenCoalesce, systemPrompt, sessionTimeout, metricsHost, metricsPort, spotlightJumpsQueue);
    }
}
