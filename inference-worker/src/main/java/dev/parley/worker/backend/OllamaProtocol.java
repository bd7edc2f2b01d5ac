package dev.parley.worker.backend;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Ollama's native chat ({@code POST {baseUrl}/api/chat}): NDJSON lines each with a {@code message.content} piece,
 * the last with {@code "done":true}, {@code done_reason} and the token counts; {@code {"error":"..."}} on failure.
 * Not streamed, the reply is one such object.
 */
final class OllamaProtocol implements Protocol {

    private final BackendConfig config;

    OllamaProtocol(BackendConfig config) {
        this.config = config;
    }

    @Override
    public String url() {
        return config.baseUrl() + "/api/chat";
    }

    @Override
    public Map<String, String> headers() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Accept", "application/x-ndjson, application/json");
        if (config.apiKey() != null) {
            // Ollama itself takes no key; a proxy in front of it (or ollama.com) takes a bearer token
            headers.put("Authorization", "Bearer " + config.apiKey());
        }
        return headers;
    }

    @Override
    public String body(ChatRequest request) {
        JsonArray messages = new JsonArray();
        for (ChatMessage message : request.messages()) {
            messages.add(new JsonObject().put("role", message.role()).put("content", message.content()));
        }
        JsonObject body = new JsonObject()
            .put("model", OpenAiProtocol.model(request, config))
            .put("messages", messages)
            .put("stream", config.stream());
        JsonObject options = options(request);
        if (!options.isEmpty()) {
            body.put("options", options);
        }
        if (request.jsonSchema() != null) {
            body.put("format", new JsonObject(request.jsonSchema())); // structured output: Ollama 0.5 and later
        }
        return body.encode();
    }

    /** The client's settings as Ollama's model options: {@code num_predict} is its max tokens. */
    private static JsonObject options(ChatRequest request) {
        JsonObject options = new JsonObject();
        if (request.maxTokens() != null) {
            options.put("num_predict", request.maxTokens());
        }
        if (request.temperature() != null) {
            options.put("temperature", request.temperature());
        }
        if (request.topP() != null) {
            options.put("top_p", request.topP());
        }
        if (!request.stop().isEmpty()) {
            options.put("stop", new JsonArray(request.stop()));
        }
        return options;
    }

    @Override
    public ReplyDecoder streamDecoder(ReplyEvents events) {
        NdjsonSplitter lines = new NdjsonSplitter(line -> WireJson.handle("line", line, json -> onLine(json, events)));
        return new ReplyDecoder() {
            @Override
            public void feed(Buffer bytes) {
                lines.feed(bytes);
            }

            @Override
            public void end() {
                lines.end();
            }
        };
    }

    @Override
    public void decodeWhole(Buffer body, ReplyEvents events) {
        // the whole reply is the stream's last line with all the content in it
        ReplyDecoder decoder = streamDecoder(events);
        decoder.feed(body);
        decoder.end();
    }

    private static void onLine(JsonObject line, ReplyEvents events) {
        if (line.containsKey("error")) {
            throw new BackendException(FailureKind.PROTOCOL, "error: " + WireJson.message(line));
        }
        JsonObject message = line.getJsonObject("message");
        if (message != null) {
            // a thinking model's reasoning, when the request or the model turns thinking on
            events.reasoning(message.getString("thinking", ""));
            events.text(message.getString("content", ""));
        }
        if (line.getBoolean("done", false)) {
            events.finishReason(line.getString("done_reason", "stop"));
            if (line.containsKey("prompt_eval_count") || line.containsKey("eval_count")) {
                events.usage(new TokenUsage(line.getInteger("prompt_eval_count", 0), line.getInteger("eval_count", 0)));
            }
            events.done();
        }
    }
}
