package dev.parley.worker.simulator;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** The simulator's reply text as tokens: generated deterministically from a prompt, or an exact text split up. */
final class ReplyText {

    /** A few non-ASCII words so every reply also exercises multi-byte UTF-8 on the token path. */
    private static final String[] WORDS = {
        "the", "stream", "token", "kafka", "partition", "reply", "session", "ledger", "offset", "worker",
        "model", "answer", "latency", "record", "topic", "durable", "ordered", "replay", "consumer", "producer",
        "context", "snapshot", "simulated", "gateway", "event", "log", "commit", "exactly", "once", "every",
        "client", "resumes", "quickly", "and", "with", "from", "into", "across", "before", "after",
        "café", "naïve", "über", "façade", "déjà", "vu", "smörgåsbord", "jalapeño", "niño", "piñata",
        "is", "was", "keeps", "moves", "writes", "reads", "sends", "waits", "counts", "holds",
    };

    private ReplyText() {
    }

    /**
     * Words picked by a PRNG seeded with a hash of the prompt, in sentences: the first token has no leading space,
     * every later one is {@code " " + word}, possibly with punctuation. Same prompt and length, same tokens.
     */
    static List<String> generate(String prompt, int tokens) {
        Random random = new Random(seed(prompt));
        List<String> out = new ArrayList<>(tokens);
        int wordsLeftInSentence = 0;
        for (int i = 0; i < tokens; i++) {
            boolean sentenceStart = wordsLeftInSentence == 0;
            if (sentenceStart) {
                wordsLeftInSentence = 4 + random.nextInt(9);
            }
            String word = WORDS[random.nextInt(WORDS.length)];
            if (sentenceStart) {
                word = Character.toUpperCase(word.charAt(0)) + word.substring(1);
            }
            wordsLeftInSentence--;
            if (wordsLeftInSentence == 0 || i == tokens - 1) {
                word += random.nextInt(6) == 0 ? "?" : ".";
                wordsLeftInSentence = 0;
            } else if (wordsLeftInSentence > 2 && random.nextInt(8) == 0) {
                word += ",";
            }
            out.add(i == 0 ? word : " " + word);
        }
        return out;
    }

    /**
     * Splits an exact text into word tokens that keep their leading whitespace, so the tokens concatenate to the
     * very same string (trailing whitespace goes with the last word). Splits only at whitespace, never inside a
     * surrogate pair.
     */
    static List<String> split(String text) {
        List<String> tokens = new ArrayList<>();
        int n = text.length();
        int start = 0;
        int i = 0;
        while (i < n) {
            while (i < n && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            while (i < n && !Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            String token = text.substring(start, i);
            if (token.isBlank() && !tokens.isEmpty()) {
                // only whitespace was left: it belongs to the last word
                tokens.set(tokens.size() - 1, tokens.get(tokens.size() - 1) + token);
            } else {
                tokens.add(token);
            }
            start = i;
        }
        return tokens;
    }

    private static long seed(String prompt) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(prompt.getBytes(StandardCharsets.UTF_8));
            long seed = 0;
            for (int i = 0; i < Long.BYTES; i++) {
                seed = (seed << 8) | (hash[i] & 0xff);
            }
            return seed;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
