package dev.parley.postprocess.embed;

import java.net.URI;
import java.time.Duration;

/** Embeds through an OpenAI-compatible {@code POST {baseUrl}/embeddings} (OpenAI, vLLM, llama.cpp, LiteLLM, Ollama's /v1…). */
public final class OpenAiEmbedder implements Embedder {

    private final JsonEmbeddingEndpoint endpoint;

    /**
     * @param baseUrl the URL {@code /embeddings} is appended to, as for PARLEY_LLM_URL: e.g. {@code https://api.openai.com/v1}
     * @param apiKey sent as {@code Authorization: Bearer}; null or blank for servers that need none
     * @param timeout bounds each whole call, connecting included
     * @throws IllegalArgumentException when the URL is not http(s), the model is blank or the timeout not positive
     */
    public OpenAiEmbedder(URI baseUrl, String model, String apiKey, Duration timeout) {
        this.endpoint = new JsonEmbeddingEndpoint(baseUrl, "/embeddings", model, apiKey, timeout,
                "/data/0/embedding");
    }

    /** The configured model name, e.g. {@code text-embedding-3-small}. */
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
        return "OpenAiEmbedder[model=" + endpoint.model() + ", url=" + endpoint.url() + "]";
    }
}
