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
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class OpenAiEmbedderTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final String ANSWER = "{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,"
            + "\"embedding\":[3.0,4.0]}],\"model\":\"text-embedding-3-small\",\"usage\":{\"prompt_tokens\":2}}";

    @RegisterExtension
    final StubHttpServer server = new StubHttpServer();

    @Test
    @DisplayName("posts model and input with the bearer key to /v1/embeddings and returns data[0].embedding normalized")
    void success() throws Exception {
        server.answer(200, ANSWER);
        OpenAiEmbedder embedder = new OpenAiEmbedder(v1(), "text-embedding-3-small", "sk-test", TIMEOUT);
        assertEquals(-1, embedder.dimensions());

        float[] vector = embedder.embed("call the \"dentist\"\n at 9");

        assertArrayEquals(new float[] {0.6f, 0.8f}, vector, 1e-6f);
        assertEquals(2, embedder.dimensions());
        assertEquals("text-embedding-3-small", embedder.modelId());
        assertEquals("POST", server.lastMethod());
        assertEquals("/v1/embeddings", server.lastPath());
        assertEquals("Bearer sk-test", server.lastAuthorization());
        assertEquals("application/json", server.lastContentType());
        JsonNode body = new ObjectMapper().readTree(server.lastBody());
        assertEquals("text-embedding-3-small", body.get("model").asText());
        assertEquals("call the \"dentist\"\n at 9", body.get("input").asText());
        assertEquals(2, body.size(), server.lastBody());
    }

    @Test
    @DisplayName("sends no Authorization header when no key is configured, and tolerates a trailing slash")
    void noKey() {
        server.answer(200, ANSWER);
        URI withSlash = URI.create(v1() + "/");
        new OpenAiEmbedder(withSlash, "local-model", " ", TIMEOUT).embed("hello");
        assertNull(server.lastAuthorization());
        assertEquals("/v1/embeddings", server.lastPath());
    }

    @Test
    @DisplayName("keeps a path prefix of the base URL, for servers mounted under one")
    void pathPrefix() {
        server.answer(200, ANSWER);
        new OpenAiEmbedder(URI.create(server.baseUrl() + "/openai/v1"), "m", null, TIMEOUT).embed("hello");
        assertEquals("/openai/v1/embeddings", server.lastPath());
    }

    @Test
    @DisplayName("an answer without data[0].embedding is a non-retriable error naming the URL")
    void missingVector() {
        server.answer(200, "{\"data\":[]}");
        OpenAiEmbedder embedder = new OpenAiEmbedder(v1(), "m", null, TIMEOUT);
        EmbeddingException e = assertThrows(EmbeddingException.class, () -> embedder.embed("hello"));
        assertFalse(e.retriable());
        assertTrue(e.getMessage().contains(server.baseUrl() + "/v1/embeddings"), e.getMessage());
        assertTrue(e.getMessage().contains("/data/0/embedding"), e.getMessage());
        assertEquals(-1, embedder.dimensions());
    }

    @Test
    @DisplayName("non-numeric or all-zero components are refused as a bad response")
    void badComponents() {
        OpenAiEmbedder embedder = new OpenAiEmbedder(v1(), "m", null, TIMEOUT);
        server.answer(200, "{\"data\":[{\"embedding\":[0.1,\"x\"]}]}");
        EmbeddingException text = assertThrows(EmbeddingException.class, () -> embedder.embed("hello"));
        assertFalse(text.retriable());
        assertTrue(text.getMessage().contains("component 1"), text.getMessage());
        server.answer(200, "{\"data\":[{\"embedding\":[0,0,0]}]}");
        EmbeddingException zeros = assertThrows(EmbeddingException.class, () -> embedder.embed("hello"));
        assertFalse(zeros.retriable());
        assertTrue(zeros.getMessage().contains("all-zero"), zeros.getMessage());
    }

    @Test
    @DisplayName("a vector of a different length than the first one is refused: the model changed underneath")
    void dimensionChange() {
        OpenAiEmbedder embedder = new OpenAiEmbedder(v1(), "m", null, TIMEOUT);
        server.answer(200, ANSWER);
        embedder.embed("hello");
        server.answer(200, "{\"data\":[{\"embedding\":[1,2,3]}]}");
        EmbeddingException e = assertThrows(EmbeddingException.class, () -> embedder.embed("hello"));
        assertFalse(e.retriable());
        assertTrue(e.getMessage().contains("3-dimensional vector after 2-dimensional"), e.getMessage());
        assertEquals(2, embedder.dimensions());
    }

    @Test
    @DisplayName("bad configuration is refused up front: non-http URL, blank model, non-positive timeout")
    void badConfiguration() {
        URI url = server.baseUrl();
        assertThrows(IllegalArgumentException.class,
                () -> new OpenAiEmbedder(URI.create("ftp://host/"), "m", null, TIMEOUT));
        assertThrows(IllegalArgumentException.class,
                () -> new OpenAiEmbedder(URI.create("http://host/?x=1"), "m", null, TIMEOUT));
        assertThrows(IllegalArgumentException.class, () -> new OpenAiEmbedder(null, "m", null, TIMEOUT));
        assertThrows(IllegalArgumentException.class, () -> new OpenAiEmbedder(url, " ", null, TIMEOUT));
        assertThrows(IllegalArgumentException.class, () -> new OpenAiEmbedder(url, "m", null, Duration.ZERO));
        assertThrows(IllegalArgumentException.class,
                () -> new OpenAiEmbedder(url, "m", null, Duration.ofSeconds(-1)));
        assertThrows(IllegalArgumentException.class,
                () -> new OpenAiEmbedder(url, "m", null, TIMEOUT).embed("  "));
        assertEquals(0, server.requests());
    }

    @Test
    @DisplayName("toString names model and URL but never the key")
    void toStringHidesKey() {
        String text = new OpenAiEmbedder(v1(), "m", "sk-secret", TIMEOUT).toString();
        assertTrue(text.contains("m") && text.contains("/v1/embeddings"), text);
        assertFalse(text.contains("sk-secret"), text);
    }

    /** The stub server's OpenAI-style base URL, the one {@code /embeddings} is appended to. */
    private URI v1() {
        return URI.create(server.baseUrl() + "/v1");
    }
}
