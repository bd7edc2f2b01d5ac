package dev.parley.postprocess.embed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.postprocess.StubHttpServer;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class OllamaEmbedderTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final String ANSWER = "{\"model\":\"nomic-embed-text\",\"embeddings\":[[0.0,-2.0,0.0]],"
            + "\"total_duration\":14143917,\"load_duration\":1019500,\"prompt_eval_count\":3}";

    @RegisterExtension
    final StubHttpServer server = new StubHttpServer();

    @Test
    @DisplayName("posts model and input to /api/embed and returns embeddings[0] normalized")
    void success() throws Exception {
        server.answer(200, ANSWER);
        OllamaEmbedder embedder = new OllamaEmbedder(server.baseUrl(), "nomic-embed-text", null, TIMEOUT);
        assertEquals(-1, embedder.dimensions());

        float[] vector = embedder.embed("remind me about the dentist");

        assertArrayEquals(new float[] {0f, -1f, 0f}, vector, 1e-6f);
        assertEquals(3, embedder.dimensions());
        assertEquals("nomic-embed-text", embedder.modelId());
        assertEquals("POST", server.lastMethod());
        assertEquals("/api/embed", server.lastPath());
        assertNull(server.lastAuthorization());
        JsonNode body = new ObjectMapper().readTree(server.lastBody());
        assertEquals("nomic-embed-text", body.get("model").asText());
        assertEquals("remind me about the dentist", body.get("input").asText());
    }

    @Test
    @DisplayName("sends a bearer key when one is configured, for an Ollama behind a proxy")
    void bearerKey() {
        server.answer(200, ANSWER);
        new OllamaEmbedder(server.baseUrl(), "nomic-embed-text", "proxy-token", TIMEOUT).embed("hi");
        assertEquals("Bearer proxy-token", server.lastAuthorization());
    }

    @Test
    @DisplayName("an unknown model (404 from Ollama) is non-retriable and quotes Ollama's error")
    void unknownModel() {
        server.answer(404, "{\"error\":\"model \\\"nope\\\" not found, try pulling it first\"}");
        OllamaEmbedder embedder = new OllamaEmbedder(server.baseUrl(), "nope", null, TIMEOUT);
        EmbeddingException e = assertThrows(EmbeddingException.class, () -> embedder.embed("hi"));
        assertFalse(e.retriable());
        assertTrue(e.getMessage().contains("404"), e.getMessage());
        assertTrue(e.getMessage().contains("try pulling it first"), e.getMessage());
        assertTrue(e.getMessage().contains(server.baseUrl() + "/api/embed"), e.getMessage());
    }

    @Test
    @DisplayName("the legacy single-vector shape of /api/embeddings is not mistaken for a vector")
    void legacyShapeRefused() {
        server.answer(200, "{\"embedding\":[0.1,0.2]}");
        OllamaEmbedder embedder = new OllamaEmbedder(server.baseUrl(), "m", null, TIMEOUT);
        EmbeddingException e = assertThrows(EmbeddingException.class, () -> embedder.embed("hi"));
        assertFalse(e.retriable());
        assertTrue(e.getMessage().contains("/embeddings/0"), e.getMessage());
    }
}
