package dev.parley.schemas.registry;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Where the schema registry is and how to log in, from Confluent's client config keys (mock://scope for in-memory). */
public final class SchemaRegistryConfig {

    private static final Logger log = LoggerFactory.getLogger(SchemaRegistryConfig.class);

    /** Comma-separated registry URLs, tried in turn. */
    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    /** {@code URL} (user info taken from the URL, the default) or {@code USER_INFO}. */
    public static final String BASIC_AUTH_CREDENTIALS_SOURCE = "basic.auth.credentials.source";
    /** {@code user:password} when the source is {@code USER_INFO}. */
    public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
    /** Confluent's older spelling of {@link #BASIC_AUTH_USER_INFO}; accepted too. */
    public static final String SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO = "schema.registry.basic.auth.user.info";
    /** Connect timeout for registry calls. */
    public static final String HTTP_CONNECT_TIMEOUT_MS = "http.connect.timeout.ms";
    /** Timeout for a whole registry request once connected. */
    public static final String HTTP_READ_TIMEOUT_MS = "http.read.timeout.ms";

    /** The URL scheme that selects {@link InMemorySchemaRegistryClient#forScope(String)}. */
    public static final String MOCK_SCHEME = "mock";

    public static final String SOURCE_URL = "URL";
    public static final String SOURCE_USER_INFO = "USER_INFO";

    private static final ConfigDef DEFINITION = new ConfigDef()
            .define(SCHEMA_REGISTRY_URL, Type.LIST, List.of(), Importance.HIGH,
                    "Comma-separated schema registry URLs, e.g. http://localhost:8081")
            .define(BASIC_AUTH_CREDENTIALS_SOURCE, Type.STRING, SOURCE_URL,
                    ConfigDef.ValidString.in(SOURCE_URL, SOURCE_USER_INFO), Importance.MEDIUM,
                    "Where basic-auth credentials come from: URL or USER_INFO")
            .define(BASIC_AUTH_USER_INFO, Type.PASSWORD, null, Importance.MEDIUM,
                    "user:password for basic auth when the source is USER_INFO")
            .define(SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO, Type.PASSWORD, null, Importance.LOW,
                    "Older spelling of basic.auth.user.info")
            .define(HTTP_CONNECT_TIMEOUT_MS, Type.INT, 10_000, ConfigDef.Range.atLeast(1), Importance.LOW,
                    "Connect timeout for registry calls")
            .define(HTTP_READ_TIMEOUT_MS, Type.INT, 30_000, ConfigDef.Range.atLeast(1), Importance.LOW,
                    "Timeout of one registry request");

    private final List<URI> urls;
    private final String userInfo;
    private final Duration connectTimeout;
    private final Duration readTimeout;

    private SchemaRegistryConfig(List<URI> urls, String userInfo, Duration connectTimeout, Duration readTimeout) {
        this.urls = List.copyOf(urls);
        this.userInfo = userInfo;
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
    }

    /**
     * Reads and validates the registry settings from a Kafka client config map.
     *
     * @throws ConfigException naming the key when a setting is missing or invalid
     */
    public static SchemaRegistryConfig from(Map<String, ?> config) {
        AbstractConfig parsed = new AbstractConfig(DEFINITION, config, false);
        List<String> raw = parsed.getList(SCHEMA_REGISTRY_URL);
        if (raw.isEmpty() || raw.stream().allMatch(String::isBlank)) {
            throw new ConfigException(SCHEMA_REGISTRY_URL + " is required: the schema registry URL(s), "
                    + "e.g. http://localhost:8081 (or mock://<scope> for an in-memory registry in tests)");
        }
        List<URI> urls = new ArrayList<>();
        String urlUserInfo = null;
        for (String value : raw) {
            URI uri = parseUrl(value.trim());
            if (uri.getUserInfo() != null && urlUserInfo == null) {
                urlUserInfo = uri.getUserInfo();
            }
            urls.add(withoutUserInfo(uri));
        }
        if (urls.stream().anyMatch(SchemaRegistryConfig::isMock) && urls.size() > 1) {
            throw new ConfigException(SCHEMA_REGISTRY_URL, String.join(",", raw),
                    "a mock:// URL cannot be combined with other URLs");
        }
        String userInfo = userInfo(parsed, urlUserInfo);
        return new SchemaRegistryConfig(urls, userInfo,
                Duration.ofMillis(parsed.getInt(HTTP_CONNECT_TIMEOUT_MS)),
                Duration.ofMillis(parsed.getInt(HTTP_READ_TIMEOUT_MS)));
    }

    /** The registry URLs, without user info, in the order they are tried. */
    public List<URI> urls() {
        return urls;
    }

    /** {@code user:password} for basic auth, if configured. */
    public Optional<String> userInfo() {
        return Optional.ofNullable(userInfo);
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    public Duration readTimeout() {
        return readTimeout;
    }

    /** True when the URL is {@code mock://<scope>}: an in-memory registry. */
    public boolean isMock() {
        return isMock(urls.get(0));
    }

    /** The scope of a {@code mock://} URL. */
    public String mockScope() {
        URI uri = urls.get(0);
        return uri.getAuthority() != null ? uri.getAuthority() : uri.getSchemeSpecificPart().replaceFirst("^//", "");
    }

    @Override
    public String toString() {
        String user = userInfo == null ? "no auth" : "basic auth as " + userInfo.split(":", 2)[0];
        return urls + " (" + user + ")";
    }

    private static boolean isMock(URI uri) {
        return MOCK_SCHEME.equalsIgnoreCase(uri.getScheme());
    }

    private static URI parseUrl(String value) {
        try {
            URI uri = new URI(value.endsWith("/") ? value.substring(0, value.length() - 1) : value);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
            boolean http = (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null;
            if (!http && !scheme.equals(MOCK_SCHEME)) {
                throw new ConfigException(SCHEMA_REGISTRY_URL, value,
                        "not an http(s):// URL with a host (or mock://<scope>)");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new ConfigException(SCHEMA_REGISTRY_URL, value, "not a URL: " + e.getMessage());
        }
    }

    private static URI withoutUserInfo(URI uri) {
        if (uri.getRawUserInfo() == null) {
            return uri;
        }
        try {
            return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), null, null);
        } catch (URISyntaxException e) {
            throw new ConfigException(SCHEMA_REGISTRY_URL, uri.getHost(), "not a URL: " + e.getMessage());
        }
    }

    private static String userInfo(AbstractConfig parsed, String urlUserInfo) {
        Password info = parsed.getPassword(BASIC_AUTH_USER_INFO);
        if (info == null) {
            info = parsed.getPassword(SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO);
        }
        String source = parsed.getString(BASIC_AUTH_CREDENTIALS_SOURCE);
        if (source.equals(SOURCE_USER_INFO)) {
            if (info == null || info.value().isBlank()) {
                throw new ConfigException(BASIC_AUTH_USER_INFO + " (user:password) is required when "
                        + BASIC_AUTH_CREDENTIALS_SOURCE + "=" + SOURCE_USER_INFO);
            }
            if (!info.value().contains(":")) {
                throw new ConfigException(BASIC_AUTH_USER_INFO, "[hidden]", "expected user:password");
            }
            return info.value();
        }
        if (info != null) {
            // Confluent ignores user info unless the source says USER_INFO; say so instead of failing silently
            log.warn("{} is set but ignored because {}={}; set {}={} to use it",
                    BASIC_AUTH_USER_INFO, BASIC_AUTH_CREDENTIALS_SOURCE, source,
                    BASIC_AUTH_CREDENTIALS_SOURCE, SOURCE_USER_INFO);
        }
        return urlUserInfo;
    }
}
