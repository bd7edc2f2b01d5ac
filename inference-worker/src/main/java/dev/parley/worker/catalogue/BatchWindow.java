package dev.parley.worker.catalogue;

import java.time.Duration;

/**
 * How a route batches: turns that arrive within {@code maxWait} of the first go to the backend together, in one call
 * of at most {@code maxSize} agents; with {@code retryAlone}, a turn the call gives no valid answer is answered again
 * alone instead of failing. A client's batch ({@code UserTurn.batch}) goes as one call on any route, gathered for
 * {@link #EXPLICIT_WAIT} and up to {@link #EXPLICIT_MAX_SIZE} agents, and says itself whether to retry alone.
 */
public record BatchWindow(int maxSize, Duration maxWait, boolean retryAlone) {

    public static final int EXPLICIT_MAX_SIZE = 32;
    public static final Duration EXPLICIT_WAIT = Duration.ofMillis(100);
    /** How a client's batch is gathered on a route that does not batch single turns. */
    public static final BatchWindow EXPLICIT = new BatchWindow(EXPLICIT_MAX_SIZE, EXPLICIT_WAIT, false);

    public BatchWindow {
        if (maxSize < 1 || maxWait.isNegative()) {
            throw new IllegalArgumentException("a batch window needs maxSize >= 1 and maxWait >= 0");
        }
    }
}
