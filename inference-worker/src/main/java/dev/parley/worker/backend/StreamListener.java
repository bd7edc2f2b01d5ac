package dev.parley.worker.backend;

/** Receives one generation's stream; see {@link LlmBackend#stream} for the order of calls. */
public interface StreamListener {

    /** A piece of text, in order; never empty. */
    void onToken(String text);

    /** A piece of the model's thinking, in order; never empty. Not part of the answer, so ignored by default. */
    default void onReasoning(String text) {
    }

    /**
     * The reply is complete. finishReason is what the backend reported (stop, length, ...), or stop when it ended
     * the stream normally without saying; usage is null when the backend did not report it.
     */
    void onComplete(String finishReason, TokenUsage usage);

    /** The generation failed (HTTP error, error event, broken stream, first-token or idle timeout). */
    void onError(BackendException error);
}
