package dev.parley.postprocess.extract;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The default {@link Summarizer}: keeps the most informative sentences of the turns, in their original order.
 *
 * <p>A summary is shorter than what it summarises: the new turns get at most a third of their own length
 * ({@link #COMPRESSION}, never less than {@link #MIN_DIGEST_CHARS}), and never more than {@code maxChars}. Sentences
 * come from the JDK's sentence iterator ({@link Sentences}), simulator directive lines excluded. A significant word
 * weighs its frequency across the turns (half for a word said once) times the log of how rare it is among the
 * sentences (TF-ISF: recurring topics win, words in every sentence do not). A sentence scores its words' weights over
 * the square root of their number (long sentences gain only slowly), ×1.5 for a user question, ×1.2 for another user
 * sentence, ×1.3 for the first sentence of a reply. Sentences are taken best first while they fit, each turn's best
 * before any turn's second (a summary covers the whole exchange); each one taken halves the weight of its words, so the next pick says something else, and a sentence that mostly repeats one its
 * speaker already has in the summary is dropped. Sentences without a significant word ("Sure!", "Thanks") are never
 * kept, nor, beyond each turn's best, those scoring under a quarter of the best one. They are written one line per turn as
 * {@code User: … / Assistant: …}. The previous summary goes first; when both do not fit, the new turns get at least
 * two thirds of {@code maxChars} and the previous summary loses its oldest lines first. Same input, same output: no
 * clock, no randomness, no hash order.
 */
public final class ExtractiveSummarizer implements Summarizer {

    public static final String ID = "extractive";
    static final int MAX_SENTENCE_CHARS = 240;
    /** The new turns' digest is at most this share of their sentences' length. */
    static final double COMPRESSION = 1.0 / 3;
    /** ... but may always use this much, so a short exchange still keeps a sentence or two. */
    static final int MIN_DIGEST_CHARS = 160;

    private static final double USER_QUESTION_WEIGHT = 1.5;
    private static final double USER_WEIGHT = 1.2;
    private static final double FIRST_REPLY_SENTENCE_WEIGHT = 1.3;
    /** What a word still weighs after a chosen sentence used it: the summary moves on to other words. */
    private static final double REUSED_WORD_DECAY = 0.5;
    /** Shared words over all words of two sentences from which the second restates the first. */
    private static final double RESTATEMENT_OVERLAP = 0.6;
    /** A sentence scoring under this share of the best one is filler next to what the turns are about. */
    private static final double MIN_RELATIVE_SCORE = 0.25;
    /** A word said once in all the turns is less likely their topic than one that recurs. */
    private static final double SINGLE_USE_WEIGHT = 0.5;
    private static final String ELLIPSIS = "\u2026";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String summarize(String previousSummary, List<SummaryTurn> turns, int maxChars) {
        if (maxChars < 1) {
            throw new IllegalArgumentException("maxChars must be at least 1, got " + maxChars);
        }
        String previous = previousSummary == null ? "" : previousSummary.strip();
        int reserved = previous.isEmpty() ? 0 : Math.min(previous.length(), maxChars / 3) + 1;
        String fresh = digest(candidates(turns == null ? List.of() : turns), Math.max(0, maxChars - reserved));
        return merge(previous, fresh, maxChars);
    }

    /** A sentence, where it was said, its role weight and its distinct significant words. */
    private record Candidate(int index, int turn, boolean fromUser, String text, double weight, Set<String> words) {
    }

    private static String digest(List<Candidate> candidates, int room) {
        int sourceChars = candidates.stream().mapToInt(c -> c.text().length() + 1).sum();
        int budget = Math.min(room, Math.max(MIN_DIGEST_CHARS, (int) (sourceChars * COMPRESSION)));
        Map<String, Double> weights = wordWeights(candidates);
        List<Candidate> remaining = new ArrayList<>(candidates);
        Set<Candidate> chosen = new TreeSet<>(Comparator.comparingInt(Candidate::index));
        double floor = 0;
        for (Candidate best = next(remaining, chosen, weights, floor); best != null;
                best = next(remaining, chosen, weights, floor)) {
            floor = Math.max(floor, MIN_RELATIVE_SCORE * score(best, weights));
            remaining.remove(best);
            chosen.add(best);
            if (render(chosen).length() > budget) {
                chosen.remove(best);
            } else {
                best.words().forEach(word -> weights.computeIfPresent(word, (w, v) -> v * REUSED_WORD_DECAY));
            }
        }
        return render(chosen);
    }

    /**
     * The sentence to try next: the best of a turn the summary lacks, else the best above {@code floor}; null when
     * none is left.
     */
    private static Candidate next(List<Candidate> remaining, Set<Candidate> chosen, Map<String, Double> weights,
                                  double floor) {
        remaining.removeIf(c -> chosen.stream().anyMatch(kept -> restates(c, kept)));
        Set<Integer> represented = chosen.stream().map(Candidate::turn).collect(Collectors.toSet());
        Candidate best = best(remaining.stream().filter(c -> !represented.contains(c.turn())).toList(), weights, 0);
        return best != null ? best : best(remaining, weights, floor);
    }

    /** The same speaker saying mostly the same words again (a reply that restates itself) adds nothing. */
    private static boolean restates(Candidate candidate, Candidate kept) {
        if (candidate.fromUser() != kept.fromUser() || candidate.words().isEmpty()) {
            return false;
        }
        Set<String> shared = new HashSet<>(candidate.words());
        shared.retainAll(kept.words());
        Set<String> all = new HashSet<>(candidate.words());
        all.addAll(kept.words());
        return shared.size() >= RESTATEMENT_OVERLAP * all.size();
    }

    /** The highest-scoring candidate (the earliest on a tie), or null when none scores above {@code floor} and 0. */
    private static Candidate best(List<Candidate> candidates, Map<String, Double> weights, double floor) {
        Candidate best = null;
        double bestScore = Math.max(floor, Double.MIN_VALUE);
        for (Candidate c : candidates) {
            double score = score(c, weights);
            if (score > bestScore) {
                best = c;
                bestScore = score;
            }
        }
        return best;
    }

    private static double score(Candidate candidate, Map<String, Double> weights) {
        if (candidate.words().isEmpty()) {
            return 0;
        }
        double sum = 0;
        for (String word : candidate.words()) {
            sum += weights.get(word);
        }
        return candidate.weight() * sum / Math.sqrt(candidate.words().size());
    }

    private static List<Candidate> candidates(List<SummaryTurn> turns) {
        List<Candidate> candidates = new ArrayList<>();
        for (int t = 0; t < turns.size(); t++) {
            SummaryTurn turn = turns.get(t);
            addSentences(candidates, t, true, turn.userText());
            addSentences(candidates, t, false, turn.assistantText());
        }
        return candidates;
    }

    /** Adds the sentences of one side of a turn with their role weight and words. */
    private static void addSentences(List<Candidate> into, int turn, boolean fromUser, String text) {
        List<String> sentences = Sentences.split(text);
        for (int i = 0; i < sentences.size(); i++) {
            String sentence = sentences.get(i);
            double weight = fromUser
                    ? sentence.endsWith("?") ? USER_QUESTION_WEIGHT : USER_WEIGHT
                    : i == 0 ? FIRST_REPLY_SENTENCE_WEIGHT : 1.0;
            String capped = Text.capWithEllipsis(sentence, MAX_SENTENCE_CHARS);
            into.add(new Candidate(into.size(), turn, fromUser, capped, weight, ContentWords.of(capped)));
        }
    }

    /**
     * TF-ISF: a word's count over all the sentences (half of one for a word said once) times log(1 + sentences /
     * sentences containing it).
     */
    private static Map<String, Double> wordWeights(List<Candidate> candidates) {
        Map<String, Integer> counts = new HashMap<>();
        Map<String, Integer> sentencesWith = new HashMap<>();
        for (Candidate c : candidates) {
            ContentWords.tokens(c.text()).forEach(word -> counts.merge(word, 1, Integer::sum));
            c.words().forEach(word -> sentencesWith.merge(word, 1, Integer::sum));
        }
        Map<String, Double> weights = new HashMap<>();
        counts.forEach((word, count) ->
                weights.put(word, (count == 1 ? SINGLE_USE_WEIGHT : count)
                        * Math.log(1 + (double) candidates.size() / sentencesWith.get(word))));
        return weights;
    }

    private static String render(Set<Candidate> chosen) {
        StringBuilder out = new StringBuilder();
        List<Candidate> ordered = new ArrayList<>(chosen);
        int i = 0;
        while (i < ordered.size()) {
            int turn = ordered.get(i).turn();
            List<Candidate> line = new ArrayList<>();
            while (i < ordered.size() && ordered.get(i).turn() == turn) {
                line.add(ordered.get(i++));
            }
            if (out.length() > 0) {
                out.append('\n');
            }
            out.append(renderTurn(line));
        }
        return out.toString();
    }

    private static String renderTurn(List<Candidate> line) {
        StringBuilder user = new StringBuilder();
        StringBuilder assistant = new StringBuilder();
        for (Candidate c : line) {
            StringBuilder side = c.fromUser() ? user : assistant;
            side.append(side.length() == 0 ? "" : " ").append(c.text());
        }
        if (user.length() == 0) {
            return "Assistant: " + assistant;
        }
        return assistant.length() == 0 ? "User: " + user : "User: " + user + " / Assistant: " + assistant;
    }

    private static String merge(String previous, String fresh, int maxChars) {
        if (fresh.isEmpty()) {
            return newestPart(previous, maxChars);
        }
        String kept = newestPart(previous, maxChars - fresh.length() - 1);
        return kept.isEmpty() ? fresh : kept + "\n" + fresh;
    }

    /** The end of {@code text} within {@code room}: whole lines if possible, else the tail of the last line. */
    private static String newestPart(String text, int room) {
        if (text.length() <= room) {
            return text;
        }
        if (room < 2) {
            return "";
        }
        for (int newline = text.indexOf('\n'); newline >= 0; newline = text.indexOf('\n', newline + 1)) {
            if (text.length() - newline - 1 <= room) {
                return text.substring(newline + 1);
            }
        }
        int start = text.length() - (room - ELLIPSIS.length());
        int wordStart = text.indexOf(' ', start);
        String tail = wordStart >= 0 ? text.substring(wordStart + 1) : text.substring(start);
        return tail.isEmpty() ? "" : ELLIPSIS + tail;
    }
}
