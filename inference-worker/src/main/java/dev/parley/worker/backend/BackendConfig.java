package dev.parley.worker.backend;

import dev.parley.schemas.config.Env;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Objects;

/**
 * One LLM backend of the catalogue: where and how to reach it, how long to wait, how many generations it may run
 * at once and what it costs. E.g. {@code http://localhost:8090/v1} (the simulator, kind openai),
 * {@code http://localhost:11434} (Ollama, kind ollama) or {@code https://api.anthropic.com} (kind anthropic).
 *
 * @param name               the backend's name in the catalogue, in routes, metrics and the ledger
 * @param kind               the protocol it speaks
 * @param baseUrl            the URL the protocol's path is appended to ({@code /chat/completions},
 *                           {@code /api/chat}, {@code /v1/messages}); no trailing slash
 * @param model              the model used when a {@link ChatRequest} does not name one
 * @param apiKey             the key, already read from its environment variable or secret file; null for none
 * @param connectTimeout     how long to wait for the TCP (and TLS) connection
 * @param firstTokenTimeout  how long from the start of the request to the first token
 * @param idleTimeout        after the first token, how long the stream may go without any data
 * @param totalTimeout       how long the whole generation may take
 * @param stream             false to ask for the whole reply at once (it then arrives as one chunk)
 * @param maxConcurrent      generations it runs at once; more turns wait in line (the bulkhead)
 * @param prices             its price per million tokens, or null when not configured (no cost recorded)
 * @param breaker            when its circuit breaker opens
 */
