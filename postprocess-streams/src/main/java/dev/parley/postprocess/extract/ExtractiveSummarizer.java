package dev.parley.postprocess.extract;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The default {@link Summarizer}: keeps the most informative sentences of the turns, in their original order.
 *
 * <p>Each sentence scores the summed frequency, across all the turns, of its distinct significant words divided by
 * the square root of their number (recurring topics win, long sentences gain only slowly), weighted ×1.5 for a
 * user question, ×1.2 for another user sentence, ×1.3 for the first sentence of a reply. Sentences without a
 * significant word ("Sure!", "Thanks") are never kept. The best sentences are taken greedily while the turns still
 * fit, and written one line per turn as {@code User: … / Assistant: …}. The previous summary goes first; when
 * both do not fit, the new turns get at least two thirds of {@code maxChars} and the previous summary loses its
 * oldest lines first. Same input, same output: no clock, no randomness, no hash order.
 */
public final class ExtractiveSummarizer implements Summarizer {

    public static final String ID = "extractive";
    static final int MAX_SENTENCE_CHARS = 240;

    private static final double USER_QUESTION_WEIGHT = 1.5;
    private static final double USER_WEIGHT = 1.2;
    private static final double FIRST_REPLY_SENTENCE_WEIGHT = 1.3;
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
        String fresh = digest(turns == null ? List.of() : turns, Math.max(0, maxChars - reserved));
        return merge(previous, fresh, maxChars);
    }

    private record Candidate(int index, int turn, boolean fromUser, String text, double weight, double score) {

        Candidate scored(double relevance) {
            return new Candidate(index, turn, fromUser, text, weight, weight * relevance);
        }
    }

    private static String digest(List<SummaryTurn> turns, int budget) {
        List<Candidate> candidates = candidates(turns);
        List<Candidate> byScore = new ArrayList<>(candidates);
        byScore.sort(Comparator.comparingDouble(Candidate::score).reversed()
                .thenComparingInt(Candidate::index));
        Set<Candidate> chosen = new TreeSet<>(Comparator.comparingInt(Candidate::index));
        for (Candidate candidate : byScore) {
            if (candidate.score() <= 0) {
                break;
            }
            chosen.add(candidate);
            if (render(chosen).length() > budget) {
                chosen.remove(candidate);
            }
        }
        return render(chosen);
    }

    private static List<Candidate> candidates(List<SummaryTurn> turns) {
        List<Candidate> unscored = new ArrayList<>();
        for (int t = 0; t < turns.size(); t++) {
            SummaryTurn turn = turns.get(t);
            addSentences(unscored, t, true, turn.userText());
            addSentences(unscored, t, false, turn.assistantText());
        }
        Map<String, Integer> frequencies = termFrequencies(unscored);
        List<Candidate> scored = new ArrayList<>();
        for (Candidate c : unscored) {
            scored.add(c.scored(relevance(c, frequencies)));
        }
        return scored;
    }

    /** Adds the sentences of one side of a turn with their role weight; they are scored once all are known. */
    private static void addSentences(List<Candidate> into, int turn, boolean fromUser, String text) {
        List<String> sentences = Sentences.split(text);
        for (int i = 0; i < sentences.size(); i++) {
            String sentence = sentences.get(i);
            double weight = fromUser
                    ? sentence.endsWith("?") ? USER_QUESTION_WEIGHT : USER_WEIGHT
                    : i == 0 ? FIRST_REPLY_SENTENCE_WEIGHT : 1.0;
            String capped = Text.capWithEllipsis(sentence, MAX_SENTENCE_CHARS);
            into.add(new Candidate(into.size(), turn, fromUser, capped, weight, 0));
        }
    }

    private static Map<String, Integer> termFrequencies(List<Candidate> candidates) {
        Map<String, Integer> frequencies = new HashMap<>();
        for (Candidate c : candidates) {
            for (String stem : ContentWords.tokens(c.text())) {
                frequencies.merge(stem, 1, Integer::sum);
            }
        }
        return frequencies;
    }

    private static double relevance(Candidate candidate, Map<String, Integer> frequencies) {
        Set<String> stems = ContentWords.of(candidate.text());
        if (stems.isEmpty()) {
            return 0;
        }
        long sum = 0;
        for (String stem : stems) {
            sum += frequencies.get(stem);
        }
        return sum / Math.sqrt(stems.size());
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
