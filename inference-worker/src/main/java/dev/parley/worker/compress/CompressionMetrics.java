package dev.parley.worker.compress;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * What compression saves, per route: {@code parley_context_tokens_total{route, when="before"|"after", counted}} and
 * {@code parley_context_over_budget_total{route, counted}}, where {@code counted} is {@code exact} (the backend's own
 * tokenizer) or {@code estimated} (an approximation, see {@link TokenCounter}), so a dashboard never shows an
 * estimate as a measurement.
 */
public final class CompressionMetrics {

    public static final String TOKENS = "parley.context.tokens";
    public static final String OVER_BUDGET = "parley.context.over.budget";

    private final MeterRegistry registry;

    public CompressionMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void record(String route, ContextCompressor.Compressed result) {
        String counted = result.estimated() ? "estimated" : "exact";
        tokens(route, "before", counted).increment(result.tokensBefore());
        tokens(route, "after", counted).increment(result.tokensAfter());
        if (result.overBudget()) {
            Counter.builder(OVER_BUDGET).tag("route", route).tag("counted", counted)
                .description("Contexts whose system prefix and newest turn alone were over the route's token budget")
                .register(registry).increment();
        }
    }

    private Counter tokens(String route, String when, String counted) {
        return Counter.builder(TOKENS).tag("route", route).tag("when", when).tag("counted", counted)
            .description("Tokens of the contexts of compressing routes, before and after compression")
            .register(registry);
    }
}
