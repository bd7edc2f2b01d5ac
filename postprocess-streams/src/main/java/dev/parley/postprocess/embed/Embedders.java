package dev.parley.postprocess.embed;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/** Builds the {@link Embedder} a configuration names. */
public final class Embedders {

    /** The kinds {@link #create} knows; {@code onnx} is the offline default. */
    public static final List<String> KINDS = List.of("onnx", "openai", "ollama");

    private Embedders() {
    }

    /**
     * An embedder of the given kind, matched ignoring case and surrounding spaces.
     *
     * <ul>
     *   <li>{@code onnx}: the bundled {@link OnnxEmbedder}; url, model, apiKey and timeout are ignored.
     *   <li>{@code openai}: {@link OpenAiEmbedder} at {@code url} (the URL {@code /embeddings} is appended to, e.g. {@code http://localhost:11434/v1}).
     *   <li>{@code ollama}: {@link OllamaEmbedder} at {@code url}.
     * </ul>
     *
     * @param apiKey sent as a bearer token by the remote kinds; null or blank sends none
     * @throws IllegalArgumentException for an unknown kind (the message lists {@link #KINDS}), or when a remote
     *     kind lacks a usable url, model or positive timeout
     */
    public static Embedder create(String kind, URI url, String model, String apiKey, Duration timeout) {
        String normalized = kind == null ? "" : kind.trim().toLowerCase(Locale.ROOT);
        switch (normalized) {
            case "onnx":
                return new OnnxEmbedder();
            case "openai":
                return new OpenAiEmbedder(url, model, apiKey, timeout);
            case "ollama":
                return new OllamaEmbedder(url, model, apiKey, timeout);
            default:
                throw new IllegalArgumentException(
                        "unknown embedder kind '" + kind + "'; valid kinds: " + String.join(", ", KINDS));
        }
    }
}
