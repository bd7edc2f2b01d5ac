package dev.parley.worker.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** The OpenAI wire objects the simulator sends, every one of them labelled as coming from the simulator. */
final class OpenAiJson {

    static final String MODEL = "parley-simulator";
    static final String FINGERPRINT = "parley-simulator";

    private OpenAiJson() {
    }

    static JsonObject chunk(String id, long created, JsonObject delta, String finishReason, boolean includeUsage) {
        JsonObject choice = new JsonObject()
            .put("index", 0)
            .put("delta", delta)
            .putNull("logprobs")
            .put("finish_reason", finishReason);
        JsonObject chunk = header(id, "chat.completion.chunk", created).put("choices", new JsonArray().add(choice));
        if (includeUsage) {
            // OpenAI sends usage: null on every chunk but the last when include_usage is set
            chunk.putNull("usage");
        }
        return chunk;
    }

    static JsonObject usageChunk(String id, long created, int promptTokens, int completionTokens) {
        return header(id, "chat.completion.chunk", created)
            .put("choices", new JsonArray())
            .put("usage", usage(promptTokens, completionTokens));
    }

    static JsonObject completion(String id, long created, String text, String finishReason, int promptTokens,
                                 int completionTokens) {
        JsonObject message = new JsonObject().put("role", "assistant").put("content", text);
        JsonObject choice = new JsonObject()
            .put("index", 0)
            .put("message", message)
            .putNull("logprobs")
            .put("finish_reason", finishReason);
        return header(id, "chat.completion", created)
            .put("choices", new JsonArray().add(choice))
            .put("usage", usage(promptTokens, completionTokens));
    }

    static JsonObject models() {
        JsonObject model = new JsonObject()
            .put("id", MODEL)
            .put("object", "model")
            .put("created", 0)
            .put("owned_by", "parley");
        return new JsonObject().put("object", "list").put("data", new JsonArray().add(model));
    }

    /** {@code {"error": {message, type, param, code}}}, the shape OpenAI clients parse. */
    static JsonObject error(String message, String type, String param, String code) {
        return new JsonObject().put("error", new JsonObject()
            .put("message", message)
            .put("type", type)
            .put("param", param)
            .put("code", code));
    }

    private static JsonObject header(String id, String object, long created) {
        return new JsonObject()
            .put("id", id)
            .put("object", object)
            .put("created", created)
            .put("model", MODEL)
            .put("system_fingerprint", FINGERPRINT);
    }

    private static JsonObject usage(int promptTokens, int completionTokens) {
        return new JsonObject()
            .put("prompt_tokens", promptTokens)
            .put("completion_tokens", completionTokens)
            .put("total_tokens", promptTokens + completionTokens);
    }
}
