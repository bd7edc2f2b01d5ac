package dev.parley.schemas.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Schema registry connection settings")
class SchemaRegistryConfigTest {

    @Test
    @DisplayName("several comma-separated URLs, trailing slashes dropped, in order")
    void severalUrls() {
        SchemaRegistryConfig config = SchemaRegistryConfig.from(
                Map.of("schema.registry.url", "http://a:8081/, https://b:8082"));
        assertEquals(List.of(URI.create("http://a:8081"), URI.create("https://b:8082")), config.urls());
        assertEquals(Optional.empty(), config.userInfo());
        assertEquals(Duration.ofSeconds(10), config.connectTimeout());
        assertEquals(Duration.ofSeconds(30), config.readTimeout());
    }

    @Test
    @DisplayName("URLs as a list value, as Kafka's config parsing allows")
    void listValue() {
        SchemaRegistryConfig config = SchemaRegistryConfig.from(
                Map.of("schema.registry.url", List.of("http://a:1", "http://b:2")));
        assertEquals(2, config.urls().size());
    }

    @Test
    @DisplayName("user info in the URL becomes basic auth and leaves the URL")
    void userInfoFromUrl() {
        SchemaRegistryConfig config = SchemaRegistryConfig.from(Map.of("schema.registry.url", "http://ada:pw@reg:8081"));
        assertEquals(List.of(URI.create("http://reg:8081")), config.urls());
        assertEquals(Optional.of("ada:pw"), config.userInfo());
        assertFalse(config.toString().contains("pw"), config.toString());
    }

    @Test
    @DisplayName("USER_INFO takes basic.auth.user.info, or schema.registry.basic.auth.user.info")
    void userInfoSource() {
        assertEquals(Optional.of("u:p"), SchemaRegistryConfig.from(Map.of("schema.registry.url", "http://r",
                "basic.auth.credentials.source", "USER_INFO", "basic.auth.user.info", "u:p")).userInfo());
        assertEquals(Optional.of("u:q"), SchemaRegistryConfig.from(Map.of("schema.registry.url", "http://r",
                "basic.auth.credentials.source", "USER_INFO", "schema.registry.basic.auth.user.info", "u:q")).userInfo());
    }

    @Test
    @DisplayName("user info without the USER_INFO source is ignored, as in Confluent's client")
    void userInfoIgnoredWithoutSource() {
        assertEquals(Optional.empty(), SchemaRegistryConfig.from(Map.of("schema.registry.url", "http://r",
                "basic.auth.user.info", "u:p")).userInfo());
    }

    @Test
    @DisplayName("mistakes fail naming the key")
    void mistakes() {
        assertConfigError("schema.registry.url", Map.of());
        assertConfigError("schema.registry.url", Map.of("schema.registry.url", " "));
        assertConfigError("schema.registry.url", Map.of("schema.registry.url", "localhost:8081"));
        assertConfigError("schema.registry.url", Map.of("schema.registry.url", "ftp://r"));
        assertConfigError("schema.registry.url", Map.of("schema.registry.url", "mock://a,http://b"));
        assertConfigError("basic.auth.user.info", Map.of("schema.registry.url", "http://r",
                "basic.auth.credentials.source", "USER_INFO"));
        assertConfigError("basic.auth.user.info", Map.of("schema.registry.url", "http://r",
                "basic.auth.credentials.source", "USER_INFO", "basic.auth.user.info", "no-colon"));
        assertConfigError("basic.auth.credentials.source", Map.of("schema.registry.url", "http://r",
                "basic.auth.credentials.source", "SASL_INHERIT"));
        assertConfigError("http.read.timeout.ms", Map.of("schema.registry.url", "http://r",
                "http.read.timeout.ms", "0"));
    }

    @Test
    @DisplayName("mock://scope selects the shared in-memory registry of that scope")
    void mockScope() {
        SchemaRegistryConfig config = SchemaRegistryConfig.from(Map.of("schema.registry.url", "mock://my-test"));
        assertTrue(config.isMock());
        assertEquals("my-test", config.mockScope());
        SchemaRegistryClient client = SchemaRegistryClients.fromConfig(Map.of("schema.registry.url", "mock://my-test"));
        assertInstanceOf(CachingSchemaRegistryClient.class, client);
        InMemorySchemaRegistryClient.dropScope("my-test");
    }

    private static void assertConfigError(String key, Map<String, ?> config) {
        ConfigException e = assertThrows(ConfigException.class, () -> SchemaRegistryConfig.from(config));
        assertTrue(e.getMessage().contains(key), () -> "expected <" + key + "> in: " + e.getMessage());
    }
}
