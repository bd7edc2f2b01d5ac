package dev.parley.worker.backend;

/**
 * Token counts a backend reported; {@code cachedPromptTokens} of the prompt tokens were read from its prompt (prefix)
 * cache (0 when it did not say).
 */
public record TokenUsage(int promptTokens, int completionTokens, int cachedPromptTokens) {

    public TokenUsage(int promptTokens, int completionTokens) {
        this(promptTokens, completionTokens, 0);
    }
}
