package dev.parley.postprocess.extract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RuleBasedCommitmentExtractorTest {

    /** A Tuesday afternoon. */
    private static final long REPLY_AT = Instant.parse("2024-03-05T14:00:00Z").toEpochMilli();

    private final RuleBasedCommitmentExtractor extractor = new RuleBasedCommitmentExtractor();

    @Test
    @DisplayName("a reminder promise is the sentence that makes it, due at the stated time next day")
    void reminderTomorrowAtNine() {
        List<ExtractedCommitment> found = extractor.extract(
                "Sure! I'll remind you tomorrow at 9am to call the dentist.", REPLY_AT);
        assertEquals(List.of(new ExtractedCommitment("I'll remind you tomorrow at 9am to call the dentist.",
                at("2024-03-06T09:00:00Z"))), found);
    }

    @Test
    @DisplayName("'let me get back to you … by Friday' is a promise due on Friday at 09:00")
    void getBackToYouByFriday() {
        assertEquals(List.of(new ExtractedCommitment("Let me get back to you on the pricing by Friday.",
                at("2024-03-08T09:00:00Z"))),
                extractor.extract("Let me get back to you on the pricing by Friday.", REPLY_AT));
    }

    @Test
    @DisplayName("in a long reply only the promise sentence is extracted")
    void onePromiseAmongManySentences() {
        String reply = "Great question! Lisbon has three main areas for visitors. Baixa is central and flat. "
                + "Alfama is older and hilly. I'll send you a shortlist of guesthouses tonight. Enjoy the planning!";
        assertEquals(List.of(new ExtractedCommitment("I'll send you a shortlist of guesthouses tonight.",
                at("2024-03-05T20:00:00Z"))), extractor.extract(reply, REPLY_AT));
    }

    @Test
    @DisplayName("several promises come out in reply order, each with its own due time or none")
    void severalPromisesInOrder() {
        List<ExtractedCommitment> found = extractor.extract("I'll look into the billing issue and let you know. "
                + "Meanwhile, here's a workaround. I will send the invoice in a week.", REPLY_AT);
        assertEquals(List.of(
                new ExtractedCommitment("I'll look into the billing issue and let you know.", null),
                new ExtractedCommitment("I will send the invoice in a week.", at("2024-03-12T14:00:00Z"))), found);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "I will send you the report on Monday.",
            "I'm going to check the logs and let you know.",
            "I shall return to this question next week.",
            "I promise to send the summary tonight.",
            "I promise I'll follow up in 2 hours.",
            "I'll follow up with the vendor and report back.",
            "Let me follow up with the team and circle back.",
            "Okay, I'll remind you about the passport renewal.",
            "Noted \u2014 I\u2019ll ping you at 15:00.",
            "I'll explain the rest tomorrow.",
            "I'll follow up tomorrow if I don't hear back from them.",
            "I'll be in touch next week.",
    })
    @DisplayName("first-person futures about later actions are promises")
    void recognisesPromises(String reply) {
        assertEquals(1, extractor.extract(reply, REPLY_AT).size(), reply);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "I'll explain: the API uses tokens that expire after an hour.",
            "I'll explain below.",
            "I will now list the options.",
            "I'll be honest, that's a tricky one.",
            "I'll assume you mean Python 3.",
            "I'll walk you through it step by step.",
            "I'll write a function that parses the dates:",
            "I'll keep that in mind.",
            "I'll do my best!",
            "I'll help you with that.",
            "I'll be happy to help with anything else.",
            "Shall I remind you tomorrow?",
            "I'll send it tomorrow, okay?",
            "If you want, I'll remind you tomorrow.",
            "When you're ready, I'll send the draft.",
            "I'll send it tomorrow if you'd like.",
            "I can't set reminders, unfortunately.",
            "I won't share your data.",
            "I will not send anything without asking.",
            "Maybe I'll check again later.",
            "You could say \"I'll call you tomorrow\" to them.",
            "The assistant said it would follow up.",
    })
    @DisplayName("talk about this reply, questions, offers, refusals, hedges and quotes are not promises")
    void rejectsNonPromises(String reply) {
        assertEquals(List.of(), extractor.extract(reply, REPLY_AT), reply);
    }

    @Test
    @DisplayName("an undated promise has a null due time")
    void undatedPromise() {
        List<ExtractedCommitment> found = extractor.extract("I'll look into it.", REPLY_AT);
        assertEquals(1, found.size());
        assertNull(found.get(0).dueAtMillis());
    }

    @Test
    @DisplayName("list markers and emphasis are stripped from the promise text")
    void stripsListMarkers() {
        List<ExtractedCommitment> found = extractor.extract(
                "Next steps:\n- Book the venue\n- **I'll send the checklist tonight.**", REPLY_AT);
        assertEquals(List.of(new ExtractedCommitment("I'll send the checklist tonight.", at("2024-03-05T20:00:00Z"))),
                found);
    }

    @Test
    @DisplayName("a long promise sentence is capped at 200 characters on a word boundary")
    void capsText() {
        String reply = "I'll send you the full comparison of " + "every plan and feature ".repeat(15) + "tomorrow.";
        ExtractedCommitment found = extractor.extract(reply, REPLY_AT).get(0);
        assertTrue(found.text().length() <= RuleBasedCommitmentExtractor.MAX_TEXT_CHARS, found.text());
        assertTrue(found.text().startsWith("I'll send you the full comparison"), found.text());
        assertEquals(at("2024-03-06T09:00:00Z"), found.dueAtMillis());
    }

    @Test
    @DisplayName("null, blank and promise-free replies give no commitments")
    void noCommitments() {
        assertEquals(List.of(), extractor.extract(null, REPLY_AT));
        assertEquals(List.of(), extractor.extract("  ", REPLY_AT));
        assertEquals(List.of(), extractor.extract("Paris is the capital of France.", REPLY_AT));
    }

    @Test
    @DisplayName("the same reply and timestamp always give equal commitments")
    void deterministic() {
        String reply = "I'll remind you on Monday at 10:30am. Let me get back to you on the budget.";
        assertEquals(extractor.extract(reply, REPLY_AT), new RuleBasedCommitmentExtractor().extract(reply, REPLY_AT));
    }

    private static Long at(String iso) {
        return Instant.parse(iso).toEpochMilli();
    }
}
