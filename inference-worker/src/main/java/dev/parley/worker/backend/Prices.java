package dev.parley.worker.backend;

/** What a backend costs, in US dollars per million tokens; a call's cost is computed from its usage. */
public record Prices(double inputPerMillion, double outputPerMillion) {

    public Prices {
        if (!(inputPerMillion >= 0) || !(outputPerMillion >= 0)) {
            throw new IllegalArgumentException("prices must be zero or more, were " + inputPerMillion + " and "
                + outputPerMillion);
        }
    }

    /** The cost of this many prompt and completion tokens. */
    public double cost(long promptTokens, long completionTokens) {
        return (promptTokens * inputPerMillion + completionTokens * outputPerMillion) / 1_000_000.0;
    }
}
