package dev.parley.worker.simulator;

import dev.parley.schemas.openai.OpenAiWire;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** The wire protocols the simulator speaks: how each reads a request and shapes an error; the reply is its encoder's. */
enum Protocol {
    /** {@code POST /v1/chat/completions}, SSE {@code data:} chunks. */
    OPENAI,
    /** {@code POST /api/chat}, NDJSON lines; streams unless {@code "stream": false}. */
    OLLAMA,
    /** {@code POST /v1/messages}, SSE with named events. */
    ANTHROPIC;

    boolean stream(JsonObject body) {
        Object stream = body.getValue("stream");
        // Ollama streams unless told not to; OpenAI and Anthropic answer in one piece unless told to stream
        return this == OLLAMA ? !Boolean.FALSE.equals(stream) : Boolean.TRUE.equals(stream);
    }

    /** The request's cap on reply tokens, 0 for none. */
    int maxTokens(JsonObject body) {
        Object value = switch (this) {
            case OPENAI -> body.getValue("max_completion_tokens", body.getValue("max_tokens"));
            case OLLAMA -> body.getValue("options") instanceof JsonObject options ? options.getValue("num_predict")
                : null;
            case ANTHROPIC -> body.getValue("max_tokens");
        };
        return value instanceof Number number ? Math.max(0, number.intValue()) : 0;
    }

    boolean includeUsage(JsonObject body) {
        return this == OPENAI && body.getValue("stream_options") instanceof JsonObject options
            && Boolean.TRUE.equals(options.getValue("include_usage"));
    }

    /**
     * The conversation as role/content messages. Anthropic keeps the system prompt out of {@code messages}; it is put
     * first here so echo and the prompt count see the whole context, as with the other protocols.
     */
    JsonArray messages(JsonObject body) {
        if (!(body.getValue("messages") instanceof JsonArray messages)) {
            return null;
        }
        if (this != ANTHROPIC || body.getValue("system") == null) {
            return messages;
        }
        JsonArray withSystem = new JsonArray().add(new JsonObject().put("role", "system")
            .put("content", body.getValue("system")));
        messages.forEach(withSystem::add);
        return withSystem;
    }

    ReplyEncoder encoder(String id, ReplyPlan plan) {
        return switch (this) {
            case OPENAI -> new OpenAiEncoder(id, plan);
            case OLLAMA -> new OllamaEncoder(plan);
            case ANTHROPIC -> new AnthropicEncoder(id, plan);
        };
    }

    String id(long sequence) {
        return switch (this) {
            case OPENAI -> "chatcmpl-sim-" + sequence;
            case OLLAMA -> "ollama-sim-" + sequence;
            case ANTHROPIC -> "msg_sim_" + sequence;
        };
    }

    /**
     * The JSON text of an HTTP error body in this protocol's shape.
     *
     * @param param the request field at fault, or null (only OpenAI's shape has room for it)
     * @param code  a machine-readable code, or null (likewise)
     */
    String errorBody(int status, String message, String param, String code) {
        return switch (this) {
            case OPENAI -> OpenAiWire.encode(OpenAiWire.Error.of(message,
                status >= 500 ? "server_error" : "invalid_request_error", param, code));
            case OLLAMA -> OllamaJson.error(message).encode();
            case ANTHROPIC -> AnthropicJson.error(AnthropicJson.errorType(status), message).encode();
        };
    }
}
