package dev.parley.postprocess.extract;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The significant words of a text: lower-cased, stemmed, at least four letters, stop words and time words dropped. */
final class ContentWords {

    static final int MIN_LENGTH = 4;

    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+(?:'[\\p{L}]+)?");

    /**
     * Function words, pleasantries, and the words every promise, reminder and schedule shares: without the last,
     * "I'll remind you tomorrow" would match every other reminder.
     */
    private static final Set<String> STOP_WORDS = Set.of(
            "about", "above", "after", "again", "against", "also", "although", "always", "another", "anything",
            "anyway", "around", "because", "been", "before", "being", "below", "between", "both", "cannot", "could",
            "does", "doing", "done", "down", "during", "each", "either", "else", "enough", "even", "ever", "every",
            "everything", "from", "further", "going", "gonna", "have", "having", "hello", "here", "hers", "herself",
            "himself", "into", "itself", "just", "know", "like", "made", "make", "many", "maybe", "might", "mine",
            "more", "most", "much", "must", "myself", "need", "never", "next", "none", "nothing", "okay", "once",
            "only", "other", "ours", "ourselves", "over", "please", "quite", "rather", "really", "right", "said",
            "same", "should", "since", "some", "something", "soon", "still", "such", "sure", "than", "thank",
            "thanks", "that", "their", "theirs", "them", "themselves", "then", "there", "these", "they", "thing",
            "things", "think", "this", "those", "though", "through", "thus", "till", "under", "unless", "until",
            "upon", "very", "want", "well", "were", "what", "whatever", "when", "where", "whether", "which", "while",
            "will", "with", "within", "without", "would", "yeah", "your", "yours", "yourself", "yourselves",
            "actually", "later", "promise", "promised", "remind", "reminder", "reminding", "follow",
            "following", "followup", "back", "send", "sent", "sending", "today", "tonight", "tomorrow", "morning",
            "afternoon", "evening", "night", "week", "weekend", "month", "hour", "minute", "time", "monday",
            "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "noon", "midnight", "getting",
            "great", "good", "nice", "lovely", "glad", "happy", "sorry", "hope", "help", "awesome", "cool",
            "welcome");

    private ContentWords() {
    }

    /** Stems in order of first appearance, each once. */
    static Set<String> of(String text) {
        return new LinkedHashSet<>(tokens(text));
    }

    /** Stems in text order, repeats kept, for term frequencies. */
    static List<String> tokens(String text) {
        List<String> stems = new ArrayList<>();
        if (text == null) {
            return stems;
        }
        Matcher words = WORD.matcher(Text.normalize(text).toLowerCase(Locale.ROOT));
        while (words.find()) {
            String word = withoutPossessive(words.group());
            // Contractions ("we're", "didn't") are function words however long they are.
            if (word.length() < MIN_LENGTH || word.indexOf('\'') >= 0 || STOP_WORDS.contains(word)) {
                continue;
            }
            String stem = stem(word);
            if (!STOP_WORDS.contains(stem)) {
                stems.add(stem);
            }
        }
        return stems;
    }

    /**
     * A deliberately small stemmer (plural s, ies, ing, ed, doubled consonants, final e) so that "invoices" and
     * "planning" meet "invoice" and "plan"; anything smarter would need a dictionary.
     */
    static String stem(String word) {
        return withoutFinalE(withoutSuffix(word));
    }

    private static String withoutSuffix(String word) {
        if (word.endsWith("ies") && word.length() > 4) {
            return word.substring(0, word.length() - 3) + "y";
        }
        if (word.endsWith("ing") && word.length() >= 6) {
            return undouble(word.substring(0, word.length() - 3));
        }
        if (word.endsWith("ed") && word.length() >= 5) {
            return undouble(word.substring(0, word.length() - 2));
        }
        if (word.endsWith("s") && !word.endsWith("ss") && !word.endsWith("us") && !word.endsWith("is")) {
            return word.substring(0, word.length() - 1);
        }
        return word;
    }

    /** "price", "priced" and "pricing" all become "pric". */
    private static String withoutFinalE(String stem) {
        return stem.length() >= 5 && stem.endsWith("e") ? stem.substring(0, stem.length() - 1) : stem;
    }

    private static String withoutPossessive(String word) {
        return word.endsWith("'s") ? word.substring(0, word.length() - 2) : word;
    }

    /** "planning" → "plann" → "plan"; l, s, z and f stay doubled because "call", "miss", "buzz", "staff" do. */
    private static String undouble(String stem) {
        int n = stem.length();
        if (n >= 3 && stem.charAt(n - 1) == stem.charAt(n - 2) && "lszf".indexOf(stem.charAt(n - 1)) < 0
                && "aeiou".indexOf(stem.charAt(n - 1)) < 0) {
            return stem.substring(0, n - 1);
        }
        return stem;
    }
}
