package dev.parley.worker.routing;

import java.util.regex.Pattern;

/**
 * Cheap, deliberately simple heuristics on a turn's text, used by the rules' {@code hasCode} and {@code question}
 * conditions. A false "has code" only sends a turn to a deeper route, so recall matters more than precision.
 */
final class TextSignals {

    /** A question word (English) at the start, after any leading whitespace or quote. */
    private static final Pattern QUESTION_WORD = Pattern.compile("(?i)[\\s\"']*(?:who|whom|whose|what|when|where|"
        + "which|why|how|is|are|was|were|can|could|should|would|will|do|does|did|may|might|shall)\\b");

    private TextSignals() {
    }

    /**
     * Whether the first {@code scanChars} characters look like code: a <code>```</code> fence, an indented line
     * (4 spaces or a tab, then text: Markdown's code block), or punctuation rare in prose: "();" ") {" "){" "};"
     * "=&gt;" "#include" or a closing tag "&lt;/x". One pass over the characters,
     * looking around only at the few that can start a marker (a regex alternation here cost 20-30 ns a character).
     */
    static boolean hasCode(String text, int scanChars) {
        int end = Math.min(text.length(), scanChars);
        for (int i = 0; i < end; i++) {
            boolean marker = switch (text.charAt(i)) {
                case '`' -> text.startsWith("```", i);
                case '\n' -> indented(text, i + 1, end);
                case '(' -> text.startsWith("();", i);
                case ')' -> text.startsWith(") {", i) || text.startsWith("){", i);
                case '}' -> text.startsWith("};", i);
                case '=' -> text.startsWith("=>", i);
                case '#' -> text.startsWith("#include", i);
                case '<' -> i + 2 < end && text.charAt(i + 1) == '/' && Character.isLetter(text.charAt(i + 2));
                default -> false;
            };
            if (marker) {
                return true;
            }
        }
        return indented(text, 0, end);
    }

    /** A line starting at {@code start} with 4 spaces or a tab and then text. */
    private static boolean indented(String text, int start, int end) {
        int textAt;
        if (text.startsWith("\t", start)) {
            textAt = start + 1;
        } else if (text.startsWith("    ", start)) {
            textAt = start + 4;
        } else {
            return false;
        }
        return textAt < end && !Character.isWhitespace(text.charAt(textAt));
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
