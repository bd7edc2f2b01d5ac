package dev.parley.worker.backend;

import io.vertx.core.buffer.Buffer;
import java.util.Map;

/**
 * One backend wire protocol: how to ask for a reply and how to read it. Knows nothing of timeouts, cancel or the
 * listener: {@link HttpGeneration} owns that lifecycle for every protocol.
 */
interface Protocol {

    /** The absolute URL to POST to. */
    String url();

    /** Headers besides {@code Content-Type: application/json}; never printed, they may hold the API key. */
    Map<String, String> headers();

    /**
     * The JSON text of the body that asks for a reply to this request, streamed or not as the config says: text, so
     * that each protocol writes it with its own encoder (OpenAI's with {@code OpenAiWire}, the others with Vert.x).
     */
    String body(ChatRequest request);

    /** A fresh decoder for one streamed reply. */
    ReplyDecoder streamDecoder(ReplyEvents events);

    /**
     * Decodes a whole (non-streamed) reply; calls {@link ReplyEvents#done()} when it is complete.
     *
     * @throws BackendException for an error body or malformed data
     */
    void decodeWhole(Buffer body, ReplyEvents events);

    /** The protocol of the backend's kind. */
    static Protocol of(BackendConfig config) {
        return switch (config.kind()) {
            case OPENAI -> new OpenAiProtocol(config);
            case OLLAMA -> new OllamaProtocol(config);
            case ANTHROPIC -> new AnthropicProtocol(config);
        };
    }
}
