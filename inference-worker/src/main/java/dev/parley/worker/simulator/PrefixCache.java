package dev.parley.worker.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A prompt (prefix) cache, simulated honestly: it remembers the hashes of the leading system messages of the requests
 * it answered (a bounded LRU, per simulated backend), and a request that starts with a prefix it has seen reads that
 * prefix's tokens (its word count, as the prompt tokens are counted) from the cache. OpenAI caches any seen prefix of
 * system messages; Anthropic only up to a system block marked {@code cache_control}, writing it on a miss; Ollama
 * reports no cache at all.
 */
final class PrefixCache {

    /** Prefixes remembered; the least recently used is forgotten first. */
    static final int CAPACITY = 4_096;

    /** A request's use of the cache: prompt tokens read from it and written to it (Anthropic's cache creation). */
    record Use(int read, int written) {
        static final Use NONE = new Use(0, 0);
    }

    private final Map<String, Boolean> seen = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > CAPACITY;
        }
    };

    /**
     * Looks the request's leading system messages up and remembers them as answered.
     *
     * @param backend  the simulated backend's name ("" for the unprefixed paths): each has its own cache
     * @param messages the request's messages ({@link Protocol#messages}), Anthropic's system blocks first, each with
     *                 its {@code cache_control}
     */
    synchronized Use use(Protocol protocol, String backend, JsonArray messages) {
        int leading = 0;
        while (leading < messages.size() && messages.getValue(leading) instanceof JsonObject message
            && "system".equals(message.getValue("role"))) {
            leading++;
        }
        return switch (protocol) {
            case OLLAMA -> Use.NONE;
            case OPENAI -> longestSeen(backend, messages, leading);
            case ANTHROPIC -> marked(backend, messages, leading);
        };
    }

    /** OpenAI: the longest prefix of the leading system messages seen before is read; every prefix is remembered. */
    private Use longestSeen(String backend, JsonArray messages, int leading) {
        int read = 0;
        String[] hashes = hashes(backend, messages, leading);
        for (int end = 1; end <= leading; end++) {
            if (seen.put(hashes[end - 1], Boolean.TRUE) != null) {
                read = words(messages, end);
            }
        }
        return new Use(read, 0);
    }

    /** Anthropic: the prefix up to the last marked system block is read when seen, else written; no mark, no cache. */
    private Use marked(String backend, JsonArray messages, int leading) {
        int end = 0;
        for (int i = 0; i < leading; i++) {
            if (messages.getJsonObject(i).getValue("cache_control") instanceof JsonObject) {
                end = i + 1;
            }
        }
        if (end == 0) {
            return Use.NONE;
        }
        int tokens = words(messages, end);
        return seen.put(hashes(backend, messages, end)[end - 1], Boolean.TRUE) != null ? new Use(tokens, 0)
            : new Use(0, tokens);
    }

    /** The hash of each prefix of the first {@code count} messages, chained: hashes[i] covers messages 0..i. */
    private static String[] hashes(String backend, JsonArray messages, int count) {
        String[] hashes = new String[count];
        MessageDigest digest = sha256();
        digest.update(backend.getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < count; i++) {
            digest.update((byte) 0);
            digest.update(ReplyPlanner.text(messages.getJsonObject(i).getValue("content"))
                .getBytes(StandardCharsets.UTF_8));
            try {
                hashes[i] = HexFormat.of().formatHex(((MessageDigest) digest.clone()).digest());
            } catch (CloneNotSupportedException e) {
                throw new IllegalStateException("SHA-256 digests clone", e);
            }
        }
        return hashes;
    }

    private static int words(JsonArray messages, int count) {
        int words = 0;
        for (int i = 0; i < count; i++) {
            words += ReplyPlanner.words(ReplyPlanner.text(messages.getJsonObject(i).getValue("content")));
        }
        return words;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
