package dev.parley.postprocess.extract;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CommitmentMatcherTest {

    private static final String DENTIST = "I'll remind you tomorrow at 9am to call the dentist.";
    private static final String PRICING = "Let me get back to you on the pricing by Friday.";
    private static final String INVOICES = "I will send the invoices next week.";

    private final CommitmentMatcher matcher = new CommitmentMatcher();

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "Good morning! Here's the reminder: call the dentist before noon.",
            "Reminder: you wanted to call the dentist today.",
            "As promised, a quick nudge to ring the dentist.",
            "Following up on yesterday: don't forget the dentist!",
            "Just a reminder to call your dentist.",
    })
    @DisplayName("a fulfilment phrase plus a shared subject word fulfils the reminder")
    void fulfilsReminder(String later) {
        assertTrue(matcher.fulfils(later, DENTIST), later);
    }

    @Test
    @DisplayName("getting back on the pricing fulfils the pricing promise, in any inflection")
    void fulfilsWithInflectedWords() {
        assertTrue(matcher.fulfils("I'm getting back to you about pricing: Pro is $20 a month.", PRICING));
        assertTrue(matcher.fulfils("As promised, here are both invoices.", INVOICES));
        assertTrue(matcher.fulfils("Following up on the priced options you asked about.", PRICING));
    }

    @Test
    @DisplayName("a fulfilment phrase about another subject does not fulfil the commitment")
    void differentSubjectDoesNotFulfil() {
        assertFalse(matcher.fulfils("Reminder: your stand-up is at 10.", DENTIST));
        assertFalse(matcher.fulfils("As promised, here is the invoice.", DENTIST));
        assertFalse(matcher.fulfils("Here's the reminder you asked for.", DENTIST),
                "only the words every reminder shares are in common");
    }

    @Test
    @DisplayName("mentioning the subject without a fulfilment phrase does not fulfil it")
    void subjectWithoutPhraseDoesNotFulfil() {
        assertFalse(matcher.fulfils("The pricing for Pro is $20 a month.", PRICING));
        assertFalse(matcher.fulfils("Dentists recommend brushing twice a day.", DENTIST));
        assertFalse(matcher.fulfils(null, DENTIST));
        assertFalse(matcher.fulfils("As promised: the dentist.", null));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "Never mind.", "nvm", "No need to remind me.", "Cancel that.", "Forget about it.", "Forget it, thanks.",
            "No need, thanks!", "Actually, scratch that.", "Never mind, I figured it out.", "Please cancel.",
            "Can you cancel the reminder?",
    })
    @DisplayName("a bare cancel phrase withdraws any commitment")
    void bareCancelWithdrawsAnything(String user) {
        assertTrue(matcher.cancels(user, DENTIST), user);
        assertTrue(matcher.cancels(user, PRICING), user);
    }

    @Test
    @DisplayName("a cancel phrase that names a subject withdraws only the commitment about it")
    void namedSubjectMustMatch() {
        assertTrue(matcher.cancels("Never mind the pricing, I found it on the website.", PRICING));
        assertFalse(matcher.cancels("Never mind the pricing, I found it on the website.", DENTIST));
        assertTrue(matcher.cancels("Cancel the reminder about the dentist.", DENTIST));
        assertFalse(matcher.cancels("Cancel the reminder about the dentist.", PRICING));
        assertTrue(matcher.cancels("Actually, don't send the invoices.", INVOICES));
        assertFalse(matcher.cancels("Actually, don't send the invoices.", DENTIST));
        assertTrue(matcher.cancels("Forget about the pricing.", PRICING));
        assertTrue(matcher.cancels("No need to remind me about the dentist.", DENTIST));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "Don't cancel the reminder!", "Don't forget to remind me.", "Please don't forget about it.",
            "I don't mind.", "I might cancel it later.", "Did you cancel it?", "My flight got cancelled.",
            "Should I cancel the appointment?", "No need to cancel anything.", "Thanks, that's perfect.",
    })
    @DisplayName("negated, hedged, questioned or unrelated cancel words withdraw nothing")
    void doesNotCancel(String user) {
        assertFalse(matcher.cancels(user, DENTIST), user);
    }

    @Test
    @DisplayName("null texts never cancel")
    void nullsDoNotCancel() {
        assertFalse(matcher.cancels(null, DENTIST));
        assertFalse(matcher.cancels("Never mind.", null));
    }
}
