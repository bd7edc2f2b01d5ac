package dev.parley.postprocess.extract;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** Splits chat text into sentences without breaking on abbreviations, decimals, times or list numbers. */
final class Sentences {

    private static final Set<String> ABBREVIATIONS = Set.of(
            "e.g", "i.e", "mr", "mrs", "ms", "dr", "st", "vs", "a.m", "p.m", "approx", "prof", "jr", "sr", "inc");
    private static final Pattern LIST_MARKER = Pattern.compile("^\\s*(?:[-*\u2022]+|\\d{1,3}[.)])\\s+");
    private static final String CLOSERS = "\"')]*_";

    private Sentences() {
    }

    static List<String> split(String text) {
        List<String> sentences = new ArrayList<>();
        if (text == null) {
            return sentences;
        }
        String normalized = Text.normalize(text);
        int start = 0;
        int i = 0;
        while (i < normalized.length()) {
            if (normalized.charAt(i) == '\n') {
                add(sentences, normalized.substring(start, i));
                start = ++i;
                continue;
            }
            int end = sentenceEnd(normalized, i);
            if (end >= 0) {
                add(sentences, normalized.substring(start, end));
                start = end;
                i = end;
            } else {
                i++;
            }
        }
        add(sentences, normalized.substring(start));
        return sentences;
    }

    /** Index just past the sentence ending at the terminator at {@code i}, or -1 if it does not end one. */
    private static int sentenceEnd(String text, int i) {
        char c = text.charAt(i);
        if (c != '.' && c != '!' && c != '?' && c != '\u2026') {
            return -1;
        }
        int k = i + 1;
        while (k < text.length() && (isTerminator(text.charAt(k)) || CLOSERS.indexOf(text.charAt(k)) >= 0)) {
            k++;
        }
        if (k == text.length()) {
            return k;
        }
        if (!Character.isWhitespace(text.charAt(k))) {
            return -1;
        }
        return startsNewSentence(text, k) && !(c == '.' && endsWithAbbreviation(text, i)) ? k : -1;
    }

    private static boolean isTerminator(char c) {
        return c == '.' || c == '!' || c == '?' || c == '\u2026';
    }

    private static boolean startsNewSentence(String text, int whitespaceAt) {
        int next = whitespaceAt;
        while (next < text.length() && Character.isWhitespace(text.charAt(next))) {
            next++;
        }
        return next == text.length() || !Character.isLowerCase(text.charAt(next));
    }

    private static boolean endsWithAbbreviation(String text, int dotAt) {
        int wordStart = dotAt;
        while (wordStart > 0 && !Character.isWhitespace(text.charAt(wordStart - 1))) {
            wordStart--;
        }
        String word = text.substring(wordStart, dotAt).toLowerCase(Locale.ROOT);
        boolean listNumber = !word.isEmpty() && word.chars().allMatch(Character::isDigit)
                && (wordStart == 0 || text.charAt(wordStart - 1) == '\n');
        return listNumber || ABBREVIATIONS.contains(word);
    }

    private static void add(List<String> sentences, String raw) {
        String sentence = LIST_MARKER.matcher(raw).replaceFirst("").strip();
        sentence = stripEmphasis(sentence);
        if (sentence.chars().anyMatch(Character::isLetterOrDigit)) {
            sentences.add(sentence);
        }
    }

    /** Markdown bold/italic around a whole sentence is formatting, not content. */
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
