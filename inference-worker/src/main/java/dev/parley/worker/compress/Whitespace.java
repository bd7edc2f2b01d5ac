package dev.parley.worker.compress;

import java.util.List;

/**
 * Whitespace that carries no meaning, outside fenced code blocks (which stay byte for byte): spaces and tabs at the
 * end of a line; runs of spaces and tabs inside a line, made one space (a line's indentation stays: it can nest a
 * list or a code block, and inline code between backticks is left alone); runs of blank lines, made one blank line;
 * blank lines at the start and end of the message.
 */
final class Whitespace {

    private Whitespace() {
    }

    static String tidy(String text) {
        List<Fences.Line> lines = Fences.lines(text);
        StringBuilder out = new StringBuilder(text.length());
        boolean blankBefore = false;
        for (Fences.Line line : lines) {
            if (line.fenced()) {
                out.append(line.text()).append('\n');
                blankBefore = false;
                continue;
            }
            String tidied = collapse(line.text().stripTrailing());
            if (tidied.isEmpty()) {
                if (!blankBefore && out.length() > 0) {
                    out.append('\n');
                }
                blankBefore = true;
                continue;
            }
            out.append(tidied).append('\n');
            blankBefore = false;
        }
        String result = out.toString();
        int end = result.length();
        while (end > 0 && result.charAt(end - 1) == '\n') {
            end--;
        }
        return result.substring(0, end);
    }

    /** The line with its inner runs of spaces and tabs made one space, keeping indentation and inline code. */
    private static String collapse(String line) {
        int indent = 0;
        while (indent < line.length() && (line.charAt(indent) == ' ' || line.charAt(indent) == '\t')) {
            indent++;
        }
        StringBuilder out = new StringBuilder(line.length()).append(line, 0, indent);
        boolean inCode = false;
        for (int i = indent; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '`') {
                inCode = !inCode;
            }
            boolean space = c == ' ' || c == '\t';
            if (space && !inCode) {
                if (out.charAt(out.length() - 1) != ' ' || i == indent) {
                    out.append(' ');
                }
                continue;
            }
            out.append(c);
        }
        return out.toString();
    }
}
