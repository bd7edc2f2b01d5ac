package dev.parley.worker.compress;

import java.util.ArrayList;
import java.util.List;

/** A message's lines, each marked as inside a fenced code block (``` or ~~~) or not; fence lines count as inside. */
final class Fences {

    /** One line without its line break; {@code fenced} for the fence lines and everything between them. */
    record Line(String text, boolean fenced, boolean opensFence, boolean closesFence) {
    }

    private Fences() {
    }

    static List<Line> lines(String text) {
        List<Line> lines = new ArrayList<>();
        String fence = null;
        for (String line : text.split("\n", -1)) {
            String stripped = line.stripLeading();
            String marker = stripped.startsWith("```") ? "```" : stripped.startsWith("~~~") ? "~~~" : null;
            if (fence == null && marker != null) {
                fence = marker;
                lines.add(new Line(line, true, true, false));
            } else if (fence != null && fence.equals(marker) && onlyFence(stripped.strip(), fence.charAt(0))) {
                fence = null;
                lines.add(new Line(line, true, false, true));
            } else {
                lines.add(new Line(line, fence != null, false, false));
            }
        }
        return lines;
    }

    /** A closing fence is the fence's character alone, three or more times. */
    private static boolean onlyFence(String line, char fence) {
        return line.chars().allMatch(c -> c == fence);
    }
}
