package dev.parley.postprocess.extract;

import java.util.regex.Pattern;

/** Text helpers shared by the extractors: quote normalisation, punctuation trimming and length caps. */
final class Text {

    private static final Pattern EDGE_JUNK_START = Pattern.compile("^[\\s\"'(\\[*_#>`~-]+");
    private static final Pattern EDGE_JUNK_END = Pattern.compile("[\\s\"'()\\[\\]*_#`~.,;:!?\u2026-]+$");
    private static final Pattern SPACES = Pattern.compile("\\s+");
    private static final Pattern DANGLING_WORD = Pattern.compile(
            "(?:\\s+(?:and|or|but|the|a|an|to|of|in|on|at|for|with))+$", Pattern.CASE_INSENSITIVE);

    private Text() {
    }

    /** Curly quotes and non-breaking spaces folded to ASCII, because every rule is written against ASCII. */
    static String normalize(String text) {
        return text.replace('\u2019', '\'')
                .replace('\u2018', '\'')
                .replace('\u201C', '"')
                .replace('\u201D', '"')
                .replace('\u00A0', ' ');
    }

    /** The value without surrounding quotes, markdown emphasis or trailing punctuation, spaces collapsed. */
    static String trimPunctuation(String value) {
        return trimEdges(SPACES.matcher(value).replaceAll(" "));
    }

    /**
     * At most {@code maxChars}, cut at the last whitespace that fits so no word is left half-written; line breaks
     * inside the kept part survive.
     */
    static String cap(String value, int maxChars) {
        if (value.length() <= maxChars) {
            return value;
        }
        int cut = lastWhitespace(value, maxChars);
        String head = cut > 0 ? value.substring(0, cut) : value.substring(0, maxChars);
        // A cut that leaves "… and" reads as a broken sentence; ending on the last content word does not.
        return trimEdges(DANGLING_WORD.matcher(trimEdges(head)).replaceFirst(""));
    }

    private static int lastWhitespace(String value, int atMost) {
        for (int i = Math.min(atMost, value.length() - 1); i > 0; i--) {
            if (Character.isWhitespace(value.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    private static String trimEdges(String value) {
        String start = EDGE_JUNK_START.matcher(value).replaceFirst("");
        return EDGE_JUNK_END.matcher(start).replaceFirst("");
    }

    /** Like {@link #cap} but marks the cut with an ellipsis, still within {@code maxChars}. */
    static String capWithEllipsis(String value, int maxChars) {
        if (value.length() <= maxChars) {
            return value;
        }
        return cap(value, maxChars - 1) + "\u2026";
    }
}
