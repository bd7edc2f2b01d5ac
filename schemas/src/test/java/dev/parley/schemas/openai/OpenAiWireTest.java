package dev.parley.schemas.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.schemas.openai.OpenAiWire.Chunk;
import dev.parley.schemas.openai.OpenAiWire.ChatRequest;
import dev.parley.schemas.openai.OpenAiWire.Completion;
import dev.parley.schemas.openai.OpenAiWire.Delta;
import dev.parley.schemas.openai.OpenAiWire.Message;
import dev.parley.schemas.openai.OpenAiWire.OpenAiWireException;
import dev.parley.schemas.openai.OpenAiWire.Usage;
import java.util.List;
import org.junit.jupiter.api.Test;

class OpenAiWireTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void chunksWriteUsageAbsentNullOrCountedAsOpenAiDoes() throws Exception {
        JsonNode plain = JSON.readTree(OpenAiWire.encode(Chunk.of("chatcmpl-1", 7, "m", null, Delta.text("Hi"), null,
            false)));
        assertTrue(!plain.has("usage") && !plain.has("error") && !plain.has("system_fingerprint"), plain.toString());
        assertEquals("chat.completion.chunk", plain.get("object").asText());
        JsonNode choice = plain.get("choices").get(0);
        assertEquals("Hi", choice.get("delta").get("content").asText());
        assertTrue(choice.get("delta").has("content") && !choice.get("delta").has("role"));
        assertTrue(choice.has("finish_reason") && choice.get("finish_reason").isNull(), "finish_reason: null");

        JsonNode withUsageAsked = JSON.readTree(OpenAiWire.encode(Chunk.of("chatcmpl-1", 7, "m", "fp",
            Delta.assistantRole(), null, true)));
        assertTrue(withUsageAsked.has("usage") && withUsageAsked.get("usage").isNull(), withUsageAsked.toString());
        assertEquals("assistant", withUsageAsked.get("choices").get(0).get("delta").get("role").asText());

        JsonNode last = JSON.readTree(OpenAiWire.encode(Chunk.usage("chatcmpl-1", 7, "m", null, Usage.of(3, 4))));
        assertEquals(0, last.get("choices").size());
        assertEquals(7, last.get("usage").get("total_tokens").asInt());
    }

    @Test
    void aDecodedChunkGivesItsTextFinishReasonAndUsage() {
        Chunk text = OpenAiWire.decode("{\"id\":\"x\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\","
            + "\"reasoning_content\":\"r\",\"tool_calls\":[]},\"finish_reason\":\"stop\"}],\"usage\":null}", Chunk.class);
        assertEquals("a", text.choice().delta().content());
        assertEquals("r", text.choice().delta().reasoningContent());
        assertEquals("stop", text.choice().finishReason());
        assertNull(text.usageCounts());

        Chunk usage = OpenAiWire.decode("{\"choices\":[],\"usage\":{\"prompt_tokens\":2,\"completion_tokens\":5}}",
            Chunk.class);
        assertNull(usage.choice());
        assertEquals(new Usage(2, 5, 0), usage.usageCounts());
    }

    @Test
    void aCompletionRoundTrips() {
        Completion completion = Completion.of("chatcmpl-1", 9, "m", null, "Hello", "stop", Usage.of(1, 2));
        Completion read = OpenAiWire.decode(OpenAiWire.encode(completion), Completion.class);
        assertEquals("Hello", OpenAiWire.text(read.choices().get(0).message().content()));
        assertEquals(3, read.usage().totalTokens());
        assertEquals("chat.completion", read.object());
    }

    @Test
    void requestsReadTheStandardFieldsAndTextParts() {
        ChatRequest request = OpenAiWire.decode(("{\"model\":\"m\",\"stream\":true,\"stream_options\":"
            + "{\"include_usage\":true},\"max_completion_tokens\":5,\"messages\":[{\"role\":\"system\",\"content\":"
            + "\"be brief\"},{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"a\"},{\"type\":\"text\","
            + "\"text\":\"b\"}]}],\"logit_bias\":{}}").getBytes(), ChatRequest.class);
        assertTrue(request.streamed() && request.includeUsage());
        assertEquals(5, request.maxCompletionTokens());
        assertEquals("ab", OpenAiWire.text(request.messages().get(1).content()));
        assertEquals("be brief", OpenAiWire.text(request.messages().get(0).content()));

        String written = OpenAiWire.encode(ChatRequest.streaming("m", List.of(Message.of("user", "hi"))));
        assertEquals("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":true,"
            + "\"stream_options\":{\"include_usage\":true}}", written);
    }

    @Test
    void unreadableJsonAndImagePartsAreRefusedWithAReason() {
        assertThrows(OpenAiWireException.class, () -> OpenAiWire.decode("{\"messages\": 5}", ChatRequest.class));
        assertThrows(OpenAiWireException.class, () -> OpenAiWire.decode("not json", ChatRequest.class));
        OpenAiWireException image = assertThrows(OpenAiWireException.class, () -> OpenAiWire.text(
            JSON.readTree("[{\"type\":\"image_url\",\"image_url\":{\"url\":\"x\"}}]")));
        assertTrue(image.getMessage().contains("image_url"), image.getMessage());
    }

    @Test
    void errorsCarryNullParamAndCode() throws Exception {
        JsonNode error = JSON.readTree(OpenAiWire.encode(OpenAiWire.Error.of("bad", "invalid_request_error", null,
            null))).get("error");
        assertTrue(error.has("param") && error.get("param").isNull() && error.has("code"), error.toString());
    }
}
