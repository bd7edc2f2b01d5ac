package dev.parley.postprocess.extract;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the run of capitalised words that opens a text, the way people write names, places and organisations. */
final class ProperNouns {

    /** Lower-case words that may sit inside a person's name ("Ada de Souza", "Ludwig van Beethoven"). */
    static final Set<String> NAME_PARTICLES = Set.of(
            "de", "da", "do", "dos", "das", "del", "della", "di", "du", "van", "von", "der", "den", "la", "le",
            "bin", "ibn", "al", "el", "y");
    /** Name particles plus what joins the words of places and organisations ("Bank of America", "P & G"). */
    static final Set<String> PLACE_CONNECTORS = Set.of(
            "de", "da", "do", "dos", "das", "del", "della", "di", "du", "van", "von", "der", "den", "la", "le",
            "al", "el", "y", "of", "upon", "and", "&");

    private static final int MAX_WORDS = 6;
    private static final Set<String> FIRST_PERSON = Set.of("i", "i'm", "i've", "i'd", "i'll");
    private static final Set<String> DOTTED_SHORTHAND = Set.of("st", "mt", "ft", "dr");
    private static final Pattern TOKEN = Pattern.compile("\\S+");
    private static final Pattern TRAILING_PUNCTUATION = Pattern.compile("[.,;:!?)\"']+$");
    private static final Pattern LEADING_THE = Pattern.compile("^the\\s+");

    private ProperNouns() {
    }

    /** The capitalised run opening {@code text} (a lower-case "the" dropped, "The Hague" kept), or null if none. */
    static String leading(String text, Set<String> connectors, boolean allowCommaContinuation) {
        String body = LEADING_THE.matcher(text.stripLeading()).replaceFirst("");
        Run first = run(body, connectors);
        if (first == null) {
            return null;
        }
        if (allowCommaContinuation && first.endedAtComma()) {
            Run next = run(body.substring(first.resumeAt()), connectors);
            if (next != null && next.atClauseEnd()) {
                return first.value() + ", " + next.value();
            }
        }
        return first.value();
    }

    /** Starts with a capital or a digit, and is not the pronoun "I". */
    static boolean isCapitalized(String word) {
        return !word.isEmpty() && (Character.isUpperCase(word.charAt(0)) || Character.isDigit(word.charAt(0)))
                && !FIRST_PERSON.contains(word.toLowerCase(Locale.ROOT));
    }

    private static Run run(String text, Set<String> connectors) {
        Matcher tokens = TOKEN.matcher(text);
        int end = -1;
        int words = 0;
        while (words < MAX_WORDS && tokens.find()) {
            String token = tokens.group();
            String core = TRAILING_PUNCTUATION.matcher(token).replaceFirst("");
            if (words > 0 && core.equals(token) && connectors.contains(core)) {
                continue;
            }
            // A bare number opens no name: "I work for 10 years" is not an employer.
            if (!isCapitalized(core) || end < 0 && core.chars().noneMatch(Character::isLetter)) {
                break;
            }
            end = tokens.start() + core.length();
            words++;
            if (!core.equals(token) && !continuesAfter(core, token)) {
                boolean comma = token.charAt(core.length()) == ',';
                return new Run(text.substring(0, end), comma, tokens.end(), true);
            }
        }
        if (end < 0) {
            return null;
        }
        return new Run(text.substring(0, end), false, end, text.substring(end).isBlank());
    }

    /** "J.P." and "St." keep going; "Lisbon." and "Acme," end the run. */
    private static boolean continuesAfter(String core, String token) {
        String punctuation = token.substring(core.length());
        boolean onlyDot = punctuation.equals(".");
        return onlyDot && (core.contains(".") || DOTTED_SHORTHAND.contains(core.toLowerCase(Locale.ROOT)));
    }

    private record Run(String value, boolean endedAtComma, int resumeAt, boolean atClauseEnd) {
    }
}
