package dev.parley.postprocess.extract;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rule-based {@link CommitmentExtractor}: fast, deterministic, no model. Finds the promises an assistant makes
 * in a reply ("I'll remind you tomorrow at 9am") and when they fall due.
 *
 * <p>A sentence is a promise when it has a first-person future ("I'll", "I will", "I shall", "I'm going to",
 * "I promise to", "let me get back to you / follow up") and none of these hold:
 * <ul>
 *   <li>it is a question (tag questions too: "I'll send it tomorrow, okay?"), or the future is negated
 *       ("I'll never", "I will not") or hedged ("maybe I'll");</li>
 *   <li>it is a conditional offer: a condition before the promise ("If you want, I'll remind you") or an
 *       "if you like/want" after it. An offer binds nothing until the user accepts, and the reply that confirms
 *       it carries the promise; a condition on the world ("I'll follow up tomorrow if I hear nothing") is kept;</li>
 *   <li>it talks about the reply itself: a colon opening content ("I'll explain: …"), "below", "as follows",
 *       "now"/"first"/"briefly" right after the verb, or "I'll be …" ("be honest", "be glad to help");</li>
 *   <li>no time is stated and the verb is one that is done within the reply (explain, list, assume, show,
 *       write, help, keep in mind…) unless it also says it will get back, follow up, remind, let you know.</li>
 * </ul>
 * The text is the whole sentence (list markers and emphasis stripped) capped at {@value CommitmentExtractor#MAX_TEXT_CHARS}
 * characters; the due time is resolved in UTC from the reply's timestamp (see {@link #extract}).
 */
public final class RuleBasedCommitmentExtractor implements CommitmentExtractor {

    /** Its {@link #id()}, also the PARLEY_COMMITMENT_EXTRACTOR value that picks it. */
    public static final String ID = "rules";

    private static final int FLAGS = Pattern.CASE_INSENSITIVE;
    private static final Pattern FUTURE = Pattern.compile(
            "(?<![\\p{L}'])(?:i'll|i\\s+will|i\\s+shall|i'm\\s+going\\s+to|i\\s+am\\s+going\\s+to|im\\s+going\\s+to"
                    + "|i\\s+promise\\s+(?:that\\s+)?(?:to|i'll|i\\s+will))\\s+", FLAGS);
    private static final Pattern LET_ME = Pattern.compile(
            "\\blet\\s+me\\s+(?:[\\p{L}']+\\s+){0,6}?(?=(?:get\\s+back\\s+to\\s+you|follow\\s+up|circle\\s+back"
                    + "|remind\\s+you)\\b)", FLAGS);
    private static final Pattern STRONG_PROMISE = Pattern.compile(
            "\\b(?:get\\s+back\\s+to\\s+you|follow\\s+up|circle\\s+back|remind\\s+you|let\\s+you\\s+know"
                    + "|keep\\s+you\\s+(?:posted|updated)|update\\s+you|be\\s+in\\s+touch|check\\s+back|ping\\s+you"
                    + "|reach\\s+out|send\\s+you|email\\s+you|message\\s+you|be\\s+back)\\b", FLAGS);
    private static final Pattern NEGATED = Pattern.compile("^(?:not|never|no\\s+longer)\\b", FLAGS);
    private static final Pattern HEDGED_BEFORE = Pattern.compile(
            "\\b(?:maybe|perhaps|probably|possibly|might|don't\\s+think|not\\s+sure|doubt|hope)\\b", FLAGS);
    private static final Pattern CONDITION_BEFORE = Pattern.compile(
            "\\b(?:if|unless|should\\s+you|in\\s+case|whenever|once\\s+you|when\\s+you|assuming|suppose)\\b", FLAGS);
    private static final Pattern OFFER_AFTER = Pattern.compile(
            "\\b(?:if\\s+you(?:'d|\\s+would)?\\s+(?:like|want|wish|prefer|need)|if\\s+(?:that's|that\\s+is|it's"
                    + "|it\\s+is)\\s+(?:ok|okay|alright|helpful|useful)|if\\s+that\\s+(?:helps|works)"
                    + "|should\\s+you\\s+(?:want|wish|like))\\b", FLAGS);
    private static final Pattern ABOUT_THIS_REPLY = Pattern.compile(
            ":(?!\\d)|\\b(?:below|as\\s+follows|the\\s+following|in\\s+this\\s+(?:reply|answer|response|message|post)"
                    + "|step\\s+by\\s+step|in\\s+a\\s+moment)\\b|^(?:now|first|firstly|briefly|here)\\b", FLAGS);
    private static final Pattern ADVERBS = Pattern.compile(
            "^(?:(?:also|then|just|gladly|happily|definitely|certainly|personally|simply|still|actually|quickly"
                    + "|be\\s+sure\\s+to|make\\s+sure\\s+to|try\\s+to|try\\s+and|go\\s+ahead\\s+and)\\s+)+", FLAGS);
    private static final Set<String> IN_REPLY_VERBS = Set.of(
            "explain", "list", "outline", "describe", "summarize", "summarise", "assume", "answer", "cover", "walk",
            "break", "start", "begin", "show", "give", "provide", "use", "focus", "note", "point", "clarify",
            "elaborate", "illustrate", "demonstrate", "write", "interpret", "treat", "take", "compare", "define",
            "recommend", "suggest", "share", "try", "help", "admit", "say", "mention", "add", "repeat", "keep",
            "remember", "bear", "stop", "leave", "refer", "proceed", "continue", "create", "respond", "reply",
            "translate", "rewrite", "go", "do", "make", "need", "have", "tell", "pretend", "act", "play", "guide");
    private static final Pattern BE_BUT_BACK = Pattern.compile("^be\\s+(?!in\\s+touch\\b|back\\b)", FLAGS);

    private final DueTimeResolver dueTimes = new DueTimeResolver();

    /**
     * The promises in {@code assistantText}, one per sentence, in reply order. Times are resolved in UTC relative
     * to {@code replyTimestampMillis}: "tomorrow" 09:00 unless a time is given; a bare clock time today if still
     * ahead else tomorrow; "tonight" 20:00; "end of day"/"EOD"/"today" 17:00 (never earlier than the reply);
     * "in N minutes/hours/days/weeks"; "next week" +7 days 09:00; a weekday the next such day after today 09:00.
     */
    @Override
    public List<ExtractedCommitment> extract(String assistantText, long replyTimestampMillis) {
        List<ExtractedCommitment> commitments = new ArrayList<>();
        for (String sentence : Sentences.split(assistantText)) {
            Long due = dueTimes.resolve(sentence, replyTimestampMillis);
            if (isPromise(sentence, due != null)) {
                commitments.add(new ExtractedCommitment(Text.cap(sentence, MAX_TEXT_CHARS), due));
            }
        }
        return List.copyOf(commitments);
    }

    @Override
    public String id() {
        return ID;
    }

    private static boolean isPromise(String sentence, boolean timed) {
        // A question, tag questions included ("I'll send it tomorrow, okay?"), asks rather than promises.
        if (sentence.endsWith("?")) {
            return false;
        }
        return anyPromise(FUTURE, sentence, timed) || anyPromise(LET_ME, sentence, timed);
    }

    private static boolean anyPromise(Pattern trigger, String sentence, boolean timed) {
        Matcher m = trigger.matcher(sentence);
        while (m.find()) {
            String before = sentence.substring(0, m.start());
            String action = sentence.substring(m.end()).strip();
            if (isCommitted(before, action) && isFutureAction(action, timed)) {
                return true;
            }
        }
        return false;
    }

    /** Not quoted, negated, hedged or offered on condition. */
    private static boolean isCommitted(String before, String action) {
        boolean quoted = before.chars().filter(c -> c == '"').count() % 2 == 1;
        return !quoted
                && !NEGATED.matcher(action).find()
                && !HEDGED_BEFORE.matcher(before).find()
                && !CONDITION_BEFORE.matcher(before).find()
                && !OFFER_AFTER.matcher(action).find();
    }

    /** Something done after this reply, as opposed to a description of the reply itself. */
    private static boolean isFutureAction(String action, boolean timed) {
        if (ABOUT_THIS_REPLY.matcher(action).find()) {
            return false;
        }
        String verbPhrase = ADVERBS.matcher(action).replaceFirst("");
        if (BE_BUT_BACK.matcher(verbPhrase).find()) {
            return false;
        }
        if (timed || STRONG_PROMISE.matcher(verbPhrase).find()) {
            return true;
        }
        return !IN_REPLY_VERBS.contains(firstWord(verbPhrase));
    }

    private static String firstWord(String phrase) {
        String[] words = phrase.split("[^\\p{L}']+", 2);
        return words.length == 0 ? "" : words[0].toLowerCase(Locale.ROOT);
    }
}
