package dev.parley.postprocess.extract;

import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Splits chat text into sentences with the JDK's sentence {@link BreakIterator}, one line at a time. Simulator
 * directive lines ({@code #sim: ...}) are instructions to a test backend, not something anyone said, so they give
 * no sentence; list markers and markdown emphasis around a sentence are dropped.
 */
final class Sentences {

    /** A line starting with this (after blanks) steers the LLM simulator; the worker strips it from the prompt too. */
    static final String DIRECTIVE_PREFIX = "#sim:";

    /**
     * Abbreviations the break iterator ends a sentence after when a capital follows ("Dr. Smith"); it already keeps
     * decimals, domains and a lower-case continuation ("e.g. for") together.
     */
    private static final Set<String> ABBREVIATIONS = Set.of(
            "e.g", "i.e", "mr", "mrs", "ms", "dr", "st", "vs", "a.m", "p.m", "approx", "prof", "jr", "sr", "inc");
    private static final Pattern LIST_MARKER = Pattern.compile("^\\s*(?:[-*\u2022]+|\\d{1,3}[.)])\\s+");

    private Sentences() {
    }

    static List<String> split(String text) {
        List<String> sentences = new ArrayList<>();
        if (text == null) {
            return sentences;
        }
        for (String line : Text.normalize(text).split("\n")) {
            if (!line.strip().startsWith(DIRECTIVE_PREFIX)) {
                splitLine(stripEmphasis(LIST_MARKER.matcher(line).replaceFirst("").strip()), sentences);
            }
        }
        return sentences;
    }

    private static void splitLine(String line, List<String> into) {
        BreakIterator boundaries = BreakIterator.getSentenceInstance(Locale.ENGLISH);
        boundaries.setText(line);
        StringBuilder pending = new StringBuilder();
        int start = boundaries.first();
        for (int end = boundaries.next(); end != BreakIterator.DONE; start = end, end = boundaries.next()) {
            pending.append(line, start, end);
            if (!endsWithAbbreviation(pending)) {
                add(into, pending.toString());
                pending.setLength(0);
            }
        }
        add(into, pending.toString());
    }

    private static boolean endsWithAbbreviation(CharSequence text) {
        String trimmed = text.toString().stripTrailing();
        if (!trimmed.endsWith(".")) {
            return false;
        }
        int wordStart = trimmed.lastIndexOf(' ') + 1;
        return ABBREVIATIONS.contains(trimmed.substring(wordStart, trimmed.length() - 1).toLowerCase(Locale.ROOT));
    }

    private static void add(List<String> sentences, String raw) {
        String sentence = stripEmphasis(raw.strip());
        if (sentence.chars().anyMatch(Character::isLetterOrDigit)) {
            sentences.add(sentence);
        }
    }

    /** Markdown bold/italic around a whole line or sentence is formatting, not content. */
    private static String stripEmphasis(String sentence) {
        int from = 0;
        int to = sentence.length();
        while (from < to && (sentence.charAt(from) == '*' || sentence.charAt(from) == '_')) {
            from++;
        }
        while (to > from && (sentence.charAt(to - 1) == '*' || sentence.charAt(to - 1) == '_')) {
            to--;
        }
        return sentence.substring(from, to).strip();
    }
}
