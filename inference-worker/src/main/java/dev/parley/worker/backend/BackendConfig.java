package dev.parley.worker.backend;

import dev.parley.schemas.config.Env;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Objects;

/**
 * Where and how to reach an OpenAI-compatible LLM server, e.g. {@code http://localhost:8090/v1} (the simulator),
 * {@code http://localhost:11434/v1} (Ollama) or {@code https://api.openai.com/v1}.
 *
 * @param baseUrl            the URL that {@code /chat/completions} is appended to; no trailing slash
 * @param model              the model used when a {@link ChatRequest} does not name one
 * @param apiKey             sent as {@code Authorization: Bearer <key>}; null or blank to send none
 * @param connectTimeout     how long to wait for the TCP (and TLS) connection
 * @param firstTokenTimeout  how long from the start of the request to the first token
 * @param idleTimeout        after the first token, how long the stream may go without any data
 */
public record BackendConfig(
    String baseUrl,
    String model,
    String apiKey,
    Duration connectTimeout,
    Duration firstTokenTimeout,
    Duration idleTimeout) {

    public static final String URL = "PARLEY_LLM_URL";
    public static final String MODEL = "PARLEY_LLM_MODEL";
    public static final String API_KEY = "PARLEY_LLM_API_KEY";
    public static final String CONNECT_TIMEOUT_MS = "PARLEY_LLM_CONNECT_TIMEOUT_MS";
    public static final String FIRST_TOKEN_TIMEOUT_MS = "PARLEY_LLM_FIRST_TOKEN_TIMEOUT_MS";
    public static final String IDLE_TIMEOUT_MS = "PARLEY_LLM_IDLE_TIMEOUT_MS";

    /** The simulator's usual address in the standalone run. */
    public static final String DEFAULT_URL = "http://localhost:8090/v1";
    public static final String DEFAULT_MODEL = "parley-simulator";
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_FIRST_TOKEN_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);

    public BackendConfig {
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
    }

    /** Default timeouts, no API key. */
    public static BackendConfig of(String baseUrl, String model) {
        return new BackendConfig(baseUrl, model, null, DEFAULT_CONNECT_TIMEOUT, DEFAULT_FIRST_TOKEN_TIMEOUT,
            DEFAULT_IDLE_TIMEOUT);
    }

    /**
     * Reads the {@code PARLEY_LLM_*} settings. Bad values are recorded in {@code env} (defaults stand in for them),
     * so the caller's {@link Env#validate()} names them together with every other bad setting.
     */
    public static BackendConfig fromEnvironment(Env env) {
        String url = env.string(URL, DEFAULT_URL);
        String problem = urlProblem(url);
        if (problem != null) {
            env.error(URL + "=" + url + ": " + problem);
            url = DEFAULT_URL;
        }
        return new BackendConfig(
            url,
            env.string(MODEL, DEFAULT_MODEL),
            env.string(API_KEY, null),
            positiveMillis(env, CONNECT_TIMEOUT_MS, DEFAULT_CONNECT_TIMEOUT),
            positiveMillis(env, FIRST_TOKEN_TIMEOUT_MS, DEFAULT_FIRST_TOKEN_TIMEOUT),
            positiveMillis(env, IDLE_TIMEOUT_MS, DEFAULT_IDLE_TIMEOUT));
    }

    public BackendConfig withModel(String model) {
        return new BackendConfig(baseUrl, model, apiKey, connectTimeout, firstTokenTimeout, idleTimeout);
    }

    public BackendConfig withApiKey(String apiKey) {
        return new BackendConfig(baseUrl, model, apiKey, connectTimeout, firstTokenTimeout, idleTimeout);
    }

    public BackendConfig withConnectTimeout(Duration connectTimeout) {
        return new BackendConfig(baseUrl, model, apiKey, connectTimeout, firstTokenTimeout, idleTimeout);
    }

    public BackendConfig withFirstTokenTimeout(Duration firstTokenTimeout) {
        return new BackendConfig(baseUrl, model, apiKey, connectTimeout, firstTokenTimeout, idleTimeout);
    }

    public BackendConfig withIdleTimeout(Duration idleTimeout) {
        return new BackendConfig(baseUrl, model, apiKey, connectTimeout, firstTokenTimeout, idleTimeout);
    }

    /** The chat-completions endpoint. */
    public String chatCompletionsUrl() {
        return baseUrl + "/chat/completions";
    }

    /** Never prints the API key. */
    @Override
    public String toString() {
        return "BackendConfig[baseUrl=" + baseUrl + ", model=" + model + ", apiKey=" + (apiKey == null ? "none" : "***")
            + ", connectTimeout=" + connectTimeout + ", firstTokenTimeout=" + firstTokenTimeout
            + ", idleTimeout=" + idleTimeout + "]";
    }

    /** Why the URL is unusable, or null when it is fine. */
    static String urlProblem(String url) {
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
