package dev.parley.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The {@code batch} scenario: {@code agents} agents, one session each, answered one after another (each turn waits
 * for the one before, as a game loop driving its agents through one local model does) and then as one batch
 * ({@code POST /v1/batches/turns}: one backend call). Every call to the simulated model takes
 * {@value #TTFT_MS} ms before its first token (a local model reading its prompt) and {@value #ITL_MS} ms per token
 * after; each agent's reply is {@value #TOKENS} tokens. Timed from the POST to each agent's {@code done} over SSE:
 * for the batch, the first agent's and the last agent's.
 */
record BatchScenario(int agents, int rounds) {

    static final int TTFT_MS = 1500;
    static final int ITL_MS = 15;
    static final int TOKENS = 25;
    static final String DIRECTIVE = "#sim: tokens=" + TOKENS + " ttft_ms=" + TTFT_MS + " itl_ms=" + ITL_MS;

    record Row(int round, double sequentialMs, double firstAgentMs, double wholeBatchMs) {
    }

    void run() throws Exception {
        List<Row> rows = new ArrayList<>();
        Map<String, String> settings;
        Errors errors = new Errors();
        ExecutorService readers = Executors.newCachedThreadPool();
        try (BenchParley parley = BenchParley.start(Map.of())) {
            settings = parley.settings();
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(readers).build();
            List<ParleySession> sessions = new ArrayList<>();
            for (int i = 0; i < agents; i++) {
                sessions.add(ParleySession.open(http, parley.url(), Transport.SSE));
            }
            for (int round = 1; round <= rounds; round++) {
                long start = System.nanoTime();
                for (int i = 0; i < agents; i++) {
                    sessions.get(i).turn(text(i, round), new HopBreakdown(), TOKENS);
                }
                double sequential = millisSince(start);
                double[] batched = batch(http, sessions, round, readers, errors);
                rows.add(new Row(round, sequential, batched[0], batched[1]));
                System.out.printf("round %d: sequential %.0f ms, batch first agent %.0f ms, whole batch %.0f ms%n",
                    round, sequential, batched[0], batched[1]);
            }
        } finally {
            readers.shutdownNow();
        }
        report(rows, settings, errors);
    }

    private static String text(int agent, int round) {
        return DIRECTIVE + "\nAgent " + agent + ", round " + round + ": what do you do next?";
    }

    /** Posts one batch of every session's agent and waits for each agent's done: {first, last} in ms. */
    private double[] batch(HttpClient http, List<ParleySession> sessions, int round, ExecutorService readers,
                           Errors errors) throws Exception {
        ObjectNode body = ParleySession.JSON.createObjectNode();
        body.put("instructions", "You are the villagers of a small game. Answer each in character, briefly.");
        ArrayNode list = body.putArray("agents");
        for (int i = 0; i < sessions.size(); i++) {
            ObjectNode agent = list.addObject().put("sessionId", sessions.get(i).sessionId).put("agent", "npc" + i)
                .put("text", text(i, round));
            agent.putObject("state").put("hp", 10 - i % 3).put("place", "market").putArray("inventory").add("rope");
        }
        ParleySession any = sessions.get(0);
        long start = System.nanoTime();
        HttpResponse<String> accepted = http.send(any.request("/v1/batches/turns")
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
        if (accepted.statusCode() != 202) {
            throw new IllegalStateException("POST batch: HTTP " + accepted.statusCode() + " " + accepted.body());
        }
        List<CompletableFuture<Double>> done = new ArrayList<>();
        for (JsonNode turn : ParleySession.JSON.readTree(accepted.body()).get("turns")) {
            String events = turn.get("events").asText();
            done.add(CompletableFuture.supplyAsync(() -> untilDone(http, any, events, start, errors), readers));
        }
        double first = Double.MAX_VALUE;
        double last = 0;
        for (CompletableFuture<Double> agent : done) {
            double at = agent.get();
            first = Math.min(first, at);
            last = Math.max(last, at);
        }
        return new double[] {first, last};
    }

    /** Reads an agent's event stream until its done: ms since {@code start}. */
    private static double untilDone(HttpClient http, ParleySession session, String events, long start, Errors errors) {
        try {
            HttpResponse<InputStream> response = http.send(session.request(events).build(),
                HttpResponse.BodyHandlers.ofInputStream());
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    if (line.equals("event: done")) {
                        return millisSince(start);
                    }
                    if (line.equals("event: failed") || line.equals("event: reset") || line.equals("event: error")) {
                        throw new IllegalStateException(line + " on " + events + ": " + lines.readLine());
                    }
                }
            }
            throw new IllegalStateException("the event stream of " + events + " ended before done");
        } catch (Exception e) {
            errors.add(e);
            throw new IllegalStateException(e);
        }
    }

    private static double millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e6;
    }

    private void report(List<Row> rows, Map<String, String> settings, Errors errors) {
        Report report = new Report("batch", "Batched turns: " + agents + " agents one after another vs in one call");
        report.setup(agents + " agents, one session each. Every call to the simulated model waits " + TTFT_MS
            + " ms for its first token (a local model reading its prompt), then " + ITL_MS + " ms per token; each "
            + "agent's reply is " + TOKENS + " tokens. Sequential: each agent's turn is sent when the one before is "
            + "done. Batch: one POST /v1/batches/turns with every agent (instructions, a small state each), one "
            + "backend call that answers with a JSON array (its tokens include the array's JSON). Timed from the "
            + "POST to each agent's done over SSE; " + rounds + " rounds.", settings);
        Report.Table table = report.table("round", "sequential, all agents", "batch: first agent done",
            "batch: all agents done", "speed-up (all)");
        for (Row row : rows) {
            table.row(row.round(), Report.ms(row.sequentialMs()), Report.ms(row.firstAgentMs()),
                Report.ms(row.wholeBatchMs()), Report.number(row.sequentialMs() / row.wholeBatchMs(), 1) + "×");
        }
        table.end();
        report.put("rows", rows);
        report.problems(List.of(), new Errors(), errors, "No errors.");
        report.write();
    }
}
