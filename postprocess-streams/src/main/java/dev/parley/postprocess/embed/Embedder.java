package dev.parley.postprocess.embed;

/**
 * Turns a text into an L2-normalized vector, so that cosine similarity is a plain dot product.
 *
 * <p>Implementations are safe to call from several threads at once. Vectors from different {@link #modelId()}s
 * live in different spaces and must never be compared with each other.
 */
public interface Embedder extends AutoCloseable {

    /** Names the model whose vector space {@link #embed(String)} returns; store it next to every vector. */
    String modelId();

    /**
     * The length of every vector {@link #embed(String)} returns, or {@code -1} while it is not yet known: a remote
     * embedder learns it from its first successful response.
     */
    int dimensions();

    /**
     * The text's embedding, of length 1.
     *
     * @throws EmbeddingException when the model fails; {@link EmbeddingException#retriable()} tells whether the
     *     same call may succeed later
     * @throws IllegalArgumentException when the text is blank, which no model embeds meaningfully
     */
    float[] embed(String text);

    /** Releases what the embedder holds; does nothing unless an implementation says otherwise. */
    @Override
    default void close() {
    }
}
