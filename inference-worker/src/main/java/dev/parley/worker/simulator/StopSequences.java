package dev.parley.worker.simulator;

import java.util.ArrayList;
import java.util.List;

/**
 * Ends a reply before the first occurrence of any stop sequence, as a model does: the text before it is kept (the
 * token it begins in cut there), the sequence and all after it are not sent.
 *
 * @param tokens   the reply's tokens up to the stop sequence
 * @param sequence the stop sequence that ended it, or null when none occurred (the tokens are the reply's own)
 */
record StopSequences(List<String> tokens, String sequence) {

    /** {@code tokens} ended at the earliest of {@code stop} that occurs in their text. */
    static StopSequences apply(List<String> tokens, List<String> stop) {
        String text = String.join("", tokens);
        int at = -1;
        String found = null;
        for (String sequence : stop) {
            int index = sequence.isEmpty() ? -1 : text.indexOf(sequence);
            if (index >= 0 && (at < 0 || index < at)) {
                at = index;
                found = sequence;
            }
        }
        if (found == null) {
            return new StopSequences(tokens, null);
        }
        List<String> kept = new ArrayList<>();
        int position = 0;
        for (String token : tokens) {
            if (position >= at) {
                break;
            }
            String piece = token.substring(0, Math.min(token.length(), at - position));
            if (piece.isBlank() && !kept.isEmpty()) {
                // only the whitespace before the sequence was left: it belongs to the last word, as in ReplyText
                kept.set(kept.size() - 1, kept.get(kept.size() - 1) + piece);
            } else {
                kept.add(piece);
            }
            position += token.length();
        }
        return new StopSequences(kept, found);
    }
}
