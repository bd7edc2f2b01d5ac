package dev.parley.worker.backend;

import dev.parley.avro.GenerationSettings;
import java.util.List;

/**
 * What to generate from: the model (null for the backend's default) and the context, oldest message first; the W3C
 * {@code traceparent} the backend request carries (null: none); the JSON Schema the reply must follow, as a JSON
 * string, for a backend that can constrain its output to one (null: free text); and the client's generation settings
 * (the turn's {@code UserTurn.generation}: max tokens, temperature, top_p, stop; null: the backend's defaults), which
 * each protocol sends in its vendor's own fields.
 */
public record ChatRequest(String model, List<ChatMessage> messages, String traceparent, String jsonSchema,
                          GenerationSettings generation) {

    public ChatRequest {
        messages = List.copyOf(messages);
    }

    public ChatRequest(String model, List<ChatMessage> messages) {
        this(model, messages, null, null, null);
    }

    /** The same request, sent with {@code traceparent}. */
    public ChatRequest withTraceparent(String traceparent) {
        return new ChatRequest(model, messages, traceparent, jsonSchema, generation);
    }

    /** The same request, its reply held to {@code jsonSchema} where the backend can do that. */
    public ChatRequest withJsonSchema(String jsonSchema) {
        return new ChatRequest(model, messages, traceparent, jsonSchema, generation);
    }

    /** The same request with the client's generation settings (null: none). */
    public ChatRequest withGeneration(GenerationSettings generation) {
        return new ChatRequest(model, messages, traceparent, jsonSchema, generation);
    }

    /** The most tokens the reply may have, or null for the backend's default. */
    public Integer maxTokens() {
        return generation == null ? null : generation.getMaxTokens();
    }

    /** The sampling temperature, or null for the backend's default. */
    public Double temperature() {
        return generation == null ? null : generation.getTemperature();
    }

    /** Nucleus sampling's top_p, or null for the backend's default. */
    public Double topP() {
        return generation == null ? null : generation.getTopP();
    }

    /** The sequences that end the reply before them; empty for none. */
    public List<String> stop() {
        return generation == null || generation.getStop() == null ? List.of() : List.copyOf(generation.getStop());
    }
}
