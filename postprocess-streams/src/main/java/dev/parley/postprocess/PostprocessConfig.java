package dev.parley.postprocess;

import dev.parley.schemas.config.Env;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** The postprocess application's settings, read once from the environment and validated as a whole. */
public record PostprocessConfig(
    String applicationId,
    Map<String, Object> kafka,
    Path stateDir,
    String host,
    String bindHost,
    int port,
    int threads,
    Duration commitInterval,
    boolean reset,
    int snapshotBudgetChars,
    int summaryMaxChars,
    String summarizer,
    Remote summarizerRemote,
    String commitmentExtractor,
    Remote commitmentExtractorRemote,
    String embeddings,
    Remote embeddingsRemote,
    String instanceId) {

    public static final String APPLICATION_ID = "PARLEY_POSTPROCESS_APP_ID";
    public static final String STATE_DIR = "PARLEY_POSTPROCESS_STATE_DIR";
    public static final String HOST = "PARLEY_POSTPROCESS_HOST";
    public static final String PORT = "PARLEY_POSTPROCESS_PORT";
    public static final String THREADS = "PARLEY_POSTPROCESS_THREADS";
    public static final String COMMIT_INTERVAL_MS = "PARLEY_POSTPROCESS_COMMIT_INTERVAL_MS";
    public static final String RESET = "PARLEY_POSTPROCESS_RESET";
    public static final String SNAPSHOT_BUDGET = "PARLEY_SNAPSHOT_BUDGET_CHARS";
    public static final String SUMMARY_MAX = "PARLEY_SUMMARY_MAX_CHARS";
    public static final String SUMMARIZER = "PARLEY_SUMMARIZER";
    public static final String SUMMARIZER_URL = "PARLEY_SUMMARIZER_URL";
    public static final String SUMMARIZER_MODEL = "PARLEY_SUMMARIZER_MODEL";
    public static final String SUMMARIZER_API_KEY = "PARLEY_SUMMARIZER_API_KEY";
    public static final String COMMITMENT_EXTRACTOR = "PARLEY_COMMITMENT_EXTRACTOR";
    public static final String COMMITMENT_EXTRACTOR_URL = "PARLEY_COMMITMENT_EXTRACTOR_URL";
    public static final String COMMITMENT_EXTRACTOR_MODEL = "PARLEY_COMMITMENT_EXTRACTOR_MODEL";
    public static final String COMMITMENT_EXTRACTOR_API_KEY = "PARLEY_COMMITMENT_EXTRACTOR_API_KEY";
    public static final String LLM_TIMEOUT_MS = "PARLEY_POSTPROCESS_LLM_TIMEOUT_MS";
    public static final String EMBEDDINGS = "PARLEY_EMBEDDINGS";
    public static final String EMBEDDINGS_URL = "PARLEY_EMBEDDINGS_URL";
    public static final String EMBEDDINGS_MODEL = "PARLEY_EMBEDDINGS_MODEL";
    public static final String EMBEDDINGS_API_KEY = "PARLEY_EMBEDDINGS_API_KEY";
    public static final String EMBEDDINGS_TIMEOUT_MS = "PARLEY_EMBEDDINGS_TIMEOUT_MS";
    public static final String INSTANCE_ID = "PARLEY_POSTPROCESS_INSTANCE_ID";

    public static final int DEFAULT_PORT = 8083;
    public static final List<String> SUMMARIZERS = List.of("extractive", "llm");
    public static final List<String> COMMITMENT_EXTRACTORS = List.of("rules", "llm");
    public static final List<String> EMBEDDERS = List.of("onnx", "openai", "ollama", "none");
    /** {@value #INSTANCE_ID} value that turns static group membership off. */
    public static final String NO_INSTANCE_ID = "none";
    /** What Kafka accepts in {@code group.instance.id} (Streams appends {@code -<thread>}), kept short. */
    private static final Pattern INSTANCE_ID_PATTERN = Pattern.compile("[A-Za-z0-9._-]{1,200}");
    /** The Kafka pass-through of {@code group.protocol}, read to keep static membership off with {@code streams}. */
    private static final String GROUP_PROTOCOL = Env.KAFKA_PREFIX + "GROUP_PROTOCOL";

    /** An HTTP model server: base URL ({@code /chat/completions} or {@code /embeddings} is appended), model, key. */
    public record Remote(URI url, String model, String apiKey, Duration timeout) {
    }

    public PostprocessConfig {
        kafka = Map.copyOf(kafka);
    }

    public static PostprocessConfig fromEnvironment(Env env) {
        String summarizer = oneOf(env, SUMMARIZER, "extractive", SUMMARIZERS);
        String commitmentExtractor = oneOf(env, COMMITMENT_EXTRACTOR, "rules", COMMITMENT_EXTRACTORS);
        String embeddings = oneOf(env, EMBEDDINGS, "onnx", EMBEDDERS);
        // The LLM summarizer and extractor run on the snapshot stream thread: this bounds how long one stalls it.
        Duration llmTimeout = Duration.ofMillis(env.integer(LLM_TIMEOUT_MS, 60_000, 1, Integer.MAX_VALUE));
        PostprocessConfig config = new PostprocessConfig(
            env.string(APPLICATION_ID, "parley-postprocess"),
            env.kafkaClientConfig("localhost:9092"),
            Path.of(env.string(STATE_DIR, Path.of(System.getProperty("java.io.tmpdir"), "parley-streams").toString())),
            env.string(HOST, "localhost"),
            env.bindHost(),
            env.port(PORT, DEFAULT_PORT),
            env.integer(THREADS, 1, 1, 64),
            env.millis(COMMIT_INTERVAL_MS, Duration.ofMillis(100)),
            bool(env, RESET),
            env.integer(SNAPSHOT_BUDGET, 8_000, 200, 10_000_000),
            env.integer(SUMMARY_MAX, 2_000, 100, 1_000_000),
            summarizer,
            remote(env, summarizer.equals("llm"), SUMMARIZER_URL, env.string("PARLEY_LLM_URL", ""),
                SUMMARIZER_MODEL, env.string("PARLEY_LLM_MODEL", ""),
                env.string(SUMMARIZER_API_KEY, env.string("PARLEY_LLM_API_KEY", "")), llmTimeout),
            commitmentExtractor,
            remote(env, commitmentExtractor.equals("llm"), COMMITMENT_EXTRACTOR_URL, env.string("PARLEY_LLM_URL", ""),
                COMMITMENT_EXTRACTOR_MODEL, env.string("PARLEY_LLM_MODEL", ""),
                env.string(COMMITMENT_EXTRACTOR_API_KEY, env.string("PARLEY_LLM_API_KEY", "")), llmTimeout),
            embeddings,
            remote(env, embeddings.equals("openai") || embeddings.equals("ollama"), EMBEDDINGS_URL, "",
                EMBEDDINGS_MODEL, "", env.string(EMBEDDINGS_API_KEY, ""),
                env.millis(EMBEDDINGS_TIMEOUT_MS, Duration.ofSeconds(10))),
            instanceId(env));
        env.validate();
        return config;
    }

    /** With another port (0 picks a free one) and state directory: for tests and the standalone run. */
    public PostprocessConfig withPortAndStateDir(int port, Path stateDir) {
        return new PostprocessConfig(applicationId, kafka, stateDir, host, bindHost, port, threads, commitInterval, reset,
            snapshotBudgetChars, summaryMaxChars, summarizer, summarizerRemote, commitmentExtractor,
            commitmentExtractorRemote, embeddings, embeddingsRemote, instanceId);
    }

    /** With the reset flag set or cleared. */
    public PostprocessConfig withReset(boolean reset) {
        return new PostprocessConfig(applicationId, kafka, stateDir, host, bindHost, port, threads, commitInterval, reset,
            snapshotBudgetChars, summaryMaxChars, summarizer, summarizerRemote, commitmentExtractor,
            commitmentExtractorRemote, embeddings, embeddingsRemote, instanceId);
    }

    /**
     * The static group member id: null when unset (then {@link InstanceId} keeps one in the state directory),
     * {@value #NO_INSTANCE_ID} for dynamic membership, which the streams rebalance protocol requires.
     */
    private static String instanceId(Env env) {
        String value = env.string(INSTANCE_ID, null);
        boolean streamsProtocol = "streams".equalsIgnoreCase(env.string(GROUP_PROTOCOL, ""));
        if (value == null) {
            return streamsProtocol ? NO_INSTANCE_ID : null;
        }
        if (value.equals(NO_INSTANCE_ID)) {
            return value;
        }
        if (!INSTANCE_ID_PATTERN.matcher(value).matches()) {
            env.error(INSTANCE_ID + "=" + value + " must be 1 to 200 letters, digits, '.', '_' or '-', or "
                + NO_INSTANCE_ID);
        } else if (streamsProtocol) {
            env.error(INSTANCE_ID + "=" + value + " needs the classic group protocol, but " + GROUP_PROTOCOL
                + "=streams has no static membership; set " + INSTANCE_ID + "=" + NO_INSTANCE_ID);
        }
        return value;
    }

    private static String oneOf(Env env, String key, String defaultValue, List<String> allowed) {
        String value = env.string(key, defaultValue);
        if (!allowed.contains(value)) {
            env.error(key + "=" + value + " is not one of " + String.join(", ", allowed));
            return defaultValue;
        }
        return value;
    }

    private static boolean bool(Env env, String key) {
        String value = env.string(key, "false");
        if (!value.equals("true") && !value.equals("false")) {
            env.error(key + "=" + value + " must be true or false");
            return false;
        }
        return value.equals("true");
    }

    /** A remote model's settings; null when not {@code used}, an error when used without a URL or model. */
    private static Remote remote(Env env, boolean used, String urlKey, String urlDefault, String modelKey,
                                 String modelDefault, String apiKey, Duration timeout) {
        String url = env.string(urlKey, urlDefault);
        String model = env.string(modelKey, modelDefault);
        if (!used) {
            return null;
        }
        if (url.isEmpty() || model.isEmpty()) {
            env.error(urlKey + " and " + modelKey + " are required for this setting");
            return null;
        }
        URI uri;
        try {
            uri = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
        } catch (IllegalArgumentException e) {
            env.error(urlKey + "=" + url + " is not a URL");
            return null;
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
            env.error(urlKey + "=" + url + " must be an http(s) URL");
            return null;
        }
        return new Remote(uri, model, apiKey.isEmpty() ? null : apiKey, timeout);
    }
}
