package dev.parley.worker.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * The Ollama native wire objects ({@code /api/chat}, {@code /api/tags}), after ollama/ollama docs/api.md:
 * "Generate a chat completion" (stream objects {@code {model, created_at, message{role, content}, done:false}}; the
 * final one {@code done:true} with {@code done_reason}, {@code total_duration}, {@code load_duration},
 * {@code prompt_eval_count}, {@code prompt_eval_duration}, {@code eval_count}, {@code eval_duration}, durations in
 * nanoseconds), "List Local Models" ({@code {"models":[{name, model, modified_at, size, digest, details}]}}) and
 * "Errors" ({@code {"error": "..."}}).
 */
final class OllamaJson {

    private OllamaJson() {
    }

    /** A message object; {@code done} false for a streamed token, true (with {@link #withStats}) for the end. */
    static JsonObject message(String content, boolean done) {
        return new JsonObject()
            .put("model", LlmSimulator.MODEL)
            .put("created_at", Instant.now().toString())
            .put("message", new JsonObject().put("role", "assistant").put("content", content))
            .put("done", done);
    }

    /**
     * The statistics of the final object.
     *
     * @param promptEvalNanos the time before the first token
     * @param totalNanos      from the request to now
     */
    static JsonObject withStats(JsonObject done, String doneReason, int promptTokens, int evalTokens,
                                long promptEvalNanos, long totalNanos) {
        return done
            .put("done_reason", doneReason)
            .put("total_duration", totalNanos)
            // the simulated model is always loaded
            .put("load_duration", 0L)
            .put("prompt_eval_count", promptTokens)
            .put("prompt_eval_duration", promptEvalNanos)
            .put("eval_count", evalTokens)
            .put("eval_duration", Math.max(0, totalNanos - promptEvalNanos));
    }

    static JsonObject tags() {
        JsonObject details = new JsonObject()
            .put("format", "simulated")
            .put("family", "parley")
            .put("parameter_size", "0B")
            .put("quantization_level", "none");
        JsonObject model = new JsonObject()
            .put("name", LlmSimulator.MODEL)
            .put("model", LlmSimulator.MODEL)
            .put("modified_at", Instant.EPOCH.toString())
            .put("size", 0)
            .put("digest", "0".repeat(64))
            .put("details", details);
        return new JsonObject().put("models", new JsonArray().add(model));
    }

    static JsonObject error(String message) {
        return new JsonObject().put("error", message);
    }
}
