package dev.parley.bench;

import dev.parley.standalone.client.PrometheusText;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the services' own {@code /metrics} saw of a bench run: each scrape saved as
 * {@code bench/target/results/metrics/<service>.prom}, and a summary of the token path's meters (counts, and
 * p50 / p99 from the Prometheus histograms' buckets, as Grafana's {@code histogram_quantile} would give them).
 */
final class MetricsScrape {

    private final Map<String, String> scrapes;

    private MetricsScrape(Map<String, String> scrapes) {
        this.scrapes = scrapes;
    }

    /** Scrapes every URL, by service name; a service that does not answer is left out. */
    static MetricsScrape of(Map<String, String> urls) {
        HttpClient http = HttpClient.newHttpClient();
        Map<String, String> scrapes = new TreeMap<>();
        urls.forEach((service, url) -> {
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                    HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    scrapes.put(service, response.body());
                }
            } catch (IOException e) {
                System.err.println("metrics of " + service + " not scraped: " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        return new MetricsScrape(scrapes);
    }

    /** Saves each scrape under {@code dir} and answers the summary's lines. */
    List<String> save(Path dir) throws IOException {
        Files.createDirectories(dir);
        for (Map.Entry<String, String> scrape : scrapes.entrySet()) {
            Files.writeString(dir.resolve(scrape.getKey() + ".prom"), scrape.getValue());
        }
        return summary();
    }

    List<String> summary() {
        List<String> lines = new ArrayList<>();
        PrometheusText worker = new PrometheusText(scrapes.getOrDefault("worker", ""));
        PrometheusText gateway = new PrometheusText(scrapes.getOrDefault("gateway", ""));
        lines.add(String.format(Locale.ROOT, "turns completed %.0f, failed %.0f, cancelled %.0f (worker)",
            sum(worker, "parley_turns_total", "outcome=\"completed\""),
            sum(worker, "parley_turns_total", "outcome=\"failed\""),
            sum(worker, "parley_turns_total", "outcome=\"cancelled\"")));
        lines.add(String.format(Locale.ROOT, "tokens produced %.0f (worker), delivered %.0f (gateway)",
            sum(worker, "parley_tokens_produced_total", ""), sum(gateway, "parley_gateway_tokens_delivered_total", "")));
        lines.add(histogram(worker, "parley_turn_ttft_seconds", "TTFT, gateway received → worker produced"));
        lines.add(histogram(worker, "parley_turn_itl_seconds", "ITL, as the worker produced them"));
        lines.add(histogram(gateway, "parley_gateway_ttft_seconds", "TTFT, gateway received → written to a client"));
        lines.add(histogram(gateway, "parley_gateway_delivery_lag_seconds", "delivery lag, produced → written"));
        lines.add(String.format(Locale.ROOT, "slow consumers closed %.0f, streams open at the end %.0f",
            sum(gateway, "parley_gateway_slow_consumer_closed_total", ""), sum(gateway, "parley_gateway_streams_open", "")));
        return lines;
    }

    private static String histogram(PrometheusText text, String name, String what) {
        return String.format(Locale.ROOT, "%s: %.0f samples, p50 %.1f ms, p99 %.1f ms", what,
            sum(text, name + "_count", ""), text.quantile(name, 0.50) * 1000, text.quantile(name, 0.99) * 1000);
    }

    private static double sum(PrometheusText text, String name, String labels) {
        return Math.max(0, text.sum(name, labels));
    }
}
