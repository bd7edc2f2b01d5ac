package dev.parley.ingest.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.parley.ingest.ApiException;
import io.vertx.core.buffer.Buffer;
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
    @DisplayName("the limit counts UTF-8 bytes, not characters")
    void utf8Limit() {
        assertEquals("éé", TurnRequest.parse(Buffer.buffer("{\"text\":\"éé\"}"), 4).text());
        ApiException tooLarge = assertThrows(ApiException.class,
                () -> TurnRequest.parse(Buffer.buffer("{\"text\":\"ééé\"}"), 5));
        assertEquals(413, tooLarge.status());
        assertEquals("turn_too_large", tooLarge.code());
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

    private static void assertCode(String code, String body) {
        ApiException error = assertThrows(ApiException.class, () -> TurnRequest.parse(Buffer.buffer(body), 100));
        assertEquals(code, error.code(), body);
        assertEquals(400, error.status(), body);
    }
}
