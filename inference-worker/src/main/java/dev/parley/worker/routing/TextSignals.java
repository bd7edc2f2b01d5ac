package dev.parley.worker.routing;

import java.util.regex.Pattern;

/**
 * Cheap, deliberately simple heuristics on a turn's text, used by the rules' {@code hasCode} and {@code question}
 * conditions. A false "has code" only sends a turn to a deeper route, so recall matters more than precision.
 */
final class TextSignals {

    /**
     * Code: a {@code ```} fence, an indented line (4 spaces or a tab, Markdown's code block), or punctuation that
     * is rare in prose: {@code ();} {@code ) {} {@code };} {@code =>} {@code #include} or a closing tag {@code </x}.
     */
    private static final Pattern CODE = Pattern.compile("```|(?m)^(?: {4}|\\t)\\S|\\(\\);|\\) ?\\{|};|=>|#include|</\\w");
    /** A question word (English) at the start, after any leading whitespace or quote. */
    private static final Pattern QUESTION_WORD = Pattern.compile("(?i)[\\s\"']*(?:who|whom|whose|what|when|where|"
        + "which|why|how|is|are|was|were|can|could|should|would|will|do|does|did|may|might|shall)\\b");

    private TextSignals() {
    }

    /** Whether the first {@code scanChars} characters look like they contain code. */
    static boolean hasCode(String text, int scanChars) {
        return CODE.matcher(text).region(0, Math.min(text.length(), scanChars)).find();
    }

    /** Ends with '?' (ignoring trailing whitespace) or starts with a question word. */
    static boolean question(String text, int scanChars) {
        int end = text.length() - 1;
        while (end >= 0 && Character.isWhitespace(text.charAt(end))) {
            end--;
        }
        if (end >= 0 && text.charAt(end) == '?') {
            return true;
        }
        return QUESTION_WORD.matcher(text).region(0, Math.min(text.length(), scanChars)).lookingAt();
    }
}
