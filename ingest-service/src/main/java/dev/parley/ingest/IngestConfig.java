package dev.parley.ingest;

import dev.parley.ingest.auth.AuthConfig;
import dev.parley.ingest.limits.LimitsConfig;
import dev.parley.ingest.openai.ModelDirectory;
import dev.parley.schemas.config.Env;
import dev.parley.schemas.config.WorkerGroup;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * The gateway's settings, read once from the environment and validated.
 *
 * @param bindHost           the address the HTTP API listens on ({@code PARLEY_BIND_HOST}, loopback by default)
 * @param httpPort           where the HTTP API listens; 0 picks a free port
 * @param metricsPort        where {@code /metrics} listens, apart from the API; 0 picks a free port, -1 turns it off
 * @param maxTurnBytes       the largest turn text accepted, in UTF-8 bytes
 * @param batchMaxAgents     the most agents one {@code POST /v1/batches/turns} may name
 * @param clientTurnWindow   how far back a repeated clientTurnId is recognised after a restart
 * @param sseHeartbeat       how often an idle event stream gets a comment line
 * @param clientBufferEvents how many records a connection may have queued; a full queue suspends its delivery
 * @param clientStall        how long a connection's queue may stay full before it is closed as too slow
 * @param models             the models the OpenAI-compatible API offers ({@link ModelDirectory})
 * @param postprocessUrl     base URL of postprocess-streams' query API (session views, search); no trailing slash
 * @param postprocessTimeout how long a call to that API may take, connecting included, before it fails
 * @param workerGroup        the inference workers' consumer group, whose members must hold the ledger for /health/ready
 * @param kafka              Kafka client settings (bootstrap.servers, schema.registry.url, PARLEY_KAFKA_* pass-through)
 * @param auth               how requests authenticate ({@link AuthConfig}: PARLEY_AUTH, PARLEY_JWT_*, ...)
 * @param limits             every principal's limits ({@code PARLEY_LIMIT_*}, {@code PARLEY_LIMITS_FILE})
 */
