package dev.parley.ingest.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.avro.ContextMessage;
import dev.parley.avro.GenerationSettings;
import dev.parley.schemas.openai.OpenAiWire;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class CompletionRequestTest {

    private static CompletionRequest parse(String json) {
        return CompletionRequest.parse(Buffer.buffer(json), 100);
    }

    private static OpenAiWire.ErrorDetail refused(String json) {
        return assertThrows(OpenAiError.class, () -> parse(json)).body().error();
    }

    @Test
    void theLastMessageIsTheTurnAndTheOthersItsContext() {
        CompletionRequest request = parse("{\"model\":\"m\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
            + "\"messages\":[{\"role\":\"system\",\"content\":\"brief\"},{\"role\":\"user\",\"content\":\"a\"},"
            + "{\"role\":\"assistant\",\"content\":null},{\"role\":\"user\",\"content\":[{\"type\":\"text\","
            + "\"text\":\"b\"}]}],\"temperature\":0.2,\"user\":\"u\",\"seed\":4}");
        assertEquals("b", request.text());
        assertEquals(List.of(new ContextMessage("system", "brief"), new ContextMessage("user", "a"),
            new ContextMessage("assistant", "")), request.context());
        assertTrue(request.stream() && request.includeUsage());
        assertFalse(parse("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}").stream());
    }

    @Test
    void generationSettingsAreCarriedAndMaxCompletionTokensWinsOverMaxTokens() {
        String messages = ",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}";
        assertNull(parse("{\"model\":\"m\"" + messages).generation());
        assertEquals(new GenerationSettings(5, 0.2, 0.9, List.of("END")), parse("{\"model\":\"m\",\"max_tokens\":5,"
            + "\"temperature\":0.2,\"top_p\":0.9,\"stop\":\"END\"" + messages).generation());
        assertEquals(new GenerationSettings(3, null, null, List.of("a", "b")), parse("{\"model\":\"m\","
            + "\"max_tokens\":9,\"max_completion_tokens\":3,\"stop\":[\"a\",\"b\"]" + messages).generation());
        assertEquals(new GenerationSettings(7, null, null, List.of()), parse("{\"model\":\"m\","
            + "\"max_completion_tokens\":7,\"stop\":null" + messages).generation());
    }

    @Test
    void whatOpenAiRefusesIsRefusedNamingTheParameter() {
        assertEquals("messages", refused("{\"model\":\"m\",\"messages\":[]}").param());
        assertEquals("messages", refused("{\"model\":\"m\"}").param());
        assertEquals("model", refused("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}").param());
        assertEquals("messages", refused("{\"model\":\"m\",\"messages\":[{\"role\":\"assistant\",\"content\":\"x\"}]}")
            .param());
        assertEquals("messages[0].content", refused("{\"model\":\"m\",\"messages\":[{\"role\":\"user\","
            + "\"content\":\" \"}]}").param());
        assertEquals("temperature", refused("{\"model\":\"m\",\"temperature\":3,\"messages\":[{\"role\":\"user\","
            + "\"content\":\"x\"}]}").param());
        assertEquals("max_tokens", refused("{\"model\":\"m\",\"max_tokens\":0,\"messages\":[{\"role\":\"user\","
            + "\"content\":\"x\"}]}").param());
        assertEquals("stream_options", refused("{\"model\":\"m\",\"stream_options\":{\"include_usage\":true},"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}").param());
        String user = "\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]";
        assertEquals("stop", refused("{\"model\":\"m\",\"stop\":[\"a\",\"b\",\"c\",\"d\",\"e\"]," + user + "}")
            .param());
        assertEquals("stop", refused("{\"model\":\"m\",\"stop\":[1]," + user + "}").param());
        assertEquals("stop", refused("{\"model\":\"m\",\"stop\":{\"a\":1}," + user + "}").param());
        assertEquals("user", refused("{\"model\":\"m\",\"user\":42," + user + "}").param());
        assertEquals("presence_penalty", refused("{\"model\":\"m\",\"presence_penalty\":2.5," + user + "}").param());
        assertEquals("frequency_penalty", refused("{\"model\":\"m\",\"frequency_penalty\":\"x\"," + user + "}")
            .param());
        parse("{\"model\":\"m\",\"stop\":\"END\",\"presence_penalty\":-2,\"frequency_penalty\":1.5," + user + "}");
        parse("{\"model\":\"m\",\"stop\":[\"a\",\"b\",\"c\",\"d\"],\"user\":null," + user + "}");
        OpenAiWire.ErrorDetail notJson = refused("{\"model\":");
        assertEquals("invalid_request_error", notJson.type());
    }

    @Test
    void whatParleyCannotHonourIsRefusedAsUnsupported() {
        String user = "\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]";
        assertEquals("unsupported_parameter", refused("{\"model\":\"m\",\"n\":2," + user + "}").code());
        assertEquals("tools", refused("{\"model\":\"m\",\"tools\":[{\"type\":\"function\"}]," + user + "}").param());
        assertEquals("messages[0].role", refused("{\"model\":\"m\",\"messages\":[{\"role\":\"tool\",\"content\":\"r\"},"
            + "{\"role\":\"user\",\"content\":\"x\"}]}").param());
        assertEquals("messages[0].content", refused("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":"
            + "[{\"type\":\"image_url\",\"image_url\":{\"url\":\"u\"}}]}]}").param());
        parse("{\"model\":\"m\",\"n\":1,\"tools\":[]," + user + "}"); // the defaults are fine
    }

    @Test
    void unreadableJsonIsToldWhereWithoutTheParsersClassNames() {
        assertEquals("We could not parse the JSON body of your request: line 1, column 10",
                refused("{\"model\":").message());
        assertEquals("We could not parse the JSON body of your request: temperature is not valid",
                refused("{\"model\":\"m\",\"temperature\":\"hot\",\"messages\":[]}").message());
        assertEquals("We could not parse the JSON body of your request: messages[0].role is not valid",
                refused("{\"model\":\"m\",\"messages\":[{\"role\":[1],\"content\":\"x\"}]}").message());
    }

    @Test
    void aLastMessageOverTheTurnLimitIs413() {
        OpenAiError tooLarge = assertThrows(OpenAiError.class, () -> parse("{\"model\":\"m\",\"messages\":[{\"role\":"
            + "\"user\",\"content\":\"" + "x".repeat(101) + "\"}]}"));
        assertEquals(413, tooLarge.status());
        assertEquals("request_too_large", tooLarge.body().error().code());
    }
}
