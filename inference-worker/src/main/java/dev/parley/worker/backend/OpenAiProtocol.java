package dev.parley.worker.backend;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * OpenAI chat completions ({@code POST {baseUrl}/chat/completions}): SSE {@code data:} chunks ending with
 * {@code [DONE]}, usage in a last chunk without choices. Spoken by OpenAI, vLLM, llama.cpp, LM Studio, Ollama's
 * {@code /v1} and the Parley simulator.
 */
final class OpenAiProtocol implements Protocol {

    private final BackendConfig config;

    OpenAiProtocol(BackendConfig config) {
        this.config = config;
    }

    @Override
    public String url() {
        return config.chatCompletionsUrl();
    }

    @Override
    public Map<String, String> headers() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Accept", "text/event-stream, application/json");
        if (config.apiKey() != null) {
            headers.put("Authorization", "Bearer " + config.apiKey());
        }
        return headers;
    }

    @Override
    public JsonObject body(ChatRequest request) {
        JsonObject body = new JsonObject()
            .put("model", model(request, config))
            .put("messages", messages(request))
            .put("stream", config.stream());
        if (config.stream()) {
            // without it the stream carries no token counts; OpenAI rejects it on a non-streamed request
            body.put("stream_options", new JsonObject().put("include_usage", true));
        }
        return body;
    }

    @Override
    public ReplyDecoder streamDecoder(ReplyEvents events) {
        SseParser parser = new SseParser(event -> onEvent(event, events));
        return new ReplyDecoder() {
            @Override
            public void feed(Buffer bytes) {
                parse(() -> parser.feed(bytes));
            }

            @Override
            public void end() {
                parse(parser::end);
            }
        };
    }

    @Override
    public void decodeWhole(Buffer body, ReplyEvents events) {
        WireJson.handle("reply", body.toString(), json -> {
            throwIfError(json);
            JsonArray choices = json.getJsonArray("choices");
            if (choices == null || choices.isEmpty()) {
                throw WireJson.malformed("reply without choices", json.encode(), null);
            }
            JsonObject choice = choices.getJsonObject(0);
            JsonObject message = choice.getJsonObject("message");
            if (message != null) {
                events.reasoning(message.getString("reasoning_content", ""));
                events.text(message.getString("content", ""));
            }
            finish(choice, json, events);
            events.done();
        });
    }

    private static void onEvent(SseEvent event, ReplyEvents events) {
        String data = event.data().strip();
        if (data.equals("[DONE]")) {
            events.done();
            return;
        }
        WireJson.handle("chunk", data, chunk -> {
            if ("error".equals(event.event()) && !chunk.containsKey("error")) {
                throw new BackendException(FailureKind.PROTOCOL, "error event: " + WireJson.message(chunk));
            }
            throwIfError(chunk);
            JsonArray choices = chunk.getJsonArray("choices");
            JsonObject choice = choices == null || choices.isEmpty() ? null : choices.getJsonObject(0);
            JsonObject delta = choice == null ? null : choice.getJsonObject("delta");
            if (delta != null) {
                // vLLM and DeepSeek stream a reasoning model's thinking as reasoning_content
                events.reasoning(delta.getString("reasoning_content", ""));
                events.text(delta.getString("content", ""));
            }
            finish(choice, chunk, events);
        });
    }

    private static void finish(JsonObject choice, JsonObject json, ReplyEvents events) {
        String reason = choice == null ? null : choice.getString("finish_reason");
        if (reason != null) {
            events.finishReason(reason);
        }
        JsonObject usage = json.getJsonObject("usage");
        if (usage != null) {
            events.usage(new TokenUsage(usage.getInteger("prompt_tokens", 0), usage.getInteger("completion_tokens", 0)));
        }
    }

    private static void throwIfError(JsonObject json) {
        if (json.containsKey("error")) {
            throw new BackendException(FailureKind.PROTOCOL, "error event: " + WireJson.message(json));
        }
    }

    /** Runs the SSE parser, whose only failure is a line too long to be an LLM reply. */
    static void parse(Runnable parsing) {
        try {
            parsing.run();
        } catch (IllegalStateException e) {
            throw new BackendException(FailureKind.PROTOCOL, "malformed event stream: " + e.getMessage(), e);
        }
    }

    /** The request's model, or the backend's default. */
    static String model(ChatRequest request, BackendConfig config) {
        return request.model() == null || request.model().isBlank() ? config.model() : request.model();
    }

    /** The messages as {@code [{"role","content"}]}: the shape OpenAI's and Ollama's chat APIs share. */
    static JsonArray messages(ChatRequest request) {
        JsonArray messages = new JsonArray();
        for (ChatMessage message : request.messages()) {
            messages.add(new JsonObject().put("role", message.role()).put("content", message.content()));
        }
        return messages;
    }
}
