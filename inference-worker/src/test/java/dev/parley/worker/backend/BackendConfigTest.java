package dev.parley.worker.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.schemas.config.Env;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class BackendConfigTest {

    @Test
    @DisplayName("without settings the backend is the local simulator with 5 s / 60 s / 30 s timeouts")
    void defaults() {
        Env env = new Env(Map.of());
        BackendConfig config = BackendConfig.fromEnvironment(env);
        env.validate();
        assertEquals("http://localhost:8090/v1", config.baseUrl());
        assertEquals("parley-simulator", config.model());
        assertNull(config.apiKey());
        assertEquals(Duration.ofSeconds(5), config.connectTimeout());
        assertEquals(Duration.ofSeconds(60), config.firstTokenTimeout());
        assertEquals(Duration.ofSeconds(30), config.idleTimeout());
        assertEquals("http://localhost:8090/v1/chat/completions", config.chatCompletionsUrl());
    }

    @Test
    @DisplayName("PARLEY_LLM_* settings are read and a trailing slash is dropped")
    void settings() {
        Env env = new Env(Map.of("PARLEY_LLM_URL", "http://ollama:11434/v1/", "PARLEY_LLM_MODEL", "llama3.2",
            "PARLEY_LLM_API_KEY", "sk-secret", "PARLEY_LLM_CONNECT_TIMEOUT_MS", "100",
            "PARLEY_LLM_FIRST_TOKEN_TIMEOUT_MS", "200", "PARLEY_LLM_IDLE_TIMEOUT_MS", "300"));
        BackendConfig config = BackendConfig.fromEnvironment(env);
        env.validate();
        assertEquals(BackendConfig.of("http://ollama:11434/v1", "llama3.2").withApiKey("sk-secret")
            .withConnectTimeout(Duration.ofMillis(100)).withFirstTokenTimeout(Duration.ofMillis(200))
            .withIdleTimeout(Duration.ofMillis(300)), config);
        assertFalse(config.toString().contains("sk-secret"), config.toString());
    }

    @Test
    @DisplayName("a bad URL and bad timeouts are all named in one error")
    void badSettings() {
        Env env = new Env(Map.of("PARLEY_LLM_URL", "ftp://x", "PARLEY_LLM_IDLE_TIMEOUT_MS", "0",
            "PARLEY_LLM_CONNECT_TIMEOUT_MS", "soon"));
        BackendConfig.fromEnvironment(env);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, env::validate);
        assertTrue(e.getMessage().contains("PARLEY_LLM_URL=ftp://x"), e.getMessage());
        assertTrue(e.getMessage().contains("PARLEY_LLM_IDLE_TIMEOUT_MS=0"), e.getMessage());
        assertTrue(e.getMessage().contains("PARLEY_LLM_CONNECT_TIMEOUT_MS=soon"), e.getMessage());
    }

    @Test
    @DisplayName("URLs without a scheme or host are refused")
    void urlValidation() {
        assertThrows(IllegalArgumentException.class, () -> BackendConfig.of("localhost:8090/v1", "m"));
        assertThrows(IllegalArgumentException.class, () -> BackendConfig.of("http:///v1", "m"));
        assertThrows(IllegalArgumentException.class, () -> BackendConfig.of("not a url", "m"));
        assertEquals("https://llm_sim:443/v1", BackendConfig.of("https://llm_sim:443/v1", "m").baseUrl());
    }
}
