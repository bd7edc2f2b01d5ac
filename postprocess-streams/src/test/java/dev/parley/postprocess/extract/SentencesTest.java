package dev.parley.postprocess.extract;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SentencesTest {

    @Test
    @DisplayName("sentences end at . ! ? followed by a capital, and runs like ?! or ... stay with their sentence")
    void splitsOnTerminators() {
        assertEquals(List.of("Sure!", "I'll send it.", "Then what?!", "Fine..."),
                Sentences.split("Sure! I'll send it. Then what?! Fine..."));
    }

    @Test
    @DisplayName("decimals, times, abbreviations and a lower-case continuation do not end a sentence")
    void keepsAbbreviationsAndNumbersTogether() {
        assertEquals(List.of("Version 3.5 ships at 9 a.m. tomorrow, e.g. for Dr. Smith."),
                Sentences.split("Version 3.5 ships at 9 a.m. tomorrow, e.g. for Dr. Smith."));
        assertEquals(List.of("See example.com for details."), Sentences.split("See example.com for details."));
    }

    @Test
    @DisplayName("line breaks end sentences, and list markers and markdown emphasis are stripped")
    void stripsListMarkersAndEmphasis() {
        assertEquals(List.of("Book the venue.", "I'll send the checklist", "Call the caterer"),
                Sentences.split("1. **Book the venue.**\n- I'll send the checklist\n* Call the caterer\n\n"));
    }

    @Test
    @DisplayName("curly apostrophes become straight ones and text without letters gives no sentence")
    void normalisesQuotesAndSkipsEmpty() {
        assertEquals(List.of("I'll do it."), Sentences.split("I\u2019ll do it.\n--- !!"));
        assertEquals(List.of(), Sentences.split(null));
        assertEquals(List.of(), Sentences.split("   "));
    }

    @Test
    @DisplayName("simulator directive lines are not sentences, however they are indented")
    void skipsDirectiveLines() {
        assertEquals(List.of("Hi, my name is Ada.", "I live in Lisbon."),
                Sentences.split("Hi, my name is Ada.\n#sim: reply=\"Nice to meet you.\"\n"
                        + "  #sim: echo\nI live in Lisbon."));
    }
}
