package dev.parley.worker.compress;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class BoilerplateTest {

    @Test
    @DisplayName("listed filler at a reply's start and end goes, however much of it there is")
    void filler() {
        assertEquals("I cannot browse the web, but Kafka keeps order per partition.", Boilerplate.strip(
            "Certainly! As an AI language model, i cannot browse the web, but Kafka keeps order per partition. "
                + "I hope this helps! Let me know if you have any other questions."));
        assertEquals("Partitions are ordered.", Boilerplate.strip("Great question! Partitions are ordered. Hope this helps."));
    }

    @Test
    @DisplayName("the same words inside a reply, unlisted openers and a reply of filler alone are kept")
    void kept() {
        String inside = "You could say \"Certainly!\" and I hope this helps you decide.";
        assertEquals(inside, Boilerplate.strip(inside));
        String opener = "Well, it depends.";
        assertEquals(opener, Boilerplate.strip(opener));
        assertEquals("Certainly!", Boilerplate.strip("Certainly!"));
        assertEquals("iPhone apps can do that.", Boilerplate.strip("Sure! iPhone apps can do that."),
            "a word that is capitalised inside stays as written");
    }
}
