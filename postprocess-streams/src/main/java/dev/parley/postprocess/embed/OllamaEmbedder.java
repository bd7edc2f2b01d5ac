package dev.parley.postprocess.embed;

import java.net.URI;
import java.time.Duration;

/** Embeds through Ollama's native {@code POST {baseUrl}/api/embed}. */
public final class OllamaEmbedder implements Embedder {

    private final JsonEmbeddingEndpoint endpoint;

    /**
     * @param baseUrl the Ollama server, e.g. {@code http://localhost:11434}
     * @param apiKey sent as {@code Authorization: Bearer}, for an Ollama behind an authenticating proxy; null or
     *     blank sends none
     * @param timeout bounds each whole call, connecting included; the first call after Ollama starts also loads
     *     the model, so leave room for that
     * @throws IllegalArgumentException when the URL is not http(s), the model is blank or the timeout not positive
     */
    public OllamaEmbedder(URI baseUrl, String model, String apiKey, Duration timeout) {
        this.endpoint = new JsonEmbeddingEndpoint(baseUrl, "/api/embed", model, apiKey, timeout, "/embeddings/0");
    }

    /** The configured model name, e.g. {@code nomic-embed-text}. */
    @Override
    public String modelId() {
        return endpoint.model();
    }

    /** {@code -1} until the first successful call; from then on the length the server answered. */
    @Override
    public int dimensions() {
        return endpoint.dimensions();
    }

    @Override
    public float[] embed(String text) {
        return endpoint.embed(text);
    }

    @Override
    public String toString() {
        return "OllamaEmbedder[model=" + endpoint.model() + ", url=" + endpoint.url() + "]";
    }
}
