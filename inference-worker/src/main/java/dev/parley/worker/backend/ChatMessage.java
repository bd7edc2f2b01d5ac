package dev.parley.worker.backend;

/**
 * One message of a chat context: role is system, user or assistant. A {@code cachePoint} message ends a prefix that
 * is byte-identical across requests (a persona block): a protocol with explicit prompt caching (Anthropic) marks it
 * there; the others cache a stable prefix on their own.
 */
public record ChatMessage(String role, String content, boolean cachePoint) {

    public ChatMessage(String role, String content) {
        this(role, content, false);
    }

    public static ChatMessage system(String content) {
        return new ChatMessage("system", content);
    }

    /** A system message that is the same in every request that starts with it: cache up to here. */
    public static ChatMessage cachedSystem(String content) {
        return new ChatMessage("system", content, true);
    }

    public static ChatMessage user(String content) {
        return new ChatMessage("user", content);
    }

    public static ChatMessage assistant(String content) {
        return new ChatMessage("assistant", content);
    }
}
