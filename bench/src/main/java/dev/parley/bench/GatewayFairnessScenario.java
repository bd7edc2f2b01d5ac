package dev.parley.bench;

import dev.parley.ingest.auth.AuthConfig;
import dev.parley.worker.WorkerConfig;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code fairness-gateway} scenario: {@link FairnessBench}'s question asked end to end, through the gateway,
 * Kafka and the worker's turn consumer. Parley runs with API keys ({@code PARLEY_AUTH=keys}) and a worker that
 * generates {@code permits} replies at once ({@code PARLEY_MAX_CONCURRENT_GENERATIONS}), so a line forms in front of
 * its fair generation slots; every reply is 20 simulated tokens (first after 50 ms, then every 2 ms). Principal A
 * keeps {@code backlog} turns outstanding over as many sessions (a session's own turns run one after another), each
 * session posting its next turn when its SSE stream shows the last one done. Principal B sends {@code rounds} turns
 * one after another in a session of its own, each timed from its POST to its first token over SSE with the hop
 * times ({@code ?trace=true}), which show where the wait is. For reference, B's turns sent with A's key wait in A's
 * lane.
 */
record GatewayFairnessScenario(int backlog, int permits, int rounds) {

    static final int TOKENS = 20;
    static final String PROMPT = "fairness\n#sim: tokens=" + TOKENS + " ttft_ms=50 itl_ms=2";
    private static final Duration DRAIN = Duration.ofMinutes(5);

    void run() throws Exception {
        List<FairnessRun.Row> rows;
        Map<String, String> settings;
        Errors errors = new Errors();
        try (BenchParley parley = BenchParley.start(Map.of(AuthConfig.MODE, "keys",
                WorkerConfig.MAX_CONCURRENT, String.valueOf(permits)))) {
            settings = parley.settings();
            String keyOfA = parley.createKey("alice");
            String keyOfB = parley.createKey("bob");
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            try (ParleySession asB = ParleySession.open(http, parley.url(), Transport.SSE, keyOfB);
                 ParleySession asA = ParleySession.open(http, parley.url(), Transport.SSE, keyOfA);
                 Flood flood = new Flood(parley.port(), keyOfA, backlog, errors)) {
                rows = FairnessRun.measure(hops -> asB.turn(PROMPT, hops, TOKENS).firstToken(),
                    hops -> asA.turn(PROMPT, hops, TOKENS).firstToken(), flood, rounds);
            }
        }
        report(rows, settings, errors);
    }

    private void report(List<FairnessRun.Row> rows, Map<String, String> settings, Errors errors) {
        Report report = new Report("fairness-gateway",
            "Fair queuing through the gateway: B's wait for its first token while A floods");
        report.setup("Authentication by API keys, principals A (alice) and B (bob); the worker runs " + permits
            + " generation(s) at once, its line fair across principals; every reply is " + TOKENS + " simulated "
            + "tokens, the first after 50 ms, then every 2 ms. A keeps " + backlog + " turns outstanding over "
            + backlog + " sessions, each posting its next turn as its SSE stream shows the last one done. B sends "
            + rounds + " turns one after another in its own session, each timed from its POST to its first token "
            + "over SSE. The last row sends B's turns with A's key, in a session of A's: the one first-come-"
            + "first-served line of before fair queuing.", settings);
        FairnessRun.table(report, "B's turn: POST → first token over SSE", rows);
        report.heading("## Where B's first token's time goes (p50 of each hop)");
        report.paragraph("The wait for one of the worker's generation slots is in \"consumed → context ready\": "
            + "the turn takes its slot before its context is built.");
        FairnessRun.hopTable(report, rows);
        report.heading("## Errors");
        report.problems(List.of(), new Errors(), errors, "None: every turn of A's and B's completed.");
        report.put("backlog", backlog);
        report.put("permits", permits);
        report.put("rounds", rounds);
        report.write();
    }

    /** Principal A: {@code backlog} sessions, each with a turn outstanding, the next posted as one ends. */
    private static final class Flood implements FairnessRun.Flood, AutoCloseable, EventStreams.Listener {

        private final EventStreams http;
        private final int backlog;
        private final Errors errors;
        private final BackToBackTurns turns;

        Flood(int port, String apiKey, int backlog, Errors errors) {
            this.http = new EventStreams(port, backlog, apiKey);
            this.backlog = backlog;
            this.errors = errors;
            this.turns = new BackToBackTurns(http, PROMPT, errors);
        }

        /** Opens the sessions and their streams, posts their first turns and returns once the first has ended. */
        @Override
        public void start() throws InterruptedException {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < backlog; i++) {
                String id = http.createSession().await();
                http.watch(id, i, null, false, this).await();
                ids.add(id);
            }
            turns.start(ids);
            while (turns.ended() == 0) {
                Thread.sleep(10); // the line has formed and moves
            }
        }

        @Override
        public void stop() throws InterruptedException {
            if (!turns.stop(DRAIN)) {
                errors.add("A's last turns did not end within " + DRAIN.toMinutes() + " minutes");
            }
        }

        @Override
        public void onEvent(EventStreams.Watcher watcher, String type, String data, long receivedMicros) {
            if (!type.equals("token") && !turns.onEnd(watcher.sessionId, type, data)) {
                errors.add("A's event " + type + ": " + data);
            }
        }

        @Override
        public void onDropped(EventStreams.Watcher watcher, String why) {
            errors.add("A's stream dropped: " + why);
        }

        @Override
        public void close() {
            http.close();
        }
    }
}
