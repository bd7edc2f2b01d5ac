package dev.parley.worker.compress;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class WhitespaceTest {

    @Test
    @DisplayName("trailing spaces, inner runs of spaces and runs of blank lines go; indentation and paragraphs stay")
    void prose() {
        String text = "\n\nFirst   line,  with\tgaps.   \n\n\n\nSecond paragraph:\n  - nested   item\n\n\n";
        assertEquals("First line, with gaps.\n\nSecond paragraph:\n  - nested item", Whitespace.tidy(text));
    }

    @Test
    @DisplayName("fenced code and inline code are left byte for byte")
    void code() {
        String text = "Run `ls  -la`  now:\n\n\n```python\ndef f(x):   \n\n\n\n    return  x   # aligned\n```\nDone.  ";
        assertEquals("Run `ls  -la` now:\n\n```python\ndef f(x):   \n\n\n\n    return  x   # aligned\n```\nDone.",
            Whitespace.tidy(text));
    }

    @Test
    @DisplayName("tidy text comes back unchanged")
    void alreadyTidy() {
        String text = "One line.\n\nAnother line.\n  indented";
        assertEquals(text, Whitespace.tidy(text));
    }
}
