package dev.parley.worker.simulator;

import dev.parley.schemas.openai.OpenAiWire;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** The wire protocols the simulator speaks: how each reads a request and shapes an error; the reply is its encoder's. */
enum Protocol {
    /** {@code POST /v1/chat/completions}, SSE {@code data:} chunks. */
    OPENAI,
    /** {@code POST /api/chat}, NDJSON lines; streams unless {@code "stream": false}. */
    OLLAMA,
    /** {@code POST /v1/messages}, SSE with named events. */
    ANTHROPIC;

    /**
     * What the request asks of its reply. Ollama streams unless told not to; OpenAI and Anthropic answer in one piece
     * unless told to stream.
     *
     * @throws OpenAiWire.OpenAiWireException for an OpenAI request whose fields have the wrong types
     */
    ReplyOptions options(JsonObject body) {
        return switch (this) {
            case OPENAI -> openAiOptions(OpenAiWire.decode(body.toBuffer().getBytes(), OpenAiWire.ChatRequest.class));
            case OLLAMA -> {
                JsonObject options = body.getValue("options") instanceof JsonObject o ? o : new JsonObject();
                yield new ReplyOptions(!Boolean.FALSE.equals(body.getValue("stream")),
                    number(options.getValue("num_predict")), false, strings(options.getValue("stop")));
            }
            case ANTHROPIC -> new ReplyOptions(Boolean.TRUE.equals(body.getValue("stream")),
                number(body.getValue("max_tokens")), false, strings(body.getValue("stop_sequences")));
        };
    }

    private static ReplyOptions openAiOptions(OpenAiWire.ChatRequest request) {
        Integer maxTokens = request.maxCompletionTokens() != null ? request.maxCompletionTokens() : request.maxTokens();
        List<String> stop = new ArrayList<>();
        if (request.stop() != null && request.stop().isTextual()) {
            stop.add(request.stop().asText());
        } else if (request.stop() != null && request.stop().isArray()) {
            request.stop().forEach(sequence -> stop.add(sequence.asText()));
        }
        return new ReplyOptions(request.streamed(), maxTokens == null ? 0 : maxTokens, request.includeUsage(), stop);
    }

    /** A JSON string or array of strings as a list; anything else as none. */
    private static List<String> strings(Object value) {
        if (value instanceof String string) {
            return List.of(string);
        }
        List<String> strings = new ArrayList<>();
        if (value instanceof JsonArray array) {
            array.forEach(item -> {
                if (item instanceof String string) {
                    strings.add(string);
                }
            });
        }
        return strings;
    }

    private static int number(Object value) {
        return value instanceof Number number ? number.intValue() : 0;
    }

    /**
     * The conversation as role/content messages, exactly as received: echo replies with them, and directives are read
     * from the last text part, where OpenAI's typed messages would join the parts. Anthropic keeps the system prompt
     * out of {@code messages}; it is put first here so echo and the prompt count see the whole context, as with the
     * other protocols: a string as one system message, an array of text blocks as one system message per block
     * (with the block's {@code cache_control}, for the prompt cache).
     */
    JsonArray messages(JsonObject body) {
        if (!(body.getValue("messages") instanceof JsonArray messages)) {
            return null;
        }
        Object system = body.getValue("system");
        if (this != ANTHROPIC || system == null) {
            return messages;
        }
        JsonArray withSystem = new JsonArray();
        if (system instanceof JsonArray blocks) {
            for (Object block : blocks) {
                if (block instanceof JsonObject text) {
                    JsonObject message = new JsonObject().put("role", "system").put("content", text.getValue("text"));
                    withSystem.add(text.containsKey("cache_control")
                        ? message.put("cache_control", text.getValue("cache_control")) : message);
                }
            }
        } else {
            withSystem.add(new JsonObject().put("role", "system").put("content", system));
        }
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
