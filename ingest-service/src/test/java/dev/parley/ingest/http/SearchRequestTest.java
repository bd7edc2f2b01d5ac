package dev.parley.ingest.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.parley.ingest.ApiException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A search's q and k are validated before postprocess is asked")
class SearchRequestTest {

    @Test
    @DisplayName("q is kept as given; k defaults to 5 and may be 1 to 50")
    void valid() {
        assertEquals(new SearchRequest(" fish & chips ", 5), SearchRequest.parse(" fish & chips ", null));
        assertEquals(new SearchRequest("x", 5), SearchRequest.parse("x", " "));
        assertEquals(new SearchRequest("x", 1), SearchRequest.parse("x", "1"));
        assertEquals(new SearchRequest("x", 50), SearchRequest.parse("x", "50"));
    }

    @Test
    @DisplayName("the length limit counts characters, not UTF-16 units or bytes")
    void lengthInCharacters() {
        String longest = "😀".repeat(1_000);
        assertEquals(longest, SearchRequest.parse(longest, null).query());
        assertCode("query_too_long", "a".repeat(1_001), null);
        assertCode("query_too_long", "😀".repeat(1_001), null);
    }

    @Test
    @DisplayName("each kind of bad parameter has its own code")
    void badParameters() {
        assertCode("missing_query", null, null);
        assertCode("missing_query", "", "5");
        assertCode("missing_query", " \t\n", "5");
        assertCode("bad_k", "x", "0");
        assertCode("bad_k", "x", "51");
        assertCode("bad_k", "x", "-3");
        assertCode("bad_k", "x", "2.5");
        assertCode("bad_k", "x", "ten");
    }

    private static void assertCode(String code, String q, String k) {
        ApiException error = assertThrows(ApiException.class, () -> SearchRequest.parse(q, k));
        assertEquals(code, error.code(), q + " / " + k);
        assertEquals(400, error.status());
    }
}
