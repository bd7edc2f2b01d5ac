package dev.parley.worker.compress;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class JsonCompactorTest {

    @Test
    @DisplayName("a message that is one pretty-printed JSON object becomes compact and parses to the same value")
    void wholeMessage() throws Exception {
        String pretty = """
            {
              "plan" : [ "search", "read" ],
              "done" : false,
              "budget" : 1.50,
              "big" : 123456789012345678901234567890,
              "note" : "two  spaces   kept\\n"
            }
            """;
        String compact = JsonCompactor.compact(pretty);
        assertEquals("{\"plan\":[\"search\",\"read\"],\"done\":false,\"budget\":1.50,"
            + "\"big\":123456789012345678901234567890,\"note\":\"two  spaces   kept\\n\"}", compact);
        assertEquals(JsonCompactor.parse(pretty), JsonCompactor.parse(compact), "the same value, numbers exact");
    }

    @Test
    @DisplayName("a ```json fence and a JSON value on lines of its own in prose are compacted; the prose stays")
    void partsOfAMessage() {
        String text = """
            The state:
            ```json
            {
              "step": 2
            }
            ```
            and the list:
              [
                1,
                2
              ]
            That is all.""";
        assertEquals("""
            The state:
            ```json
            {"step":2}
            ```
            and the list:
            [1,2]
            That is all.""", JsonCompactor.compact(text));
    }

    @Test
    @DisplayName("JSON lines: each line's value is compacted on its own line")
    void jsonLines() {
        assertEquals("{\"a\":1}\n{\"b\":[1,2]}\n", JsonCompactor.compact("{ \"a\" : 1 }\n{ \"b\" : [1, 2] }\n"));
    }

    @Test
    @DisplayName("what is not strict JSON is left alone: code fences of other languages, trailing commas, duplicate keys")
    void notJson() {
        String code = "```java\n{\n  int x = 1;\n}\n```";
        assertEquals(code, JsonCompactor.compact(code));
        String trailingComma = "{\n  \"a\": 1,\n}";
        assertEquals(trailingComma, JsonCompactor.compact(trailingComma));
        String duplicate = "{\n  \"a\": 1,\n  \"a\": 2\n}";
        assertEquals(duplicate, JsonCompactor.compact(duplicate), "a parse would keep only the last a");
        String prose = "Use {curly} braces [like this] in text.";
        assertEquals(prose, JsonCompactor.compact(prose));
        String followed = "Values:\n{\n  \"a\": 1\n} and more text on its last line";
        assertEquals(followed, JsonCompactor.compact(followed), "a value must end its line");
        String allman = "Unfenced C#:\n{\n    var x = new[] { 1, 2 };\n}\n[Obsolete]\nvoid F() { }";
        assertEquals(allman, JsonCompactor.compact(allman));
    }
}
