package dev.parley.worker;

import dev.parley.schemas.config.Env;
import dev.parley.schemas.config.WorkerGroup;
import dev.parley.worker.backend.BackendConfig;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/** The inference worker's settings, read once from the environment and validated as a whole. */
public record WorkerConfig(
    String workerId,
    String groupId,
    Map<String, Object> kafka,
    BackendConfig backend,
    int maxConcurrentGenerations,
    int contextBudgetChars,
    Duration tokenCoalesce,
    String systemPrompt) {

    public static final String WORKER_ID = "PARLEY_WORKER_ID";
    public static final String GROUP_ID = WorkerGroup.KEY;
    public static final String MAX_CONCURRENT = "PARLEY_MAX_CONCURRENT_GENERATIONS";
    public static final String CONTEXT_BUDGET = "PARLEY_CONTEXT_BUDGET_CHARS";
    public static final String TOKEN_COALESCE_MS = "PARLEY_TOKEN_COALESCE_MS";
    public static final String SYSTEM_PROMPT = "PARLEY_SYSTEM_PROMPT";

    public WorkerConfig {
        kafka = Map.copyOf(kafka);
    }

    public static WorkerConfig fromEnvironment(Env env) {
        WorkerConfig config = new WorkerConfig(
            env.string(WORKER_ID, "worker-" + UUID.randomUUID()),
            WorkerGroup.fromEnvironment(env),
            env.kafkaClientConfig("localhost:9092"),
            BackendConfig.fromEnvironment(env),
            env.integer(MAX_CONCURRENT, 256, 1, 100_000),
            env.integer(CONTEXT_BUDGET, 16_000, 100, 10_000_000),
            env.millis(TOKEN_COALESCE_MS, Duration.ZERO),
            env.string(SYSTEM_PROMPT, ""));
        env.validate();
        return config;
    }

    public WorkerConfig withWorkerId(String workerId) {
        return new WorkerConfig(workerId, groupId, kafka, backend, maxConcurrentGenerations, contextBudgetChars,
            tokenCoalesce, systemPrompt);
    }
}