public record BackendConfig(
    String name,
    BackendKind kind,
    String baseUrl,
    String model,
    String apiKey,
    Duration connectTimeout,
    Duration firstTokenTimeout,
    Duration idleTimeout,
    Duration totalTimeout,
    boolean stream,
    int maxConcurrent,
    Prices prices,
    BreakerSettings breaker) {

    public static final String URL = "PARLEY_LLM_URL";
    public static final String MODEL = "PARLEY_LLM_MODEL";
    public static final String API_KEY = "PARLEY_LLM_API_KEY";
    public static final String CONNECT_TIMEOUT_MS = "PARLEY_LLM_CONNECT_TIMEOUT_MS";
    public static final String FIRST_TOKEN_TIMEOUT_MS = "PARLEY_LLM_FIRST_TOKEN_TIMEOUT_MS";
    public static final String IDLE_TIMEOUT_MS = "PARLEY_LLM_IDLE_TIMEOUT_MS";

    /** The simulator's usual address in the standalone run. */
    public static final String DEFAULT_URL = "http://localhost:8090/v1";
    public static final String DEFAULT_MODEL = "parley-simulator";
    /** The name of the one backend that the {@code PARLEY_LLM_*} settings describe. */
    public static final String DEFAULT_NAME = "default";
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_FIRST_TOKEN_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_TOTAL_TIMEOUT = Duration.ofMinutes(10);
    /** Generations at once when the catalogue does not say: high enough that only the worker's own limit binds. */
    public static final int DEFAULT_MAX_CONCURRENT = 4096;

    public BackendConfig {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a backend needs a name");
        }
        Objects.requireNonNull(kind, "kind");
        String problem = urlProblem(baseUrl);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        baseUrl = stripTrailingSlashes(baseUrl.trim());
        Objects.requireNonNull(model, "model");
        apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey.trim();
        requirePositive(connectTimeout, "connectTimeout");
        requirePositive(firstTokenTimeout, "firstTokenTimeout");
        requirePositive(idleTimeout, "idleTimeout");
        requirePositive(totalTimeout, "totalTimeout");
        if (maxConcurrent < 1) {
            throw new IllegalArgumentException("maxConcurrent must be at least 1, was " + maxConcurrent);
        }
        Objects.requireNonNull(breaker, "breaker");
    }

    /** An OpenAI-compatible backend named {@value #DEFAULT_NAME} with default timeouts and no API key. */
    public static BackendConfig of(String baseUrl, String model) {
        return of(DEFAULT_NAME, BackendKind.OPENAI, baseUrl, model);
    }

    /** Default timeouts, no API key, no prices, streaming. */
    public static BackendConfig of(String name, BackendKind kind, String baseUrl, String model) {
        return new BackendConfig(name, kind, baseUrl, model, null, DEFAULT_CONNECT_TIMEOUT,
            DEFAULT_FIRST_TOKEN_TIMEOUT, DEFAULT_IDLE_TIMEOUT, DEFAULT_TOTAL_TIMEOUT, true, DEFAULT_MAX_CONCURRENT,
            null, BreakerSettings.DEFAULT);
    }

    /**
     * Reads the {@code PARLEY_LLM_*} settings: one OpenAI-compatible backend. Bad values are recorded in
     * {@code env} (defaults stand in for them), so the caller's {@link Env#validate()} names them together with
     * every other bad setting.
     */
    public static BackendConfig fromEnvironment(Env env) {
        String url = env.string(URL, DEFAULT_URL);
        String problem = urlProblem(url);
        if (problem != null) {
            env.error(URL + "=" + url + ": " + problem);
            url = DEFAULT_URL;
        }
        return of(url, env.string(MODEL, DEFAULT_MODEL))
            .withApiKey(env.string(API_KEY, null))
            .withConnectTimeout(positiveMillis(env, CONNECT_TIMEOUT_MS, DEFAULT_CONNECT_TIMEOUT))
            .withFirstTokenTimeout(positiveMillis(env, FIRST_TOKEN_TIMEOUT_MS, DEFAULT_FIRST_TOKEN_TIMEOUT))
            .withIdleTimeout(positiveMillis(env, IDLE_TIMEOUT_MS, DEFAULT_IDLE_TIMEOUT));
    }

    public BackendConfig withName(String name) {
        return new BackendConfig(name, kind, baseUrl, model, apiKey, connectTimeout, firstTokenTimeout, idleTimeout,
            totalTimeout, stream, maxConcurrent, prices, breaker);
    }

    public BackendConfig withModel(String model) {
        return new BackendConfig(name, kind, baseUrl, model, apiKey, connectTimeout, firstTokenTimeout, idleTimeout,
            totalTimeout, stream, maxConcurrent, prices, breaker);
    }

    public BackendConfig withApiKey(String apiKey) {
        return new BackendConfig(name, kind, baseUrl, model, apiKey, connectTimeout, firstTokenTimeout, idleTimeout,
            totalTimeout, stream, maxConcurrent, prices, breaker);
    }

    public BackendConfig withConnectTimeout(Duration connectTimeout) {
        return new BackendConfig(name, kind, baseUrl, model, apiKey, connectTimeout, firstTokenTimeout, idleTimeout,
            totalTimeout, stream, maxConcurrent, prices, breaker);
    }

    public BackendConfig withFirstTokenTimeout(Duration firstTokenTimeout) {
        return new BackendConfig(name, kind, baseUrl, model, apiKey, connectTimeout, firstTokenTimeout, idleTimeout,
            totalTimeout, stream, maxConcurrent, prices, breaker);
    }

    public BackendConfig withIdleTimeout(Duration idleTimeout) {
        return new BackendConfig(name, kind, baseUrl, model, apiKey, connectTimeout, firstTokenTimeout, idleTimeout,
            totalTimeout, stream, maxConcurrent, prices, breaker);
    }

    public BackendConfig withTotalTimeout(Duration totalTimeout) {
        return new BackendConfig(name, kind, baseUrl, model, apiKey, connectTimeout, firstTokenTimeout, idleTimeout,
            totalTimeout, stream, maxConcurrent, prices, breaker);
    }

    public BackendConfig withStream(boolean stream) {
        return new BackendConfig(name, kind, baseUrl, model, apiKey, connectTimeout, firstTokenTimeout, idleTimeout,
            totalTimeout, stream, maxConcurrent, prices, breaker);
    }

    public BackendConfig withMaxConcurrent(int maxConcurrent) {
        return new BackendConfig(name, kind, baseUrl, model, apiKey, connectTimeout, firstTokenTimeout, idleTimeout,
            totalTimeout, stream, maxConcurrent, prices, breaker);
    }

    public BackendConfig withPrices(Prices prices) {
        return new BackendConfig(name, kind, baseUrl, model, apiKey, connectTimeout, firstTokenTimeout, idleTimeout,
            totalTimeout, stream, maxConcurrent, prices, breaker);
    }

    public BackendConfig withBreaker(BreakerSettings breaker) {
        return new BackendConfig(name, kind, baseUrl, model, apiKey, connectTimeout, firstTokenTimeout, idleTimeout,
            totalTimeout, stream, maxConcurrent, prices, breaker);
    }

    /** The chat-completions endpoint of an OpenAI-compatible backend. */
    public String chatCompletionsUrl() {
        return baseUrl + "/chat/completions";
    }

    /** Never prints the API key. */
    @Override
    public String toString() {
        return "BackendConfig[name=" + name + ", kind=" + kind.catalogueName() + ", baseUrl=" + baseUrl + ", model="
            + model + ", apiKey=" + (apiKey == null ? "none" : "***") + ", connectTimeout=" + connectTimeout
            + ", firstTokenTimeout=" + firstTokenTimeout + ", idleTimeout=" + idleTimeout + ", totalTimeout="
            + totalTimeout + ", stream=" + stream + ", maxConcurrent=" + maxConcurrent + ", prices=" + prices + "]";
    }

    /** Why the URL is unusable, or null when it is fine. */
    public static String urlProblem(String url) {
        if (url == null || url.isBlank()) {
            return "the LLM URL is missing";
        }
        try {
            URI uri = new URI(url.trim());
            String scheme = uri.getScheme();
            if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
                return "the LLM URL must start with http:// or https://";
            }
            // getHost() is null for names with an underscore (some Docker service names); the authority is still there
            if (uri.getHost() == null && (uri.getRawAuthority() == null || uri.getRawAuthority().isBlank())) {
                return "the LLM URL has no host";
            }
            if (uri.getQuery() != null || uri.getFragment() != null) {
                return "the LLM URL must not have a query or fragment";
            }
            return null;
        } catch (URISyntaxException e) {
            return "the LLM URL is not a URL (" + e.getMessage() + ")";
        }
    }

    private static String stripTrailingSlashes(String url) {
        String result = url;
        while (result.endsWith("/")) {
            result = result.substring(0, result.length() - 1);
        }
        return result;
    }

    private static Duration positiveMillis(Env env, String key, Duration defaultValue) {
        Duration value = env.millis(key, defaultValue);
        if (value.isZero()) {
            env.error(key + "=0 must be at least 1 ms");
            return defaultValue;
        }
        return value;
    }

    private static void requirePositive(Duration duration, String name) {
        if (duration == null || duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + duration);
        }
    }
}
