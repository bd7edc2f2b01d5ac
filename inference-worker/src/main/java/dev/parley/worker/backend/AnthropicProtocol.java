package dev.parley.worker.backend;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Anthropic's Messages API ({@code POST {baseUrl}/v1/messages}): SSE events {@code message_start} (input tokens),
 * {@code content_block_delta} ({@code text_delta}, {@code thinking_delta}), {@code message_delta} (stop reason,
 * output tokens), {@code message_stop}; {@code error} events and {@code {"type":"error","error":{...}}} bodies.
 */
final class AnthropicProtocol implements Protocol {

    /** Anthropic requires {@code max_tokens}: this when the turn sets none, so every such reply may be this long. */
    static final int MAX_TOKENS = 4096;
    static final String VERSION = "2023-06-01";

    private final BackendConfig config;

    AnthropicProtocol(BackendConfig config) {
        this.config = config;
    }

    @Override
    public String url() {
        return config.baseUrl() + "/v1/messages";
    }

    @Override
    public Map<String, String> headers() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Accept", "text/event-stream, application/json");
        headers.put("anthropic-version", VERSION);
        if (config.apiKey() != null) {
            headers.put("x-api-key", config.apiKey());
        }
        return headers;
    }

    /**
     * System messages go to {@code system}; consecutive messages of one role merge, as the API wants turns to
     * alternate. A cache point (a persona block) makes {@code system} an array of text blocks, the cache point's block
     * marked {@code "cache_control": {"type": "ephemeral"}}: Anthropic caches the prompt up to there.
     */
    @Override
    public String body(ChatRequest request) {
        JsonArray system = new JsonArray();
        boolean cachePoint = false;
        JsonArray messages = new JsonArray();
        JsonObject last = null;
        for (ChatMessage message : request.messages()) {
            if (message.role().equals("system")) {
                JsonObject block = textBlock(message.content());
                if (message.cachePoint()) {
                    block.put("cache_control", new JsonObject().put("type", "ephemeral"));
                    cachePoint = true;
                }
                system.add(block);
            } else if (last != null && last.getString("role").equals(message.role())) {
                last.getJsonArray("content").add(textBlock(message.content()));
            } else {
                last = new JsonObject().put("role", message.role())
                    .put("content", new JsonArray().add(textBlock(message.content())));
                messages.add(last);
            }
        }
        JsonObject body = new JsonObject()
            .put("model", OpenAiProtocol.model(request, config))
            .put("max_tokens", request.maxTokens() != null ? request.maxTokens() : MAX_TOKENS)
            .put("stream", config.stream());
        if (request.temperature() != null) {
            // Anthropic's temperature runs from 0 to 1, OpenAI's (what clients send) to 2: above 1 is its most random
            body.put("temperature", Math.min(1.0, request.temperature()));
        }
        if (request.topP() != null) {
            body.put("top_p", request.topP());
        }
        if (!request.stop().isEmpty()) {
            body.put("stop_sequences", new JsonArray(request.stop()));
        }
        if (cachePoint) {
            body.put("system", system);
        } else if (!system.isEmpty()) {
            body.put("system", system.stream().map(block -> ((JsonObject) block).getString("text"))
                .collect(Collectors.joining("\n\n")));
        }
        return body.put("messages", messages).encode();
    }

    @Override
    public ReplyDecoder streamDecoder(ReplyEvents events) {
        StreamState state = new StreamState(events);
        SseParser parser = new SseParser(event -> WireJson.handle(event.event() + " event", event.data(), state::onEvent));
        return new ReplyDecoder() {
            @Override
            public void feed(Buffer bytes) {
                OpenAiProtocol.parse(() -> parser.feed(bytes));
            }

            @Override
            public void end() {
                OpenAiProtocol.parse(parser::end);
            }
        };
    }

    @Override
    public void decodeWhole(Buffer body, ReplyEvents events) {
        WireJson.handle("reply", body.toString(), message -> {
            throwIfError(message);
            // the whole reply is one token, however many text blocks it came in
            StringBuilder text = new StringBuilder();
            StringBuilder thinking = new StringBuilder();
            JsonArray content = message.getJsonArray("content", new JsonArray());
            for (int i = 0; i < content.size(); i++) {
                JsonObject block = content.getJsonObject(i);
                switch (block.getString("type", "")) {
                    case "text" -> text.append(block.getString("text", ""));
                    case "thinking" -> thinking.append(block.getString("thinking", ""));
                    default -> {
                        // tool_use, redacted_thinking, ...: nothing a chat reply shows
                    }
                }
            }
            events.reasoning(thinking.toString());
            events.text(text.toString());
            finishReason(message.getString("stop_reason"), events);
            JsonObject usage = message.getJsonObject("usage");
            if (usage != null) {
                events.usage(usage(usage, new Input(0, 0, 0)));
            }
            events.done();
        });
    }

    /**
     * Anthropic's {@code input_tokens} counts neither the tokens read from the prompt cache
     * ({@code cache_read_input_tokens}) nor those written to it ({@code cache_creation_input_tokens}): the prompt is
     * all three, and the cached part is the read one.
     */
    private static TokenUsage usage(JsonObject usage, Input earlier) {
        Input input = new Input(usage.getInteger("input_tokens", earlier.uncached()),
            usage.getInteger("cache_read_input_tokens", earlier.cacheRead()),
            usage.getInteger("cache_creation_input_tokens", earlier.cacheCreation()));
        return new TokenUsage(input.uncached() + input.cacheRead() + input.cacheCreation(),
            usage.getInteger("output_tokens", 0), input.cacheRead());
    }

    /** The input token counts of a usage object. */
    private record Input(int uncached, int cacheRead, int cacheCreation) {

        static Input of(JsonObject usage) {
            return usage == null ? new Input(0, 0, 0) : new Input(usage.getInteger("input_tokens", 0),
                usage.getInteger("cache_read_input_tokens", 0), usage.getInteger("cache_creation_input_tokens", 0));
        }
    }

    /** The input tokens arrive in message_start, the output tokens in message_delta: one usage needs both. */
    private static final class StreamState {

        private final ReplyEvents events;
        private Input input = new Input(0, 0, 0);

        StreamState(ReplyEvents events) {
            this.events = events;
        }

        void onEvent(JsonObject event) {
            switch (event.getString("type", "")) {
                case "message_start" -> {
                    input = Input.of(event.getJsonObject("message", new JsonObject()).getJsonObject("usage"));
                }
                case "content_block_delta" -> onDelta(event.getJsonObject("delta", new JsonObject()));
                case "message_delta" -> onMessageDelta(event);
                case "message_stop" -> events.done();
                case "error" -> throwIfError(event);
                default -> {
                    // ping, content_block_start/stop and event types added later carry nothing for the reply
                }
            }
        }

        private void onDelta(JsonObject delta) {
            switch (delta.getString("type", "")) {
                case "text_delta" -> events.text(delta.getString("text", ""));
                case "thinking_delta" -> events.reasoning(delta.getString("thinking", ""));
                default -> {
                    // signature_delta (verifies the thinking), input_json_delta (tool use)
                }
            }
        }

        private void onMessageDelta(JsonObject event) {
            finishReason(event.getJsonObject("delta", new JsonObject()).getString("stop_reason"), events);
            JsonObject usage = event.getJsonObject("usage");
            if (usage != null) {
                // output_tokens is cumulative; newer API versions repeat the input counts here too
                events.usage(usage(usage, input));
            }
        }
    }

    private static void finishReason(String stopReason, ReplyEvents events) {
        if (stopReason != null) {
            events.finishReason(switch (stopReason) {
                case "end_turn", "stop_sequence" -> "stop";
                case "max_tokens" -> "length";
                default -> stopReason;
            });
        }
    }

    private static void throwIfError(JsonObject json) {
        if ("error".equals(json.getString("type")) || json.getValue("error") instanceof JsonObject) {
            FailureKind kind = "overloaded_error".equals(WireJson.type(json)) ? FailureKind.OVERLOADED
                : FailureKind.PROTOCOL;
            throw new BackendException(kind, "error event: " + WireJson.message(json));
        }
    }

    private static JsonObject textBlock(String text) {
        return new JsonObject().put("type", "text").put("text", text);
    }
}
