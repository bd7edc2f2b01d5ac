package dev.parley.worker.backend;

import dev.parley.schemas.openai.OpenAiWire;
import dev.parley.schemas.openai.OpenAiWire.Choice;
import dev.parley.schemas.openai.OpenAiWire.Chunk;
import dev.parley.schemas.openai.OpenAiWire.ChunkChoice;
import dev.parley.schemas.openai.OpenAiWire.Completion;
import dev.parley.schemas.openai.OpenAiWire.Delta;
import dev.parley.schemas.openai.OpenAiWire.ErrorDetail;
import dev.parley.schemas.openai.OpenAiWire.Usage;
import io.vertx.core.buffer.Buffer;
import java.util.LinkedHashMap;
import java.util.List;
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
    public String body(ChatRequest request) {
        String model = model(request, config);
        List<OpenAiWire.Message> messages = request.messages().stream()
            .map(message -> OpenAiWire.Message.of(message.role(), message.content()))
            .toList();
        // streamed, it asks for the usage chunk: without it the stream carries no token counts
        OpenAiWire.ChatRequest body = config.stream() ? OpenAiWire.ChatRequest.streaming(model, messages)
            : OpenAiWire.ChatRequest.whole(model, messages);
        // max_tokens, not OpenAI's newer max_completion_tokens: every OpenAI-compatible server reads max_tokens
        // (vLLM, llama.cpp, LM Studio, Ollama's /v1, and OpenAI itself for its non-reasoning models), while older
        // vLLM and llama.cpp builds ignore max_completion_tokens and would let the reply run on
        return OpenAiWire.encode(body.withSampling(request.maxTokens(), request.temperature(), request.topP(),
            request.stop()));
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
        WireJson.handle("reply", body.toString(), json -> OpenAiWire.decode(json, Completion.class), reply -> {
            throwIfError(reply.error());
            if (reply.choices() == null || reply.choices().isEmpty()) {
                throw WireJson.malformed("reply without choices", body.toString(), null);
            }
            Choice choice = reply.choices().get(0);
            if (choice.message() != null) {
                events.reasoning(orEmpty(choice.message().reasoningContent()));
                events.text(orEmpty(OpenAiWire.text(choice.message().content())));
            }
            finish(choice.finishReason(), reply.usage(), events);
            events.done();
        });
    }

    private static void onEvent(SseEvent event, ReplyEvents events) {
        String data = event.data().strip();
        if (data.equals(OpenAiWire.DONE)) {
            events.done();
            return;
        }
        if ("error".equals(event.event())) {
            // an error event need not be shaped like a chunk: say what it holds, whatever its shape
            WireJson.handle("chunk", data, json -> {
                throw new BackendException(FailureKind.PROTOCOL, "error event: " + WireJson.message(json));
            });
        }
        WireJson.handle("chunk", data, json -> OpenAiWire.decode(json, Chunk.class), chunk -> {
            throwIfError(chunk.error());
            ChunkChoice choice = chunk.choice();
            Delta delta = choice == null ? null : choice.delta();
            if (delta != null) {
                // vLLM and DeepSeek stream a reasoning model's thinking as reasoning_content
                events.reasoning(orEmpty(delta.reasoningContent()));
                events.text(orEmpty(delta.content()));
            }
            finish(choice == null ? null : choice.finishReason(), chunk.usageCounts(), events);
        });
    }

    private static void finish(String reason, Usage usage, ReplyEvents events) {
        if (reason != null) {
            events.finishReason(reason);
        }
        if (usage != null) {
            events.usage(new TokenUsage(usage.promptTokens(), usage.completionTokens(), usage.cachedTokens()));
        }
    }

    private static void throwIfError(ErrorDetail error) {
        if (error != null) {
            String message = error.message() != null ? error.message() : OpenAiWire.encode(error);
            throw new BackendException(FailureKind.PROTOCOL, "error event: " + WireJson.message(error.type(), message));
        }
    }

    private static String orEmpty(String text) {
        return text == null ? "" : text;
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
}
