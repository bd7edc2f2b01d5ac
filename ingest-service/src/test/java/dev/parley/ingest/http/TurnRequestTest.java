package dev.parley.ingest.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.avro.GenerationSettings;
import dev.parley.ingest.ApiException;
import dev.parley.ingest.ledger.TurnOptions;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A turn body is validated before anything is written")
class TurnRequestTest {

    @Test
    @DisplayName("text and an optional clientTurnId are read")
    void valid() {
        assertEquals(new TurnRequest("hi", "c-1"),
                TurnRequest.parse(Buffer.buffer("{\"text\":\"hi\",\"clientTurnId\":\"c-1\"}"), 10));
        assertEquals(new TurnRequest("hi", null), TurnRequest.parse(Buffer.buffer("{\"text\":\"hi\"}"), 10));
    }

    @Test
    @DisplayName("an optional route and spotlight flag are read; null or absent means none")
    void routeAndSpotlight() {
        assertEquals(new TurnOptions("deep_think-2", true), TurnRequest.parse(Buffer.buffer(
                "{\"text\":\"hi\",\"route\":\"deep_think-2\",\"spotlight\":true}"), 100).options());
        assertEquals(new TurnOptions("r", false), TurnRequest.parse(Buffer.buffer(
                "{\"text\":\"hi\",\"route\":\"r\",\"spotlight\":false}"), 100).options());
        assertEquals(TurnOptions.NONE, TurnRequest.parse(Buffer.buffer(
                "{\"text\":\"hi\",\"route\":null,\"spotlight\":null}"), 100).options());
        assertEquals(new TurnOptions("x".repeat(64), false), TurnRequest.parse(Buffer.buffer(
                "{\"text\":\"hi\",\"route\":\"" + "x".repeat(64) + "\"}"), 100).options());
    }

    @Test
    @DisplayName("a bad route gets bad_route and a spotlight that is not a boolean gets bad_spotlight")
    void badRouteAndSpotlight() {
        assertCode("bad_route", "{\"text\":\"a\",\"route\":\"\"}");
        assertCode("bad_route", "{\"text\":\"a\",\"route\":\"" + "x".repeat(65) + "\"}");
        assertCode("bad_route", "{\"text\":\"a\",\"route\":\"deep think\"}");
        assertCode("bad_route", "{\"text\":\"a\",\"route\":\"r/../x\"}");
        assertCode("bad_route", "{\"text\":\"a\",\"route\":\"é\"}");
        assertCode("bad_route", "{\"text\":\"a\",\"route\":7}");
        assertCode("bad_spotlight", "{\"text\":\"a\",\"spotlight\":\"true\"}");
        assertCode("bad_spotlight", "{\"text\":\"a\",\"spotlight\":1}");
    }

    @Test
    @DisplayName("optional generation settings are read; an empty object or null means none")
    void generation() {
        TurnOptions options = TurnRequest.parse(Buffer.buffer("{\"text\":\"hi\",\"generation\":{\"maxTokens\":5,"
                + "\"temperature\":0.5,\"topP\":1,\"stop\":[\"END\",\"\"]}}"), 100).options();
        assertEquals(new GenerationSettings(5, 0.5, 1.0, List.of("END")), options.generation());
        assertEquals(List.of("x"), TurnRequest.parse(Buffer.buffer("{\"text\":\"hi\",\"generation\":{"
                + "\"stop\":\"x\"}}"), 100).options().generation().getStop());
        assertNull(TurnRequest.parse(Buffer.buffer("{\"text\":\"hi\",\"generation\":{}}"), 100).options()
                .generation());
        assertNull(TurnRequest.parse(Buffer.buffer("{\"text\":\"hi\",\"generation\":null}"), 100).options()
                .generation());
    }

    @Test
    @DisplayName("a bad generation setting gets bad_generation naming the field")
    void badGeneration() {
        for (String[] bad : new String[][] {{"generation", "[]"}, {"generation.maxTokens", "{\"maxTokens\":0}"},
                {"generation.maxTokens", "{\"maxTokens\":2.5}"}, {"generation.maxTokens", "{\"maxTokens\":\"5\"}"},
                {"generation.maxTokens", "{\"maxTokens\":3000000000}"},
                {"generation.temperature", "{\"temperature\":2.1}"}, {"generation.topP", "{\"topP\":-0.1}"},
                {"generation.stop", "{\"stop\":[1]}"},
                {"generation.stop", "{\"stop\":[\"a\",\"b\",\"c\",\"d\",\"e\"]}"},
                {"generation.max_tokens", "{\"max_tokens\":5}"}}) {
            ApiException e = assertThrows(ApiException.class, () -> TurnRequest.parse(Buffer.buffer(
                    "{\"text\":\"a\",\"generation\":" + bad[1] + "}"), 100), bad[1]);
            assertEquals("bad_generation", e.code(), bad[1]);
            assertTrue(e.getMessage().startsWith(bad[0] + " "), e.getMessage());
        }
    }

    @Test
    @DisplayName("the limit counts UTF-8 bytes, not characters")
    void utf8Limit() {
        assertEquals("éé", TurnRequest.parse(Buffer.buffer("{\"text\":\"éé\"}"), 4).text());
        ApiException tooLarge = assertThrows(ApiException.class,
                () -> TurnRequest.parse(Buffer.buffer("{\"text\":\"ééé\"}"), 5));
        assertEquals(413, tooLarge.status());
        assertEquals("turn_too_large", tooLarge.code());
    }

    @Test
    @DisplayName("a body that is not JSON is told where it breaks, in words without the parser's class names")
    void invalidJsonSaysWhere() {
        assertMessage("the body is not valid JSON: line 1, column 23", "{\"text\": \"unterminated");
        assertMessage("the body is not valid JSON: line 2, column 3", "{\"text\": \"hi\",\n  nope}");
        assertMessage("the body must be a JSON object with a text field", "[\"text\"]");
    }

    @Test
    @DisplayName("each kind of bad body has its own code")
    void badBodies() {
        assertCode("invalid_json", "{nope");
        assertCode("invalid_json", "\"text\"");
        assertCode("invalid_json", "");
        assertCode("missing_text", "{}");
        assertCode("missing_text", "{\"text\":\"\"}");
        assertCode("missing_text", "{\"text\":[\"a\"]}");
        assertCode("bad_request", "{\"text\":\"a\",\"clientTurnId\":\"\"}");
        assertCode("bad_request", "{\"text\":\"a\",\"clientTurnId\":{}}");
    }

    private static ApiException assertCode(String code, String body) {
        ApiException error = assertThrows(ApiException.class, () -> TurnRequest.parse(Buffer.buffer(body), 100));
        assertEquals(code, error.code(), body);
        assertEquals(400, error.status(), body);
        return error;
    }

    private static void assertMessage(String message, String body) {
        assertEquals(message, assertCode("invalid_json", body).getMessage(), body);
    }
}
