package dev.parley.postprocess.extract;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ContentWordsTest {

    @Test
    @DisplayName("inflected forms share a stem")
    void stemsInflections() {
        assertEquals(ContentWords.stem("invoice"), ContentWords.stem("invoices"));
        assertEquals(ContentWords.stem("price"), ContentWords.stem("pricing"));
        assertEquals(ContentWords.stem("plan"), ContentWords.stem("planning"));
        assertEquals(ContentWords.stem("call"), ContentWords.stem("called"));
        assertEquals(ContentWords.stem("reply"), ContentWords.stem("replies"));
        assertEquals("address", ContentWords.stem("address"));
    }

    @Test
    @DisplayName("short words, stop words and the words every reminder shares are not significant")
    void dropsInsignificantWords() {
        assertEquals(Set.of("call", "dentist"),
                ContentWords.of("I'll remind you tomorrow at 9am to call the dentist"));
        assertEquals(Set.of(), ContentWords.of("Sure, I will send you a reminder on Monday morning, thanks!"));
        assertEquals(Set.of("budget"), ContentWords.of("We're on a budget, aren't we?"));
        assertEquals(Set.of(), ContentWords.of(null));
    }

    @Test
    @DisplayName("tokens keep repeats in text order and drop possessive 's")
    void tokensKeepOrderAndRepeats() {
        assertEquals(List.of("lisbon", "trip", "lisbon", "hotel"),
                ContentWords.tokens("Lisbon trip: Lisbon's hotels"));
    }
}
