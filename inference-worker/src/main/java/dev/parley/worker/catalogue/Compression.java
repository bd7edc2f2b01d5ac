package dev.parley.worker.catalogue;

/**
 * A route's prompt compression ({@code compress: {budgetTokens: 1200}}): its contexts are compacted and cut to this
 * many tokens before they are sent (see {@code dev.parley.worker.compress.ContextCompressor}).
 */
public record Compression(int budgetTokens) {

    /** Below this a context cannot hold even a short system prompt and a question. */
    public static final int MIN_BUDGET_TOKENS = 64;

    public Compression {
        if (budgetTokens < MIN_BUDGET_TOKENS) {
            throw new IllegalArgumentException("budgetTokens must be at least " + MIN_BUDGET_TOKENS + ", was "
                + budgetTokens);
        }
    }
}
