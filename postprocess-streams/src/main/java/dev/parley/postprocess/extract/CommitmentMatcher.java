package dev.parley.postprocess.extract;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decides whether a later turn closes an open commitment: the assistant fulfilling it, or the user withdrawing it.
 *
 * <p>Both rules compare significant words: lower-cased, at least four letters, not a stop word, lightly stemmed
 * (plural s, ies, ing, ed, final e), and not one of the words every promise shares (remind, reminder, send,
 * follow, promise, back, and time words like tomorrow, week or Monday), so that "Reminder: stand-up at 10" does not
 * fulfil "I'll remind you to call the dentist".
 */
public final class CommitmentMatcher {

    private static final int FLAGS = Pattern.CASE_INSENSITIVE;
    private static final Pattern FULFILMENT = Pattern.compile(
            "\\bas\\s+(?:i\\s+)?promised\\b|\\bas\\s+agreed\\b"
                    + "|\\bhere(?:'s|\\s+is)\\s+(?:the|your)\\s+(?:reminder|follow-?up|update)\\b"
                    + "|\\breminder\\s*:|\\bfollowing\\s+up\\b|\\bto\\s+follow\\s+up\\b|\\bfollow-?up\\s*:"
                    + "|\\b(?:i'm|i\\s+am)\\s+getting\\s+back\\s+to\\s+you\\b"
                    + "|\\bgetting\\s+back\\s+to\\s+you\\s+(?:on|about)\\b|\\bcircling\\s+back\\b"
                    + "|\\bjust\\s+(?:a\\s+)?(?:quick\\s+)?reminder\\b|\\bthis\\s+is\\s+your\\s+reminder\\b", FLAGS);
    private static final Pattern CANCEL = Pattern.compile(
            "\\b(?:never\\s*mind|nvm"
                    + "|no\\s+need\\s+to\\s+(?:remind\\s+me|send|follow\\s+up|get\\s+back\\s+to\\s+me"
                    + "|do\\s+(?:that|it)|bother)"
                    + "|no\\s+need\\s+for\\s+(?:that|it|the\\s+reminder)|no\\s+need\\b(?=\\s*(?:[.!,]|$))"
                    + "|(?:don't|do\\s+not)\\s+(?:remind\\s+me|send|bother|follow\\s+up|worry\\s+about\\s+(?:it|that))"
                    + "|cancel\\b|call\\s+off\\b|forget\\s+(?:about\\s+)?(?:it|that|this)\\b|forget\\s+about"
                    + "|scratch\\s+that|skip\\s+(?:it|that|the\\s+reminder)|stop\\s+reminding\\s+me"
                    + "|i\\s+no\\s+longer\\s+need|i\\s+don't\\s+need\\s+(?:it|that|this|the\\s+\\w+)\\s+anymore)",
            FLAGS);
    private static final Pattern NEGATED_BEFORE = Pattern.compile(
            "\\b(?:don't|do\\s+not|never|not|no\\s+need\\s+to|won't|didn't|can't|shouldn't|please\\s+don't)"
                    + "\\s+$", FLAGS);
    private static final Pattern UNSURE_BEFORE = Pattern.compile(
            "\\b(?:might|may|maybe|probably|perhaps|thinking\\s+(?:about|of)|considering|wondering)\\b", FLAGS);
    private static final Pattern CLAUSE_BREAK = Pattern.compile("[,.;:!?\u2014\u2013\\n]|\\s-\\s");
    private static final Set<String> NOT_A_REQUEST = Set.of(
            "did", "have", "has", "had", "should", "why", "what", "when", "where", "how", "was", "were", "is", "are",
            "if", "unless", "whether");

    /**
     * Whether {@code laterAssistantText} delivers {@code commitmentText}: it says so ("as promised", "here's the
     * reminder", "reminder:", "following up on", "I'm getting back to you", "circling back") and shares at least one
     * significant word with the commitment.
     */
    public boolean fulfils(String laterAssistantText, String commitmentText) {
        if (laterAssistantText == null || commitmentText == null) {
            return false;
        }
        String later = Text.normalize(laterAssistantText);
        return FULFILMENT.matcher(later).find() && sharesWord(later, commitmentText);
    }

    /**
     * Whether {@code userText} withdraws {@code commitmentText}: a cancel phrase ("never mind", "no need to remind
     * me", "cancel that", "don't send", "forget about it") that is not itself negated ("don't cancel"), hedged
     * ("I might cancel") or asked about ("did you cancel it?"). When the phrase names a subject ("never mind the
     * pricing") the subject must share a significant word with the commitment; a bare phrase withdraws any.
     */
    public boolean cancels(String userText, String commitmentText) {
        if (userText == null || commitmentText == null) {
            return false;
        }
        for (String sentence : Sentences.split(userText)) {
            if (!isAsking(sentence) && cancelsIn(sentence, commitmentText)) {
                return true;
            }
        }
        return false;
    }

    private static boolean cancelsIn(String sentence, String commitmentText) {
        Matcher m = CANCEL.matcher(sentence);
        while (m.find()) {
            String before = sentence.substring(0, m.start());
            if (NEGATED_BEFORE.matcher(before).find() || UNSURE_BEFORE.matcher(before).find()) {
                continue;
            }
            String subject = subjectAfter(sentence.substring(m.end()));
            if (ContentWords.of(subject).isEmpty() || sharesWord(subject, commitmentText)) {
                return true;
            }
        }
        return false;
    }

    /** "never mind the pricing, thanks" → "the pricing": what follows the phrase up to the clause break. */
    private static String subjectAfter(String rest) {
        Matcher end = CLAUSE_BREAK.matcher(rest);
        return end.find() ? rest.substring(0, end.start()) : rest;
    }

    private static boolean isAsking(String sentence) {
        String first = sentence.split("[\\s,]+", 2)[0].toLowerCase(Locale.ROOT);
        return NOT_A_REQUEST.contains(first) || sentence.endsWith("?") && first.equals("do");
    }

    private static boolean sharesWord(String text, String commitmentText) {
        Set<String> words = ContentWords.of(text);
        words.retainAll(ContentWords.of(commitmentText));
        return !words.isEmpty();
    }
}
