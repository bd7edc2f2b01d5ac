package dev.parley.worker.backend;

import java.util.List;

/**
 * What to generate from: the model (null for the backend's default) and the context, oldest message first; the W3C
 * {@code traceparent} the backend request carries (null: none); and the JSON Schema the reply must follow, as a JSON
 * string, for a backend that can constrain its output to one (null: free text).
 */
public record ChatRequest(String model, List<ChatMessage> messages, String traceparent, String jsonSchema) {

    public ChatRequest {
        messages = List.copyOf(messages);
    }

    public ChatRequest(String model, List<ChatMessage> messages) {
        this(model, messages, null, null);
    }

    /** The same request, sent with {@code traceparent}. */
    public ChatRequest withTraceparent(String traceparent) {
        return new ChatRequest(model, messages, traceparent, jsonSchema);
    }

    /** The same request, its reply held to {@code jsonSchema} where the backend can do that. */
    public ChatRequest withJsonSchema(String jsonSchema) {
        return new ChatRequest(model, messages, traceparent, jsonSchema);
    }
}
