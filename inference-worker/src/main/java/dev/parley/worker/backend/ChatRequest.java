package dev.parley.worker.backend;

import java.util.List;

/**
 * What to generate from: the model (null for the backend's default) and the context, oldest message first; and the
 * W3C {@code traceparent} the backend request carries (null: none).
 */
public record ChatRequest(String model, List<ChatMessage> messages, String traceparent) {

    public ChatRequest {
        messages = List.copyOf(messages);
    }

    public ChatRequest(String model, List<ChatMessage> messages) {
        this(model, messages, null);
    }

    /** The same request, sent with {@code traceparent}. */
    public ChatRequest withTraceparent(String traceparent) {
        return new ChatRequest(model, messages, traceparent);
    }
}
