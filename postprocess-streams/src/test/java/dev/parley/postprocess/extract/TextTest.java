package dev.parley.postprocess.extract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TextTest {

    @Test
    @DisplayName("caps cut at a word boundary and never exceed the limit")
    void capsAtWordBoundary() {
        assertEquals("the quick brown", Text.cap("the quick brown fox", 17));
        assertEquals("short", Text.cap("short", 60));
        assertEquals("abcde", Text.cap("abcdefghij", 5));
        assertEquals("love what you do", Text.cap("love what you do and the rest", 24));
        assertEquals("Line one.\nLine two", Text.cap("Line one.\nLine two\nLine three", 22));
        String marked = Text.capWithEllipsis("the quick brown fox jumps", 12);
        assertEquals("the quick\u2026", marked);
        assertTrue(marked.length() <= 12);
    }

    @Test
    @DisplayName("trimming drops quotes, emphasis and trailing punctuation but keeps inner punctuation")
    void trimsEdges() {
        assertEquals("St. Mary's Hospital", Text.trimPunctuation("  **St. Mary's   Hospital!!** "));
        assertEquals("she/her", Text.trimPunctuation("\"she/her\"."));
    }
}
