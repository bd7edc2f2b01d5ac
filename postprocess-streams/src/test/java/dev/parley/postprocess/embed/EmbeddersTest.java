package dev.parley.postprocess.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class EmbeddersTest {

    private static final URI URL = URI.create("http://127.0.0.1:11434");
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Test
    @DisplayName("the known kinds are onnx, openai and ollama")
    void kinds() {
        assertEquals(List.of("onnx", "openai", "ollama"), Embedders.KINDS);
    }

    @Test
    @DisplayName("onnx builds the bundled model and ignores url, model, key and timeout")
    void onnx() {
        try (Embedder embedder = Embedders.create("onnx", null, null, null, null)) {
            assertInstanceOf(OnnxEmbedder.class, embedder);
            assertEquals("all-minilm-l6-v2-q", embedder.modelId());
            assertEquals(384, embedder.dimensions());
        }
    }

    @Test
    @DisplayName("openai and ollama build remote embedders named after their model, kind matched loosely")
    void remote() {
        Embedder openAi = Embedders.create("openai", URL, "text-embedding-3-small", "sk", TIMEOUT);
        assertInstanceOf(OpenAiEmbedder.class, openAi);
        assertEquals("text-embedding-3-small", openAi.modelId());
        assertEquals(-1, openAi.dimensions());
        Embedder ollama = Embedders.create(" Ollama ", URL, "nomic-embed-text", null, TIMEOUT);
        assertInstanceOf(OllamaEmbedder.class, ollama);
        assertEquals("nomic-embed-text", ollama.modelId());
    }

    @Test
    @DisplayName("an unknown or missing kind is refused with the list of valid kinds")
    void unknownKind() {
        for (String kind : new String[] {"bert", "", null}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Embedders.create(kind, URL, "m", null, TIMEOUT));
            assertTrue(e.getMessage().contains("valid kinds: onnx, openai, ollama"), e.getMessage());
        }
    }

    @Test
    @DisplayName("a remote kind without url, model or timeout is refused up front")
    void remoteNeedsConfiguration() {
        assertThrows(IllegalArgumentException.class, () -> Embedders.create("openai", null, "m", null, TIMEOUT));
        assertThrows(IllegalArgumentException.class, () -> Embedders.create("ollama", URL, null, null, TIMEOUT));
        assertThrows(IllegalArgumentException.class, () -> Embedders.create("ollama", URL, "m", null, null));
    }
}
