package dev.parley.postprocess.embed;

import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;

/** Embeds in process and offline with the quantized all-MiniLM-L6-v2 ONNX model bundled in LangChain4j's jar. */
public final class OnnxEmbedder implements Embedder {

    public static final String MODEL_ID = "all-minilm-l6-v2-q";
    public static final int DIMENSIONS = 384;

    static {
        // DJL, which LangChain4j uses for the tokenizer, "calls home" on first use: it asks the cloud metadata address
        // 169.254.169.254 about the host, then fetches a telemetry URL. Embedding here is meant to be offline, so opt
        // out, and make DJL fail rather than download anything, unless the operator set these explicitly.
        System.getProperties().putIfAbsent("OPT_OUT_TRACKING", "true");
        System.getProperties().putIfAbsent("ai.djl.offline", "true");
    }

    private final EmbeddingModel model;

    /**
     * Loads the model: the first construction in a JVM takes most of a second, later ones reuse what it loaded.
     * There is nothing to close; the loaded model lives as long as the JVM.
     */
    public OnnxEmbedder() {
        // LangChain4j keeps the ONNX session and tokenizer in a static field of the model class, so the load happens
        // here, once per JVM. The direct executor keeps it from building a thread pool that one-text calls never use.
        this.model = new AllMiniLmL6V2QuantizedEmbeddingModel(Runnable::run);
        if (model.dimension() != DIMENSIONS) {
            throw new IllegalStateException(
                    "bundled " + MODEL_ID + " reports " + model.dimension() + " dimensions, expected " + DIMENSIONS);
        }
    }

    @Override
    public String modelId() {
        return MODEL_ID;
    }

    @Override
    public int dimensions() {
        return DIMENSIONS;
    }

    @Override
    public float[] embed(String text) {
        if (text.isBlank()) {
            throw new IllegalArgumentException("cannot embed blank text");
        }
        // No lock: an ONNX Runtime session allows concurrent runs, the Rust tokenizer encodes through a shared
        // reference, and LangChain4j itself calls one encoder from many pool threads in embedAll.
        float[] vector;
        try {
            vector = model.embed(text).content().vector();
        } catch (RuntimeException e) {
            // a local model that fails on a text fails on it again: nothing to wait for
            throw new EmbeddingException(MODEL_ID + " failed to embed a text of " + text.length() + " chars: " + e,
                    false, e);
        }
        // LangChain4j already normalizes mean-pooled vectors; normalizing again is cheap and makes the contract ours.
        return Vectors.normalize(vector);
    }

    @Override
    public String toString() {
        return "OnnxEmbedder[" + MODEL_ID + "]";
    }
}