public record IngestConfig(String bindHost, int httpPort, int metricsPort, int maxTurnBytes, int batchMaxAgents,
                           Duration clientTurnWindow, Duration sseHeartbeat,
                           int clientBufferEvents, Duration clientStall, String postprocessUrl,
                           Duration postprocessTimeout, String workerGroup, Map<String, Object> kafka,
                           ModelDirectory models, AuthConfig auth, LimitsConfig limits) {

    public static final String HTTP_PORT = "PARLEY_HTTP_PORT";
    public static final String METRICS_PORT = "PARLEY_GATEWAY_METRICS_PORT";
    public static final String MAX_TURN_BYTES = "PARLEY_MAX_TURN_BYTES";
    public static final String BATCH_MAX_AGENTS = "PARLEY_BATCH_MAX_AGENTS";
    public static final String CLIENT_TURN_WINDOW_MS = "PARLEY_CLIENT_TURN_WINDOW_MS";
    public static final String SSE_HEARTBEAT_MS = "PARLEY_SSE_HEARTBEAT_MS";
    public static final String CLIENT_BUFFER_EVENTS = "PARLEY_CLIENT_BUFFER_EVENTS";
    public static final String CLIENT_STALL_MS = "PARLEY_CLIENT_STALL_MS";
    public static final String POSTPROCESS_URL = "PARLEY_POSTPROCESS_URL";
    public static final String POSTPROCESS_TIMEOUT_MS = "PARLEY_POSTPROCESS_TIMEOUT_MS";
    public static final String WORKER_GROUP = WorkerGroup.KEY;

    public static final int DEFAULT_HTTP_PORT = 8080;
    public static final int DEFAULT_METRICS_PORT = 8084;
    public static final int DEFAULT_MAX_TURN_BYTES = 65_536;
    public static final int DEFAULT_BATCH_MAX_AGENTS = 32;
    public static final Duration DEFAULT_CLIENT_TURN_WINDOW = Duration.ofHours(1);
    public static final Duration DEFAULT_SSE_HEARTBEAT = Duration.ofSeconds(15);
    public static final int DEFAULT_CLIENT_BUFFER_EVENTS = 10_000;
    public static final Duration DEFAULT_CLIENT_STALL = Duration.ofSeconds(10);
    public static final String DEFAULT_POSTPROCESS_URL = "http://localhost:8083";
    public static final Duration DEFAULT_POSTPROCESS_TIMEOUT = Duration.ofSeconds(5);
    public static final String DEFAULT_WORKER_GROUP = WorkerGroup.DEFAULT;
    public static final String DEFAULT_BOOTSTRAP = "localhost:9092";

    /** A UserTurn must fit in one Kafka record (the broker's default limit is about 1 MiB). */
    public static final int MAX_TURN_BYTES_LIMIT = 900_000;
    /** A batch is one request and one backend call: its agents share the body limit and one prompt. */
    public static final int BATCH_MAX_AGENTS_LIMIT = 1_000;

    public IngestConfig {
        Objects.requireNonNull(clientTurnWindow, "clientTurnWindow");
        Objects.requireNonNull(sseHeartbeat, "sseHeartbeat");
        Objects.requireNonNull(clientStall, "clientStall");
        Objects.requireNonNull(postprocessTimeout, "postprocessTimeout");
        Objects.requireNonNull(models, "models");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(bindHost, "bindHost");
        Objects.requireNonNull(auth, "auth");
        if (workerGroup == null || workerGroup.isBlank()) {
            throw new IllegalArgumentException("workerGroup is missing");
        }
        String urlProblem = urlProblem(postprocessUrl);
        if (urlProblem != null) {
            throw new IllegalArgumentException("postprocessUrl " + postprocessUrl + ": " + urlProblem);
        }
        postprocessUrl = stripTrailingSlashes(postprocessUrl.trim());
        kafka = Map.copyOf(Objects.requireNonNull(kafka, "kafka"));
        if (httpPort < 0 || httpPort > 65_535) {
            throw new IllegalArgumentException("httpPort out of range: " + httpPort);
        }
        if (metricsPort < -1 || metricsPort > 65_535) {
            throw new IllegalArgumentException("metricsPort out of range: " + metricsPort);
        }
        if (maxTurnBytes < 1 || batchMaxAgents < 1 || clientBufferEvents < 1 || !isPositive(sseHeartbeat)
                || !isPositive(clientStall) || !isPositive(postprocessTimeout)) {
            throw new IllegalArgumentException("maxTurnBytes, batchMaxAgents, clientBufferEvents, sseHeartbeat, "
                    + "clientStall and postprocessTimeout must be positive");
        }
    }

    /**
     * Reads every setting, then validates them all at once.
     *
     * @throws IllegalArgumentException naming every bad setting
     */
    public static IngestConfig fromEnvironment(Env env) {
        int port = env.port(HTTP_PORT, DEFAULT_HTTP_PORT);
        // a gateway on a free port (tests, a second gateway) puts its metrics on a free port too
        int metricsPort = env.integer(METRICS_PORT, port == 0 ? 0 : DEFAULT_METRICS_PORT, -1, 65_535);
        int maxTurnBytes = env.integer(MAX_TURN_BYTES, DEFAULT_MAX_TURN_BYTES, 1, MAX_TURN_BYTES_LIMIT);
        int batchMaxAgents = env.integer(BATCH_MAX_AGENTS, DEFAULT_BATCH_MAX_AGENTS, 1, BATCH_MAX_AGENTS_LIMIT);
        Duration window = env.millis(CLIENT_TURN_WINDOW_MS, DEFAULT_CLIENT_TURN_WINDOW);
        int heartbeatMs = env.integer(SSE_HEARTBEAT_MS, (int) DEFAULT_SSE_HEARTBEAT.toMillis(), 1, Integer.MAX_VALUE);
        int buffer = env.integer(CLIENT_BUFFER_EVENTS, DEFAULT_CLIENT_BUFFER_EVENTS, 1, 10_000_000);
        int stallMs = env.integer(CLIENT_STALL_MS, (int) DEFAULT_CLIENT_STALL.toMillis(), 1, Integer.MAX_VALUE);
        String postprocessUrl = env.string(POSTPROCESS_URL, DEFAULT_POSTPROCESS_URL);
        String urlProblem = urlProblem(postprocessUrl);
        if (urlProblem != null) {
            env.error(POSTPROCESS_URL + "=" + postprocessUrl + ": " + urlProblem);
            postprocessUrl = DEFAULT_POSTPROCESS_URL;
        }
        int postprocessTimeoutMs = env.integer(POSTPROCESS_TIMEOUT_MS, (int) DEFAULT_POSTPROCESS_TIMEOUT.toMillis(),
                1, Integer.MAX_VALUE);
        String workerGroup = WorkerGroup.fromEnvironment(env);
        Map<String, Object> kafka = env.kafkaClientConfig(DEFAULT_BOOTSTRAP);
        ModelDirectory models = ModelDirectory.fromEnvironment(env);
        AuthConfig auth = AuthConfig.fromEnvironment(env);
        LimitsConfig limits = LimitsConfig.fromEnvironment(env);
        env.validate();
        return new IngestConfig(env.bindHost(), port, metricsPort, maxTurnBytes, batchMaxAgents, window,
                Duration.ofMillis(heartbeatMs), buffer, Duration.ofMillis(stallMs), postprocessUrl,
                Duration.ofMillis(postprocessTimeoutMs), workerGroup, kafka, models, auth, limits);
    }

    /** The same settings on another HTTP port, e.g. 0 in tests (then metrics, unless off, on a free port too). */
    public IngestConfig withHttpPort(int port) {
        int metrics = port == 0 && metricsPort > 0 ? 0 : metricsPort;
        return new IngestConfig(bindHost, port, metrics, maxTurnBytes, batchMaxAgents, clientTurnWindow, sseHeartbeat,
                clientBufferEvents, clientStall, postprocessUrl, postprocessTimeout, workerGroup, kafka, models, auth,
                limits);
    }

    /** Why the URL cannot be postprocess' base URL (absolute http or https, with a host), or null when it can. */
    static String urlProblem(String url) {
        if (url == null || url.isBlank()) {
            return "the URL is missing";
        }
        try {
            URI uri = new URI(url.trim());
            String scheme = uri.getScheme();
            if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
                return "must be an absolute http:// or https:// URL";
            }
            // getHost() is null for names with an underscore (some Docker service names); the authority is still there
            if (uri.getHost() == null && (uri.getRawAuthority() == null || uri.getRawAuthority().isBlank())) {
                return "has no host";
            }
            if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
                return "must not have a query or fragment";
            }
            return null;
        } catch (URISyntaxException e) {
            return "is not a URL (" + e.getMessage() + ")";
        }
    }

    private static String stripTrailingSlashes(String url) {
        String result = url;
        while (result.endsWith("/")) {
            result = result.substring(0, result.length() - 1);
        }
        return result;
    }

    private static boolean isPositive(Duration duration) {
        return !duration.isZero() && !duration.isNegative();
    }
}
