package dev.parley.worker.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Stop sequences end a reply where they begin")
class StopSequencesTest {

    private static final List<String> TOKENS = ReplyText.split("Hello there, general Kenobi.");

    @Test
    @DisplayName("the earliest sequence wins, even inside a token, and the token it begins in is cut there")
    void earliestWins() {
        StopSequences stopped = StopSequences.apply(TOKENS, List.of("Kenobi", "ere,"));
        assertEquals("ere,", stopped.sequence());
        assertEquals(List.of("Hello", " th"), stopped.tokens());
    }

    @Test
    @DisplayName("the space before a sequence stays with the word before it; none found keeps every token")
    void boundariesAndNone() {
        assertEquals(List.of("Hello", " there, "), StopSequences.apply(TOKENS, List.of("general")).tokens());
        StopSequences none = StopSequences.apply(TOKENS, List.of("Obi-Wan", ""));
        assertNull(none.sequence());
        assertEquals(TOKENS, none.tokens());
        assertEquals(List.of(), StopSequences.apply(TOKENS, List.of("Hello")).tokens());
    }
}
