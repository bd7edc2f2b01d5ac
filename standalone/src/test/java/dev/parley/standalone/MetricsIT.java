package dev.parley.standalone;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.standalone.client.ParleyHttp;
import dev.parley.standalone.client.PrometheusText;
import dev.parley.standalone.client.SseClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("every service's /metrics moves with the turns it serves")
class MetricsIT {

    private static final int COMPLETED = 3;
    private static final Path DASHBOARD = Path.of("..", "deploy", "grafana", "dashboards", "parley.json");

    @TempDir
    static Path dataDir;
    private static Standalone parley;
    private static ParleyHttp api;
    private static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        parley = Standalone.start(StandaloneConfig.fromEnvironment(Map.of("PARLEY_DATA_DIR", dataDir.toString(),
            "PARLEY_KAFKA_PORT", "0", "PARLEY_REGISTRY_PORT", "0", "PARLEY_SIMULATOR_PORT", "0",
            "PARLEY_POSTPROCESS_PORT", "0", "PARLEY_HTTP_PORT", "0", "PARLEY_WORKER_METRICS_PORT", "0",
            "PARLEY_GATEWAY_METRICS_PORT", "0", "PARLEY_EMBEDDINGS", "none")));
        api = new ParleyHttp(parley.url());
        await().atMost(Duration.ofSeconds(60))
            .until(() -> api.send("GET", "/health/ready", null).statusCode() == 200);
        String session = api.createSession();
        for (int i = 0; i < COMPLETED; i++) {
            streamTurn(session, "Tell me about Kafka, part " + i + "\n#sim: tokens=10 itl_ms=2");
        }
        JsonNode failed = streamTurn(session, "This one fails everywhere\n#sim: status=500");
        assertEquals("failed", failed.get("status").asText(), failed.toString());
    }

    /** Posts a turn, reads its stream to the end over SSE, and answers its status once recorded. */
    private static JsonNode streamTurn(String session, String text) throws Exception {
        String turnId = api.postTurn(session, text);
        try (SseClient events = api.events(session, ParleyHttp.turnQuery(turnId))) {
            await().atMost(Duration.ofSeconds(60)).until(() -> ParleyHttp.terminal(events.events(), turnId) != null);
        }
        return api.turnStatus(session, turnId, 30);
    }

    @AfterAll
    static void stop() {
        if (parley != null) {
            parley.close();
        }
    }

    @Test
    @DisplayName("the worker counts turns by outcome, TTFT and ITL, tokens produced, backend calls, breakers, "
        + "its consumer's lag and its JVM")
    void workerMetrics() throws Exception {
        PrometheusText worker = await().atMost(Duration.ofSeconds(30)).until(() -> scrape("worker"),
            s -> s.sum("parley_turns_total", "outcome=\"completed\"") >= COMPLETED);
        assertTrue(worker.sum("parley_turns_total", "outcome=\"failed\"") >= 1, worker.sample("parley_turns_total"));
        assertTrue(worker.sum("parley_turn_ttft_seconds_count", "") >= COMPLETED, worker.sample("parley_turn_ttft"));
        assertTrue(worker.sum("parley_turn_itl_seconds_count", "") >= COMPLETED * 9, worker.sample("parley_turn_itl"));
        assertTrue(worker.sum("parley_tokens_produced_total", "") >= COMPLETED * 10, worker.sample("parley_tokens"));
        assertTrue(worker.sum("parley_backend_requests_total", "backend=\"local\"") >= COMPLETED + 1,
            worker.sample("parley_backend_requests_total"));
        assertTrue(worker.sum("parley_backend_failures_total", "kind=\"http_5xx\"") >= 1,
            worker.sample("parley_backend_failures_total"));
        assertTrue(worker.has("parley_backend_breaker_state"), "breaker state");
        assertTrue(worker.has("kafka_consumer_fetch_manager_records_lag_max"), "the consumer's lag");
        assertTrue(worker.has("kafka_producer_record_send_total"), "the producers' metrics");
        assertTrue(worker.sum("jvm_memory_used_bytes", "") > 0, "JVM memory");
        assertTrue(worker.has("service=\"worker\""), "every meter names its service");
    }

    @Test
    @DisplayName("the gateway counts tokens delivered, delivery lag and TTFT from the hop times, open streams and "
        + "slow-consumer closes, and its Kafka clients")
    void gatewayMetrics() throws Exception {
        PrometheusText gateway = scrape("gateway");
        assertTrue(gateway.sum("parley_gateway_tokens_delivered_total", "") >= COMPLETED * 10,
            gateway.sample("parley_gateway_tokens_delivered"));
        assertTrue(gateway.sum("parley_gateway_delivery_lag_seconds_count", "") >= COMPLETED * 10,
            gateway.sample("parley_gateway_delivery_lag"));
        assertTrue(gateway.sum("parley_gateway_ttft_seconds_count", "") >= COMPLETED,
            gateway.sample("parley_gateway_ttft"));
        assertTrue(gateway.has("parley_gateway_streams_open{"), "open streams");
        assertTrue(gateway.has("parley_gateway_slow_consumer_closed_total"), "slow-consumer closes");
        assertTrue(gateway.sum("kafka_producer_record_send_total", "") >= COMPLETED + 2,
            gateway.sample("kafka_producer_record_send_total"));
        assertTrue(gateway.has("kafka_consumer_fetch_manager_records_consumed_total"), "the relays' consumers");
        assertTrue(gateway.has("service=\"gateway\""), "every meter names its service");
    }

    @Test
    @DisplayName("postprocess-streams exposes its Streams applications' processing lag and its consumers' lag")
    void postprocessMetrics() throws Exception {
        PrometheusText postprocess = await().atMost(Duration.ofSeconds(40)).until(() -> scrape("postprocess"),
            s -> s.sum("kafka_stream_processor_node_record_e2e_latency_max", "") >= 0);
        assertTrue(postprocess.has("kafka_consumer_fetch_manager_records_lag_max"), "the consumers' lag");
        assertTrue(postprocess.has("service=\"postprocess\""), "every meter names its service");
    }

    @Test
    @DisplayName("every metric the Grafana dashboard queries is in a live scrape, so the dashboard cannot drift")
    void dashboardQueriesExistingMetrics() throws Exception {
        Set<String> used = dashboardMetrics(Files.readString(DASHBOARD));
        assertTrue(used.size() >= 10, "the dashboard queries " + used);
        // Kafka's per-task metrics appear once their binder looks again (ServiceMetrics.KAFKA_REFRESH)
        Set<String> missing = await().atMost(Duration.ofSeconds(40)).until(() -> missingFrom(used), Set::isEmpty);
        assertEquals(Set.of(), missing, "metrics the dashboard queries that no service exposes");
    }

    @Test
    @DisplayName("a metrics port answers /metrics only")
    void onlyMetrics() throws Exception {
        String url = parley.metricsUrls().get("gateway").replace("/metrics", "/v1/sessions");
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(404, response.statusCode());
        assertTrue(response.body().contains("not_found"), response.body());
    }

    /** The names of {@code used} that no service's scrape has. */
    private static Set<String> missingFrom(Set<String> used) throws Exception {
        StringBuilder all = new StringBuilder();
        for (String service : parley.metricsUrls().keySet()) {
            all.append(scrape(service).text());
        }
        PrometheusText union = new PrometheusText(all.toString());
        Set<String> missing = new TreeSet<>();
        for (String name : used) {
            if (!union.hasMetric(name)) {
                missing.add(name);
            }
        }
        return missing;
    }

    /** The metric names in the dashboard's PromQL: every name of Parley's, Kafka's, the JVM's and the process'. */
    static Set<String> dashboardMetrics(String dashboard) throws Exception {
        Set<String> names = new TreeSet<>();
        for (JsonNode expr : ParleyHttp.JSON.readTree(dashboard).findValues("expr")) {
            Matcher matcher = METRIC.matcher(expr.asText());
            while (matcher.find()) {
                names.add(matcher.group());
            }
        }
        return names;
    }

    private static final Pattern METRIC = Pattern.compile("\\b(parley|kafka|jvm|process|system)_[a-z0-9_]+");

    private static PrometheusText scrape(String service) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
            URI.create(parley.metricsUrls().get(service))).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), service + ": " + response.body());
        Path saved = Path.of("target", "metrics", service + ".prom"); // for a reader of a failed run
        Files.createDirectories(saved.getParent());
        Files.writeString(saved, response.body());
        assertTrue(response.headers().firstValue("content-type").orElse("").startsWith("text/plain"));
        return new PrometheusText(response.body());
    }
}
