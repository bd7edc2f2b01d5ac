package dev.parley.postprocess.embed;

/** An embedding call failed; {@link #retriable()} says whether trying the same text again may succeed. */
public final class EmbeddingException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final boolean retriable;

    /**
     * @param retriable true for transient failures (timeouts, I/O errors, an interrupted call, 5xx, 408 and 429
     *     answers), false when the same request will fail the same way (any other non-2xx answer, a response that
     *     cannot be read, a local model that fails)
     */
    public EmbeddingException(String message, boolean retriable) {
        super(message);
        this.retriable = retriable;
    }

    public EmbeddingException(String message, boolean retriable, Throwable cause) {
        super(message, cause);
        this.retriable = retriable;
    }

    /** Whether the same call may succeed if tried again later. */
    public boolean retriable() {
        return retriable;
    }
}
