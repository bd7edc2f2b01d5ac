package dev.parley.postprocess.extract;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the stable facts a user states about themselves ("my name is Ada", "I live in Lisbon") as lower-case keys.
 *
 * <p>Keys: {@code name}, {@code location}, {@code occupation}, {@code employer}, {@code pronouns} and
 * {@code favorite_<thing>}, in that order, favourites in order of first mention. Rules: only first-person present
 * statements count ("I don't live in…", "I used to be…", "my sister's name is…" do not); questions, quotes and
 * hypotheticals ("if I were a doctor", "pretend I'm…") are skipped; names, places and employers must be capitalised
 * (except after the explicit "my name is"); "I'm a/an X" is an occupation only when X's head noun is a known job
 * and not judged ("a terrible cook"); "I'm X" is a name only when X is capitalised and not a known non-name
 * ("I'm English", "I'm Happy"); when the text states a key twice the later statement wins. Values lose trailing
 * punctuation and filler ("now", "btw") and are capped at {@value #MAX_VALUE_CHARS} characters.
 */
public final class FactExtractor {

    public static final int MAX_VALUE_CHARS = 60;

    private static final List<String> KEY_ORDER = List.of("name", "location", "occupation", "employer", "pronouns");
    private static final int FLAGS = Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE;
    private static final String NOT_IN_WORD = "(?<![\\p{L}'])";
    private static final String I_AM = NOT_IN_WORD + "(?:i'm|im|i am)\\s+";
    private static final String I_WORK = NOT_IN_WORD
            + "(?:i\\s+(?:currently\\s+|now\\s+)?work|(?:i'm|im|i\\s+am)\\s+(?:currently\\s+|now\\s+)?working"
            + "|(?:i'm|im|i\\s+am)\\s+employed)";

    private static final Pattern NAME_STATED = Pattern.compile("\\bmy\\s+name(?:'s|\\s+is)\\s+", FLAGS);
    private static final Pattern NAME_CALL_ME = Pattern.compile("\\b(?:call\\s+me|i\\s+go\\s+by)\\s+", FLAGS);
    private static final Pattern NAME_SPEAKING = Pattern.compile("\\bthis\\s+is\\s+(.+?)\\s+(?:speaking|here)\\b",
            FLAGS);
    private static final Pattern NAME_I_AM = Pattern.compile(I_AM, FLAGS);
    private static final Pattern RESIDENCE = Pattern.compile(NOT_IN_WORD
            + "(?:i|i'm|im|i\\s+am|i've)\\s+(?:(?:currently|now|actually)\\s+)?"
            + "(?:live|living|reside|residing|based|located|moved\\s+to|relocated\\s+to)\\s+(?:in\\s+|at\\s+)?",
            FLAGS);
    private static final Pattern ORIGIN = Pattern.compile(NOT_IN_WORD
            + "(?:i|i'm|im|i\\s+am)\\s+(?:(?:originally|actually)\\s+)?(?:from|come\\s+from)\\s+", FLAGS);
    private static final Pattern OCCUPATION_STATED = Pattern.compile("(?:" + I_WORK
            + "(?:\\s+(?:at|for)\\s+[^,;.!?]*?)?\\s+as|\\bmy\\s+(?:job(?:\\s+title)?|occupation|profession)\\s+is)\\s+",
            FLAGS);
    private static final Pattern OCCUPATION_I_AM = Pattern.compile(
            I_AM + "(?:(?:currently|now|actually|also)\\s+)?(?:a|an|the)\\s+", FLAGS);
    private static final Pattern EMPLOYER = Pattern.compile(
            I_WORK + "(?:\\s+as\\s+[^,;.!?]*?)?\\s+(?:at|for|by)\\s+", FLAGS);
    private static final Pattern EMPLOYER_AFTER_JOB = Pattern.compile("^\\s+(?:at|for|with|of)\\s+", FLAGS);
    private static final Pattern PRONOUNS = Pattern.compile(
            "\\b(?:my\\s+pronouns\\s+are\\s+|pronouns\\s*[:=]\\s*|i\\s+use\\s+|i\\s+go\\s+by\\s+)"
                    + "([a-z]+(?:\\s*/\\s*[a-z]+){1,2})\\b", FLAGS);
    private static final Pattern FAVORITE = Pattern.compile(
            "\\bmy\\s+(?:all[- ]time\\s+)?(?:favou?rite|fave|fav)\\s+"
                    + "(\\p{L}[\\p{L}-]*(?:\\s+\\p{L}[\\p{L}-]*){0,2}?)(?:'s|\\s+is|\\s+are)\\s+", FLAGS);

    private static final Pattern CLAUSE_END = Pattern.compile(
            "[,;:!?()\\[\\]\u2014\u2013]|\\.(?:\\s|$)|\\s-\\s"
                    + "|\\s+(?:and|but|so|or)\\s+(?:i|i'm|im|i've|i'd|my|it|it's|that|you)\\b"
                    + "|\\s+(?:because|since|though|although|while|whereas|which|who|btw|by\\s+the\\s+way|lol|haha)\\b",
            FLAGS);
    private static final Pattern TRAILING_FILLER = Pattern.compile(
            "(?:\\s+(?:now|currently|btw|lol|haha|too|though|actually|anyway|anyways|nowadays|these\\s+days"
                    + "|at\\s+the\\s+moment|right\\s+now|for\\s+now|by\\s+the\\s+way))+$", FLAGS);
    private static final Pattern PHRASE_END = Pattern.compile(
            "\\s+(?:at|for|in|with|from|by|on|since|and|but|so|or|who|which|because|where|when|while|until|to"
                    + "|of|here|there|now|currently)\\b", FLAGS);
    private static final Pattern LEADING_ARTICLE = Pattern.compile("^(?:a|an|the)\\s+");
    private static final Pattern SCENARIO = Pattern.compile(
            "\\b(?:imagine|pretend|pretending|hypothetically|roleplay|role-play|let's\\s+say|as\\s+though|someday"
                    + "|one\\s+day)\\b", FLAGS);
    private static final Pattern CONDITION = Pattern.compile(
            "\\b(?:if|suppose|supposing|assuming|assume|wish|unless|whether|say\\s+that)\\b", FLAGS);
    private static final Pattern CLAUSE_BREAK = Pattern.compile("[,;:\u2014\u2013]");
    private static final Pattern NEGATED_BEFORE = Pattern.compile(
            "\\b(?:don't|do\\s+not|never|not|doesn't|won't|stop)\\s+$", FLAGS);
    private static final Set<String> NOT_A_SURNAME = Set.of("i", "im", "and", "but", "so", "from", "here", "too");
    private static final Set<String> QUESTION_OPENERS = Set.of(
            "am", "is", "are", "was", "were", "do", "does", "did", "can", "could", "should", "would", "will",
            "shall", "have", "has", "had", "what", "what's", "who", "who's", "where", "where's", "when", "why",
            "how", "which", "whose", "isn't", "aren't", "don't", "doesn't", "didn't", "won't", "wouldn't");

    public Map<String, String> extract(String userText) {
        Map<String, String> facts = new HashMap<>();
        Map<String, String> favorites = new LinkedHashMap<>();
        for (String sentence : Sentences.split(userText)) {
            if (!isQuestion(sentence)) {
                read(sentence, facts, favorites);
            }
        }
        return ordered(facts, favorites);
    }

    private static void read(String sentence, Map<String, String> facts, Map<String, String> favorites) {
        put(facts, "name", name(sentence));
        put(facts, "location", firstNonNull(location(sentence, RESIDENCE), location(sentence, ORIGIN)));
        put(facts, "occupation", occupation(sentence));
        put(facts, "employer", employer(sentence));
        put(facts, "pronouns", lastValid(PRONOUNS, sentence, FactExtractor::pronouns));
        readFavorites(sentence, favorites);
    }

    private static Map<String, String> ordered(Map<String, String> facts, Map<String, String> favorites) {
        Map<String, String> ordered = new LinkedHashMap<>();
        for (String key : KEY_ORDER) {
            if (facts.containsKey(key)) {
                ordered.put(key, facts.get(key));
            }
        }
        ordered.putAll(favorites);
        return ordered;
    }

    private static String name(String sentence) {
        return firstNonNull(
                lastValid(NAME_STATED, sentence, m -> statedName(rest(sentence, m))),
                lastValid(NAME_CALL_ME, sentence, m -> calledName(sentence, m)),
                lastValid(NAME_SPEAKING, sentence, m -> wholeName(m.group(1))),
                lastValid(NAME_I_AM, sentence, m -> introducedName(rest(sentence, m))));
    }

    /** After the explicit "my name is" any casing is trusted; lower-case names are taken as typed. */
    private static String statedName(String rest) {
        String capitalised = ProperNouns.leading(rest, ProperNouns.NAME_PARTICLES, false);
        if (capitalised != null) {
            return looksLikeName(capitalised) ? capitalised : null;
        }
        String clause = clause(rest);
        String[] words = clause.split("\\s+");
        if (words.length == 0 || words[0].equalsIgnoreCase("not") || !words[0].matches("\\p{L}[\\p{L}'-]*")) {
            return null;
        }
        boolean surname = words.length > 1 && words[1].matches("\\p{L}[\\p{L}'-]*")
                && !NOT_A_SURNAME.contains(words[1].toLowerCase(Locale.ROOT));
        return surname ? words[0] + " " + words[1] : words[0];
    }

    private static String calledName(String sentence, Matcher m) {
        if (NEGATED_BEFORE.matcher(sentence.substring(0, m.start())).find()) {
            return null;
        }
        String name = ProperNouns.leading(rest(sentence, m), ProperNouns.NAME_PARTICLES, false);
        return name != null && looksLikeName(name) ? name : null;
    }

    private static String wholeName(String candidate) {
        String name = ProperNouns.leading(candidate, ProperNouns.NAME_PARTICLES, false);
        return name != null && name.equals(candidate.strip()) && looksLikeName(name) ? name : null;
    }

    /** "I'm Ada Lovelace" names only when the name ends the clause: "I'm Working on it" does not. */
    private static String introducedName(String rest) {
        String name = ProperNouns.leading(rest, ProperNouns.NAME_PARTICLES, false);
        if (name == null || !rest.startsWith(name) || !looksLikeName(name)) {
            return null;
        }
        String after = rest.substring(name.length());
        return after.isBlank() || after.matches("(?is)^(?:[,.;:!?)]|\\s+-|\\s+(?:and|but|from|here|btw)\\b).*")
                ? name : null;
    }

    private static boolean looksLikeName(String name) {
        String[] words = name.split("\\s+");
        String first = words[0].toLowerCase(Locale.ROOT);
        if (FactVocabulary.NOT_NAMES.contains(first) || first.endsWith("ing") || first.endsWith("ed")) {
            return false;
        }
        for (String word : words) {
            boolean particle = ProperNouns.NAME_PARTICLES.contains(word);
            if (!particle && !word.matches("\\p{Lu}(?:'\\p{Lu})?\\p{Ll}[\\p{L}'-]*")) {
                return false;
            }
        }
        return true;
    }

    private static String location(String sentence, Pattern pattern) {
        return lastValid(pattern, sentence,
                m -> ProperNouns.leading(rest(sentence, m), ProperNouns.PLACE_CONNECTORS, true));
    }

    private static String occupation(String sentence) {
        return firstNonNull(
                lastValid(OCCUPATION_STATED, sentence, m -> jobPhrase(rest(sentence, m))),
                lastValid(OCCUPATION_I_AM, sentence, m -> knownJob(jobPhrase(rest(sentence, m)))));
    }

    private static String employer(String sentence) {
        return firstNonNull(
                lastValid(EMPLOYER, sentence, m -> organisation(rest(sentence, m))),
                lastValid(OCCUPATION_I_AM, sentence, m -> employerAfterJob(rest(sentence, m))));
    }

    /** The words up to the first preposition or clause break, article dropped: "a nurse at X" → "nurse". */
    private static String jobPhrase(String rest) {
        String clause = clause(rest);
        Matcher end = PHRASE_END.matcher(clause);
        String phrase = end.find() ? clause.substring(0, end.start()) : clause;
        phrase = LEADING_ARTICLE.matcher(phrase.strip()).replaceFirst("");
        return phrase.isBlank() || phrase.split("\\s+").length > 5 ? null : phrase;
    }

    private static String knownJob(String phrase) {
        if (phrase == null) {
            return null;
        }
        String[] words = phrase.toLowerCase(Locale.ROOT).split("\\s+");
        if (words.length > 4) {
            return null;
        }
        for (int i = 0; i < words.length - 1; i++) {
            if (FactVocabulary.NOT_A_CURRENT_JOB.contains(words[i])) {
                return null;
            }
        }
        String head = words[words.length - 1];
        String lastPart = head.substring(head.lastIndexOf('-') + 1);
        return FactVocabulary.OCCUPATIONS.contains(lastPart) ? phrase : null;
    }

    /** "I'm a nurse at St Mary's" names the employer as well as the job. */
    private static String employerAfterJob(String rest) {
        String job = knownJob(jobPhrase(rest));
        if (job == null) {
            return null;
        }
        String afterJob = rest.substring(rest.indexOf(job) + job.length());
        Matcher preposition = EMPLOYER_AFTER_JOB.matcher(afterJob);
        return preposition.find() ? organisation(afterJob.substring(preposition.end())) : null;
    }

    private static String organisation(String rest) {
        return ProperNouns.leading(rest, ProperNouns.PLACE_CONNECTORS, false);
    }

    private static String pronouns(Matcher m) {
        String set = m.group(1).toLowerCase(Locale.ROOT).replaceAll("\\s+", "");
        return FactVocabulary.PRONOUN_SUBJECTS.contains(set.substring(0, set.indexOf('/'))) ? set : null;
    }

    private static void readFavorites(String sentence, Map<String, String> favorites) {
        Matcher m = FAVORITE.matcher(sentence);
        while (m.find()) {
            String value = favoriteValue(rest(sentence, m));
            if (value != null && !isHypothetical(sentence, m.start())) {
                favorites.put(favoriteKey(m.group(1)), capped(value));
            }
        }
    }

    private static String favoriteKey(String thing) {
        return "favorite_" + thing.toLowerCase(Locale.ROOT).strip().replaceAll("[\\s-]+", "_");
    }

    private static String favoriteValue(String rest) {
        String value = LEADING_ARTICLE.matcher(clause(rest)).replaceFirst("");
        boolean denied = value.matches("(?is)^(?:not|no|none|nothing)\\b.*");
        return value.isBlank() || denied ? null : value;
    }

    private static String lastValid(Pattern pattern, String sentence, Function<Matcher, String> value) {
        Matcher m = pattern.matcher(sentence);
        String last = null;
        while (m.find()) {
            if (isHypothetical(sentence, m.start())) {
                continue;
            }
            String candidate = value.apply(m);
            if (candidate != null && !candidate.isBlank()) {
                last = capped(candidate);
            }
        }
        return last;
    }

    /**
     * Role-play and quoted speech state nothing about the user anywhere in the sentence; a condition only within
     * its own clause, so "If I were a nurse" is skipped but "If it helps, I'm a nurse" is not.
     */
    private static boolean isHypothetical(String sentence, int matchStart) {
        String before = sentence.substring(0, matchStart);
        boolean quoted = before.chars().filter(c -> c == '"').count() % 2 == 1;
        return quoted || SCENARIO.matcher(before).find() || CONDITION.matcher(currentClause(before)).find();
    }

    private static String currentClause(String before) {
        Matcher breaks = CLAUSE_BREAK.matcher(before);
        int start = 0;
        while (breaks.find()) {
            start = breaks.end();
        }
        return before.substring(start);
    }

    private static boolean isQuestion(String sentence) {
        if (!sentence.endsWith("?")) {
            return false;
        }
        String first = sentence.split("[\\s,]+", 2)[0].toLowerCase(Locale.ROOT);
        return QUESTION_OPENERS.contains(first);
    }

    private static String clause(String rest) {
        Matcher end = CLAUSE_END.matcher(rest);
        String clause = end.find() ? rest.substring(0, end.start()) : rest;
        return Text.trimPunctuation(TRAILING_FILLER.matcher(clause.strip()).replaceFirst(""));
    }

    private static String rest(String sentence, Matcher m) {
        return sentence.substring(m.end());
    }

    private static String capped(String value) {
        return Text.cap(Text.trimPunctuation(value), MAX_VALUE_CHARS);
    }

    private static void put(Map<String, String> facts, String key, String value) {
        if (value != null) {
            facts.put(key, value);
        }
    }

    @SafeVarargs
    private static <T> T firstNonNull(T... candidates) {
        for (T candidate : candidates) {
            if (candidate != null) {
                return candidate;
            }
        }
        return null;
    }
}
