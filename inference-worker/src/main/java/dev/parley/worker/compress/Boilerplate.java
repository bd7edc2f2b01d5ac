package dev.parley.worker.compress;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Filler that an assistant's earlier reply can lose without losing anything it said, and only there (a user's words
 * are never edited): at the start of a reply {@code As an AI language model,}, {@code As an AI,},
 * {@code Certainly!}, {@code Sure!}, {@code Of course!}, {@code Absolutely!}, {@code Great question!}; at its end
 * {@code I hope this helps!} (or {@code .}), {@code Hope this helps!}, {@code Let me know if you have any other (more,
 * further) questions!} and {@code Feel free to ask if you have any other (more, further) questions!}. Matched case
 * aside, as whole phrases; a reply that is nothing but filler is left as it is.
 */
final class Boilerplate {

    static final List<Pattern> LEADING = List.of(
        Pattern.compile("(?i)^as an ai language model,\\s*"),
        Pattern.compile("(?i)^as an ai,\\s*"),
        Pattern.compile("(?i)^(certainly|sure|of course|absolutely|great question)!\\s*"));
    static final List<Pattern> TRAILING = List.of(
        Pattern.compile("(?i)\\s*(?<!\\w)(i )?hope this helps[.!]$"),
        Pattern.compile("(?i)\\s*(?<!\\w)(let me know|feel free to ask) if you have any (other|more|further) questions[.!]$"));

    private Boilerplate() {
    }

    static String strip(String reply) {
        String text = reply.strip();
        boolean changed = true;
        while (changed) {
            changed = false;
            for (Pattern pattern : LEADING) {
                Matcher m = pattern.matcher(text);
                if (m.find() && m.end() < text.length()) {
                    text = capitalized(text.substring(m.end()));
                    changed = true;
                }
            }
            for (Pattern pattern : TRAILING) {
                Matcher m = pattern.matcher(text);
                if (m.find() && m.start() > 0) {
                    text = text.substring(0, m.start());
                    changed = true;
                }
            }
        }
        return text.equals(reply.strip()) ? reply : text;
    }

    /** "i cannot browse" after "As an AI language model, " becomes "I cannot browse"; "iPhone" stays. */
    private static String capitalized(String text) {
        boolean lowerWord = !text.isEmpty() && Character.isLowerCase(text.charAt(0))
            && (text.length() == 1 || !Character.isUpperCase(text.charAt(1)));
        return lowerWord ? Character.toUpperCase(text.charAt(0)) + text.substring(1) : text;
    }
}
