package dev.parley.postprocess.extract;

/** The line a chat is known by: the first line of its first turn that someone said (not a simulator directive). */
public final class FirstLine {

    /** A session list shows one line per session; longer ones are cut at a word with an ellipsis. */
    public static final int MAX_CHARS = 120;

    private FirstLine() {
    }

    /** The first non-blank line of {@code text} that is not a {@code #sim:} directive, trimmed and capped; or null. */
    public static String of(String text) {
        if (text == null) {
            return null;
        }
        for (String line : text.split("\\R")) {
            String trimmed = line.strip();
            if (!trimmed.isEmpty() && !trimmed.startsWith(Sentences.DIRECTIVE_PREFIX)) {
                return Text.capWithEllipsis(trimmed, MAX_CHARS);
            }
        }
        return null;
    }
}
