package dev.parley.worker.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ReplyTextTest {

    @Test
    @DisplayName("an exact text splits into word tokens that concatenate to the same string")
    void splitIsLossless() {
        for (String text : List.of("Hello, wörld!", "  leading and trailing  ", "🎉🎉 emoji\u00a0nbsp 世界\n\nnew",
            "one", "", "   ", "tab\tseparated\r\nlines\n")) {
            List<String> tokens = ReplyText.split(text);
            assertEquals(text, String.join("", tokens), () -> "tokens " + tokens);
            tokens.forEach(token -> assertFalse(token.isEmpty(), "empty token in " + tokens));
        }
        assertEquals(List.of("Hello,", " wörld!", " 🎉 "), ReplyText.split("Hello, wörld! 🎉 "));
        assertEquals(List.of(), ReplyText.split(""));
    }

    @Test
    @DisplayName("generated text is the requested number of word tokens, the same for the same prompt")
    void generatedIsDeterministic() {
        List<String> first = ReplyText.generate("What is Kafka?", 40);
        assertEquals(40, first.size());
        assertEquals(first, ReplyText.generate("What is Kafka?", 40));
        assertNotEquals(first, ReplyText.generate("What is Pulsar?", 40));
        assertFalse(first.get(0).startsWith(" "));
        first.subList(1, first.size()).forEach(token -> assertTrue(token.startsWith(" ") && token.length() > 1));
        String text = String.join("", first);
        assertTrue(Character.isUpperCase(text.charAt(0)), text);
        assertTrue(text.endsWith(".") || text.endsWith("?"), text);
        assertEquals(List.of(), ReplyText.generate("x", 0));
    }
}
