package dev.parley.worker.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The Anthropic Messages wire objects, after Anthropic's "Streaming Messages" docs (event flow {@code message_start},
 * {@code content_block_start}, {@code ping}, {@code content_block_delta}, {@code content_block_stop},
 * {@code message_delta}, {@code message_stop}; "Streaming with extended thinking": {@code thinking_delta} then one
 * {@code signature_delta} before the thinking block's stop; the in-stream {@code event: error} with
 * {@code {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}}), the "Errors" page (HTTP
 * status to error type) and anthropic-sdk-python's {@code types/} (Message, ThinkingBlock, MessageDeltaUsage).
 */
final class AnthropicJson {

    static final String VERSION_HEADER = "anthropic-version";
    /** Opaque in the real API; here it only says where it came from ("parley-simulator", base64). */
    static final String SIGNATURE = "cGFybGV5LXNpbXVsYXRvcg==";

    private AnthropicJson() {
    }

    /** {@code event: <type>} and {@code data: <json>}: Anthropic names every SSE event after its data's type. */
    static String event(JsonObject data) {
        return "event: " + data.getString("type") + "\ndata: " + data.encode() + "\n\n";
    }

    static JsonObject messageStart(String id, JsonObject usage) {
        JsonObject message = message(id, new JsonArray(), null, null, usage);
        return new JsonObject().put("type", "message_start").put("message", message);
    }

    /**
     * A reply's usage: {@code input_tokens} counts neither the tokens read from the prompt cache nor those written to
     * it, which have their own counts, present when the request used the cache (marked a block cache_control).
     */
    static JsonObject usage(ReplyPlan plan, int outputTokens) {
        PrefixCache.Use cache = plan.cache();
        JsonObject usage = new JsonObject().put("input_tokens", plan.promptTokens() - cache.read() - cache.written());
        if (!cache.equals(PrefixCache.Use.NONE)) {
            usage.put("cache_creation_input_tokens", cache.written()).put("cache_read_input_tokens", cache.read());
        }
        return usage.put("output_tokens", outputTokens);
    }

    static JsonObject message(String id, JsonArray content, String stopReason, String stopSequence,
                              JsonObject usage) {
        return new JsonObject()
            .put("id", id)
            .put("type", "message")
            .put("role", "assistant")
            .put("content", content)
            .put("model", LlmSimulator.MODEL)
            .put("stop_reason", stopReason)
            .put("stop_sequence", stopSequence)
            .put("usage", usage);
    }

    static JsonObject textBlock(String text) {
        return new JsonObject().put("type", "text").put("text", text);
    }

    static JsonObject thinkingBlock(String thinking, String signature) {
        JsonObject block = new JsonObject().put("type", "thinking").put("thinking", thinking);
        return signature == null ? block : block.put("signature", signature);
    }

    static JsonObject blockStart(int index, JsonObject block) {
        return new JsonObject().put("type", "content_block_start").put("index", index).put("content_block", block);
    }

    static JsonObject blockDelta(int index, String deltaType, String field, String value) {
        return new JsonObject().put("type", "content_block_delta").put("index", index)
            .put("delta", new JsonObject().put("type", deltaType).put(field, value));
    }

    static JsonObject blockStop(int index) {
        return new JsonObject().put("type", "content_block_stop").put("index", index);
    }

    static JsonObject ping() {
        return new JsonObject().put("type", "ping");
    }

    static JsonObject messageDelta(String stopReason, String stopSequence, int outputTokens) {
        return new JsonObject().put("type", "message_delta")
            .put("delta", new JsonObject().put("stop_reason", stopReason).put("stop_sequence", stopSequence))
            .put("usage", new JsonObject().put("output_tokens", outputTokens));
    }

    static JsonObject messageStop() {
        return new JsonObject().put("type", "message_stop");
    }

    /** stop and length in Anthropic's words. */
    /** The plan's finish in Anthropic's words: max_tokens for length, stop_sequence when one ended it. */
    static String stopReason(ReplyPlan plan) {
        return ReplyPlan.LENGTH.equals(plan.finishReason()) ? "max_tokens"
            : plan.stopSequence() != null ? "stop_sequence" : "end_turn";
    }

    static JsonObject error(String type, String message) {
        return new JsonObject().put("type", "error")
            .put("error", new JsonObject().put("type", type).put("message", message));
    }

    /** The error type Anthropic's "Errors" page gives for an HTTP status. */
    static String errorType(int status) {
        return switch (status) {
            case 400 -> "invalid_request_error";
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 504 -> "timeout_error";
            case 529 -> "overloaded_error";
            default -> status >= 500 ? "api_error" : "invalid_request_error";
        };
    }
}
