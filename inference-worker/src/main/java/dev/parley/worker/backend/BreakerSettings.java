package dev.parley.worker.backend;

import java.time.Duration;

/**
 * When a backend's circuit breaker opens and how it probes again.
 *
 * @param failureRatePercent   open when at least this share of the calls in the window failed
 * @param minimumCalls         ... and at least this many calls were made
 * @param windowCalls          how many of the latest calls the rate is computed over
 * @param openFor              how long it stays open (failing fast) before letting probes through
 * @param halfOpenCalls        how many probe calls decide between closing and opening again
 */
public record BreakerSettings(int failureRatePercent, int minimumCalls, int windowCalls, Duration openFor,
                              int halfOpenCalls) {

    public static final BreakerSettings DEFAULT = new BreakerSettings(50, 4, 20, Duration.ofSeconds(30), 2);

    public BreakerSettings {
        if (failureRatePercent < 1 || failureRatePercent > 100) {
            throw new IllegalArgumentException("failureRatePercent must be 1-100, was " + failureRatePercent);
        }
        if (minimumCalls < 1 || windowCalls < 1 || halfOpenCalls < 1) {
            throw new IllegalArgumentException("minimumCalls, windowCalls and halfOpenCalls must be at least 1");
        }
        if (openFor == null || openFor.isNegative() || openFor.isZero()) {
            throw new IllegalArgumentException("openFor must be positive, was " + openFor);
        }
    }
}
