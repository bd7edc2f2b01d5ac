package dev.parley.worker.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Prompt caching on the wire: Anthropic's cache_control on the persona block, cached tokens decoded")
class PromptCacheWireTest {

    private static final BackendConfig ANTHROPIC =
        BackendConfig.of("cloud", BackendKind.ANTHROPIC, "http://localhost:1", "claude");
    private static final BackendConfig OPENAI = BackendConfig.of("http://localhost:1/v1", "gpt");

    @Test
    @DisplayName("Anthropic: a cache point makes system an array of text blocks, the persona's marked ephemeral")
    void anthropicSystemBlocks() {
        String body = new AnthropicProtocol(ANTHROPIC).body(new ChatRequest(null, List.of(
            ChatMessage.cachedSystem("You are a pirate."), ChatMessage.system("Be brief."), ChatMessage.user("Hi"))));
        JsonArray system = new JsonObject(body).getJsonArray("system");
        assertEquals(new JsonArray()
            .add(new JsonObject().put("type", "text").put("text", "You are a pirate.")
                .put("cache_control", new JsonObject().put("type", "ephemeral")))
            .add(new JsonObject().put("type", "text").put("text", "Be brief.")), system);
    }

    @Test
    @DisplayName("Anthropic: without a cache point the system prompt stays one string")
    void anthropicSystemString() {
        String body = new AnthropicProtocol(ANTHROPIC).body(new ChatRequest(null, List.of(
            ChatMessage.system("A"), ChatMessage.system("B"), ChatMessage.user("Hi"))));
        assertEquals("A\n\nB", new JsonObject(body).getString("system"));
    }

    @Test
    @DisplayName("Anthropic: a whole reply's prompt is input + cache read + cache creation; the read part is cached")
    void anthropicWholeUsage() {
        Recorded events = new Recorded();
        new AnthropicProtocol(ANTHROPIC).decodeWhole(Buffer.buffer(new JsonObject()
            .put("type", "message").put("content", new JsonArray().add(new JsonObject().put("type", "text")
                .put("text", "Arr"))).put("stop_reason", "end_turn")
            .put("usage", new JsonObject().put("input_tokens", 10).put("cache_read_input_tokens", 100)
                .put("cache_creation_input_tokens", 5).put("output_tokens", 7)).encode()), events);
        assertEquals(List.of(new TokenUsage(115, 7, 100)), events.usages);
    }

    @Test
    @DisplayName("Anthropic: a stream's cache counts from message_start survive message_delta's output count")
    void anthropicStreamUsage() {
        Recorded events = new Recorded();
        ReplyDecoder decoder = new AnthropicProtocol(ANTHROPIC).streamDecoder(events);
        decoder.feed(Buffer.buffer(sse(new JsonObject().put("type", "message_start").put("message", new JsonObject()
            .put("usage", new JsonObject().put("input_tokens", 3).put("cache_read_input_tokens", 0)
                .put("cache_creation_input_tokens", 40).put("output_tokens", 1))))
            + sse(new JsonObject().put("type", "message_delta")
                .put("delta", new JsonObject().put("stop_reason", "end_turn"))
                .put("usage", new JsonObject().put("output_tokens", 9)))
            + sse(new JsonObject().put("type", "message_stop"))));
        decoder.end();
        assertEquals(List.of(new TokenUsage(43, 9, 0)), events.usages);
    }

    @Test
    @DisplayName("OpenAI: usage.prompt_tokens_details.cached_tokens becomes the cached prompt tokens")
    void openAiCachedTokens() {
        Recorded events = new Recorded();
        new OpenAiProtocol(OPENAI).decodeWhole(Buffer.buffer(new JsonObject()
            .put("choices", new JsonArray().add(new JsonObject().put("index", 0)
                .put("message", new JsonObject().put("role", "assistant").put("content", "Hi"))
                .put("finish_reason", "stop")))
            .put("usage", new JsonObject().put("prompt_tokens", 1200).put("completion_tokens", 3)
                .put("total_tokens", 1203).put("prompt_tokens_details", new JsonObject().put("cached_tokens", 1024)))
            .encode()), events);
        assertEquals(List.of(new TokenUsage(1200, 3, 1024)), events.usages);
    }

    @Test
    @DisplayName("OpenAI: a server without prompt_tokens_details reports none cached; the request is unchanged")
    void openAiWithoutDetails() {
        Recorded events = new Recorded();
        new OpenAiProtocol(OPENAI).decodeWhole(Buffer.buffer("{\"choices\":[{\"index\":0,\"message\":{\"role\":"
            + "\"assistant\",\"content\":\"Hi\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":5,"
            + "\"completion_tokens\":1,\"total_tokens\":6}}"), events);
        assertEquals(List.of(new TokenUsage(5, 1, 0)), events.usages);
        JsonObject first = new JsonObject(new OpenAiProtocol(OPENAI).body(new ChatRequest(null, List.of(
            ChatMessage.cachedSystem("You are a pirate."), ChatMessage.user("Hi"))))).getJsonArray("messages")
            .getJsonObject(0);
        assertEquals("You are a pirate.", first.getString("content"));
        assertFalse(first.containsKey("cache_control"));
    }

    private static String sse(JsonObject event) {
        return "event: " + event.getString("type") + "\ndata: " + event.encode() + "\n\n";
    }

    private static final class Recorded implements ReplyEvents {
        final List<TokenUsage> usages = new ArrayList<>();

        @Override
        public void text(String text) {
        }

        @Override
        public void reasoning(String text) {
        }

        @Override
        public void finishReason(String reason) {
        }

        @Override
        public void usage(TokenUsage usage) {
            usages.add(usage);
        }

        @Override
        public void done() {
        }
    }
}
