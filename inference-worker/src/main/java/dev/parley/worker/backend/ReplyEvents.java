package dev.parley.worker.backend;

/**
 * What a {@link ReplyDecoder} found in a backend's reply, in order. Errors (error events, malformed data) are thrown
 * by the decoder as {@link BackendException} instead, so decoding stops at the first one.
 */
interface ReplyEvents {

    /** A piece of the answer; may be empty (the caller drops empty pieces). */
    void text(String text);

    /** A piece of the model's thinking; may be empty. */
    void reasoning(String text);

    /** The backend said why the reply ended, in OpenAI's words (stop, length, ...). */
    void finishReason(String reason);

    /** The token counts the backend reported so far. */
    void usage(TokenUsage usage);

    /** The protocol's own end marker: the reply is complete. */
    void done();
}
