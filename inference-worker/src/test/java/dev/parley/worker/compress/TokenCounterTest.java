package dev.parley.worker.compress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.knuddels.jtokkit.api.EncodingType;
import dev.parley.worker.backend.BackendConfig;
import dev.parley.worker.backend.BackendKind;
import dev.parley.worker.backend.BreakerSettings;
import dev.parley.worker.backend.ChatMessage;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TokenCounterTest {

    @Test
    @DisplayName("OpenAI model names map to their encodings; any other model has none")
    void encodings() {
        for (String model : List.of("gpt-4o", "gpt-4o-mini-2024-07-18", "gpt-4.1", "o1", "o3-mini", "o4-mini",
            "openai/gpt-4o", "gpt-5")) {
            assertEquals(EncodingType.O200K_BASE, TokenCounter.openAiEncoding(model), model);
        }
        for (String model : List.of("gpt-4", "gpt-4-turbo", "gpt-3.5-turbo")) {
            assertEquals(EncodingType.CL100K_BASE, TokenCounter.openAiEncoding(model), model);
        }
        for (String model : List.of("llama3.2", "parley-simulator", "claude-sonnet-4-5", "omni", "o2")) {
            assertNull(TokenCounter.openAiEncoding(model), model);
        }
    }

    @Test
    @DisplayName("an OpenAI model on an openai backend is counted exactly; Ollama, Anthropic and unknown models are estimated")
    void exactOrEstimated() {
        assertFalse(TokenCounter.forBackend(backend(BackendKind.OPENAI, "gpt-4o")).estimated());
        assertTrue(TokenCounter.forBackend(backend(BackendKind.OPENAI, "llama3.2")).estimated());
        assertTrue(TokenCounter.forBackend(backend(BackendKind.OLLAMA, "gpt-4o")).estimated(),
            "an Ollama server has no OpenAI model, whatever its model's name");
        assertTrue(TokenCounter.forBackend(backend(BackendKind.ANTHROPIC, "claude-sonnet-4-5")).estimated());
        TokenCounter mixed = TokenCounter.forBackends(List.of(backend(BackendKind.OPENAI, "gpt-4o"),
            backend(BackendKind.ANTHROPIC, "claude-sonnet-4-5")));
        assertTrue(mixed.estimated());
        assertEquals("o200k_base and cl100k_base (estimated)", mixed.toString());
    }

    @Test
    @DisplayName("counts are JTokkit's: known token counts, plus OpenAI's per-message overhead")
    void counts() {
        TokenCounter o200k = TokenCounter.of(EncodingType.O200K_BASE, false);
        TokenCounter cl100k = TokenCounter.of(EncodingType.CL100K_BASE, false);
        assertEquals(4, cl100k.count("Hello, world!"));   // Hello , world !
        assertEquals(4, o200k.count("Hello, world!"));
        assertTrue(cl100k.count("<|endoftext|>") > 1, "a special token's text is counted as text, not refused");
        List<ChatMessage> messages = List.of(ChatMessage.system("Be brief."), ChatMessage.user("Hello, world!"));
        int expected = TokenCounter.PER_REPLY + 2 * TokenCounter.PER_MESSAGE + cl100k.count("system")
            + cl100k.count("Be brief.") + cl100k.count("user") + 4;
        assertEquals(expected, cl100k.count(messages));
        assertEquals(0, cl100k.count(List.of()));
    }

    static BackendConfig backend(BackendKind kind, String model) {
        return new BackendConfig("b", kind, "http://localhost:1", model, null, BackendConfig.DEFAULT_CONNECT_TIMEOUT,
            BackendConfig.DEFAULT_FIRST_TOKEN_TIMEOUT, BackendConfig.DEFAULT_IDLE_TIMEOUT,
            BackendConfig.DEFAULT_TOTAL_TIMEOUT, true, 1, null, BreakerSettings.DEFAULT);
    }
}
