package dev.parley.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.ConcurrentHistogram;

/** Durations recorded from any thread, kept in microseconds by HdrHistogram; percentiles come out in milliseconds. */
final class Latencies {

    private final ConcurrentHistogram histogram = new ConcurrentHistogram(3);

    void recordMillis(double millis) {
        recordMicros(Math.round(millis * 1000));
    }

    /** A negative duration (two clocks read a microsecond apart the other way round) counts as 0. */
    void recordMicros(long micros) {
        histogram.recordValue(Math.max(0, micros));
    }

    long count() {
        return histogram.getTotalCount();
    }

    /** The value at {@code percentile} (0-100) in milliseconds; NaN when nothing was recorded. */
    double percentile(double percentile) {
        return count() == 0 ? Double.NaN : histogram.getValueAtPercentile(percentile) / 1000.0;
    }

    double max() {
        return count() == 0 ? Double.NaN : histogram.getMaxValue() / 1000.0;
    }

    /** count, p50, p95, p99 and max (milliseconds), for the JSON results. */
    Map<String, Object> summary() {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("count", count());
        summary.put("p50Ms", Report.round(percentile(50)));
        summary.put("p95Ms", Report.round(percentile(95)));
        summary.put("p99Ms", Report.round(percentile(99)));
        summary.put("maxMs", Report.round(max()));
        return summary;
    }
}
