package dev.parley.ingest;

import dev.parley.ingest.auth.AuthConfig;
import dev.parley.launch.Launcher;
import dev.parley.launch.PortCheck;
import dev.parley.schemas.config.Env;
import dev.parley.schemas.topics.TopicInitializer;
import dev.parley.schemas.topics.TopicSettings;
import dev.parley.schemas.topics.TopicSpec;
import dev.parley.schemas.topics.Topics;
import io.vertx.core.Vertx;
import java.util.List;

/**
 * Runs the ingest gateway on its own (the standalone module runs it with everything else). It checks at start
 * that its topics exist, and exits 1 naming the missing ones rather than creating them.
 *
 * <p>How to run:
 * <ol>
 *   <li>Have Kafka, the schema registry and Parley's topics, e.g. {@code ./parley kafka} and {@code ./parley topics}.</li>
 *   <li>{@code ./parley gateway} (it runs {@code ingest-service/target/parley-gateway.jar}), with
 *       PARLEY_KAFKA_BOOTSTRAP_SERVERS and PARLEY_SCHEMA_REGISTRY_URL when they are not on localhost
 *       (settings: PARLEY_BIND_HOST, PARLEY_HTTP_PORT, PARLEY_MAX_TURN_BYTES, PARLEY_BATCH_MAX_AGENTS,
 *       PARLEY_CLIENT_TURN_WINDOW_MS, PARLEY_SSE_HEARTBEAT_MS, PARLEY_CLIENT_BUFFER_EVENTS, PARLEY_CLIENT_STALL_MS,
 *       PARLEY_POSTPROCESS_URL, PARLEY_POSTPROCESS_TIMEOUT_MS, PARLEY_AUTH (default keys), PARLEY_JWT_*,
 *       PARLEY_STREAM_TOKEN_SECRET, PARLEY_KAFKA_*). Session views and search need postprocess-streams running
 *       at PARLEY_POSTPROCESS_URL; everything else works without it.</li>
 *   <li>Create an API key, {@code ./parley keys create --principal alice}, then open http://localhost:8080 for the
 *       chat page and paste it, or {@code curl -X POST -H "Authorization: Bearer $KEY" localhost:8080/v1/sessions}.</li>
 *   <li>Ctrl-C stops the HTTP server, the relays and the Kafka clients, in that order.</li>
 * </ol>
 */
public final class IngestMain {

    /** The topics the gateway writes and reads: checked at start, never created here (the keys topic with keys). */
    public static List<TopicSpec<?>> topics(AuthConfig auth) {
        return auth.accepts(AuthConfig.Mode.KEYS)
                ? List.of(Topics.LEDGER, Topics.TOKENS, Topics.PERSONAS, Topics.API_KEYS)
                : List.of(Topics.LEDGER, Topics.TOKENS, Topics.PERSONAS);
    }

    private IngestMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        Launcher.run("The gateway", () -> {
            Env env = Env.system();
            TopicSettings topics = TopicSettings.fromEnvironment(env);
            IngestConfig config = IngestConfig.fromEnvironment(env);
            PortCheck.requireFree(config.bindHost(), List.of(PortCheck.port(IngestConfig.HTTP_PORT, config.httpPort()),
                    PortCheck.port(IngestConfig.METRICS_PORT, config.metricsPort())));
            TopicInitializer.requireReady(config.kafka(), topics, topics(config.auth()));
            Vertx vertx = Vertx.vertx();
            return Launcher.owning(() -> vertx.close().toCompletionStage().toCompletableFuture().join(),
                () -> IngestService.start(vertx, config));
        });
    }
}
