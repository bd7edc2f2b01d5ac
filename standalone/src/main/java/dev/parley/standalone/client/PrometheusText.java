package dev.parley.standalone.client;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A Prometheus text exposition ({@code /metrics}) as tests and benchmarks read it: sums of a metric's samples,
 * and quantiles from a histogram's cumulative buckets interpolated the way PromQL's {@code histogram_quantile} does.
 */
public record PrometheusText(String text) {

    /** True when any line has {@code fragment}, e.g. a metric name followed by {@code {}. */
    public boolean has(String fragment) {
        return text.contains(fragment);
    }

    /** True when some sample is named exactly {@code name}. */
    public boolean hasMetric(String name) {
        return text.lines().anyMatch(line -> line.startsWith(name + "{") || line.startsWith(name + " "));
    }

    /** The sum of the samples of {@code name} whose labels contain {@code labels}; -1 when there is none. */
    public double sum(String name, String labels) {
        double sum = -1;
        for (String line : text.split("\n")) {
            if ((line.startsWith(name + "{") && line.contains(labels)) || line.startsWith(name + " ")) {
                double value = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                sum = Math.max(sum, 0) + (Double.isNaN(value) ? 0 : value);
            }
        }
        return sum;
    }

    /** The {@code q} quantile of histogram {@code name} (without {@code _bucket}), summed over its series; NaN if empty. */
    public double quantile(String name, double q) {
        TreeMap<Double, Double> buckets = new TreeMap<>();
        for (String line : text.split("\n")) {
            if (line.startsWith(name + "_bucket{")) {
                int le = line.indexOf("le=\"") + 4;
                String bound = line.substring(le, line.indexOf('"', le));
                double upper = bound.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(bound);
                buckets.merge(upper, Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)), Double::sum);
            }
        }
        if (buckets.isEmpty() || buckets.lastEntry().getValue() == 0) {
            return Double.NaN;
        }
        double rank = q * buckets.lastEntry().getValue();
        double lower = 0;
        double below = 0;
        for (Map.Entry<Double, Double> bucket : buckets.entrySet()) {
            if (bucket.getValue() >= rank) {
                if (bucket.getKey().isInfinite()) {
                    return lower;
                }
                double inBucket = bucket.getValue() - below;
                return inBucket == 0 ? bucket.getKey() : lower + (bucket.getKey() - lower) * (rank - below) / inBucket;
            }
            lower = bucket.getKey();
            below = bucket.getValue();
        }
        return lower;
    }

    /** The first lines starting with {@code prefix}, for a failure message. */
    public String sample(String prefix) {
        List<String> lines = text.lines().filter(line -> line.startsWith(prefix)).limit(20).toList();
        return String.join("\n", lines);
    }
}
