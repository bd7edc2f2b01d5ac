package dev.parley.bench;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Many SSE clients on one gateway watching the same sessions: 2,000 clients (10 per session, each a plain
 * {@code GET /v1/sessions/{sid}/events} from now, with hop times) on 200 sessions that each produce 20 tokens a second
 * (replies of 200 tokens, 50 ms apart, posted back to back). Measures how late each token reaches each client, from
 * the moment the worker handed the chunk to its Kafka producer and from the moment the gateway's relay read it, and
 * counts every client that was disconnected and every token a connected client did not get.
 */
final class FanoutScenario {

    static final int TOKENS_PER_REPLY = 200;
    static final int ITL_MS = 50;
    static final String PROMPT = "fan-out\n#sim: tokens=" + TOKENS_PER_REPLY + " ttft_ms=" + ITL_MS + " itl_ms=" + ITL_MS;
    private static final int WARM_UP_SECONDS = 20;
    private static final int OPENING_AT_ONCE = 100;

    private final int sessions;
    private final int clientsPerSession;
    private final int seconds;

    private final Errors errors = new Errors();
    private final Errors drops = new Errors();
    private final Latencies fromProduced = new Latencies();
    private final Latencies fromAcked = new Latencies();
    private final Latencies fromRelayed = new Latencies();
    private final Latencies fromWritten = new Latencies();
    private final LongAdder delivered = new LongAdder();
    private final LongAdder produced = new LongAdder();
    private final List<EventStreams.Watcher> watchers = new ArrayList<>();
    private volatile boolean measuring;
    private BackToBackTurns turns;

    /** One client's tally, used on its event loop. */
    private static final class Client {
        final TurnOrder order = new TurnOrder();
        long tokens;
        long gaps;
        boolean dropped;
        /** When the last token arrived, measuring; the next token brings that one's acknowledgement time. */
        long lastReceived = -1;
    }

    FanoutScenario(int sessions, int clientsPerSession, int seconds) {
        this.sessions = sessions;
        this.clientsPerSession = clientsPerSession;
        this.seconds = seconds;
    }

    void run() throws Exception {
        int clients = sessions * clientsPerSession;
        ThreadCpu.Usage cpu;
        Map<String, String> settings;
        long turnsEnded;
        boolean settled;
        double connectSeconds;
        try (BenchParley parley = BenchParley.start(Map.of());
             EventStreams http = new EventStreams(parley.port(), clients)) {
            settings = parley.settings();
            List<String> ids = createSessions(http);
            turns = new BackToBackTurns(http, PROMPT, errors);
            long opening = System.nanoTime();
            openClients(http, ids);
            connectSeconds = (System.nanoTime() - opening) / 1e9;
            System.out.printf("%d of %d clients connected in %.1f s; %d failed%n", watchers.size(), clients,
                connectSeconds, clients - watchers.size());
            turns.start(ids);
            System.out.printf("producing; measuring after a %d s warm-up for %d s%n", WARM_UP_SECONDS, seconds);
            Thread.sleep(TimeUnit.SECONDS.toMillis(WARM_UP_SECONDS));
            ThreadCpu.Snapshot before = ThreadCpu.snapshot();
            measuring = true;
            Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
            measuring = false;
            cpu = ThreadCpu.Usage.between(before, ThreadCpu.snapshot());
            settled = turns.stop(Duration.ofSeconds(60));
            Thread.sleep(2000); // the last events of the last turns on their way to every client
            turnsEnded = turns.ended();
        }
        report(settings, clients, connectSeconds, cpu, turnsEnded, settled);
    }

    private List<String> createSessions(EventStreams http) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < sessions; i++) {
            ids.add(http.createSession().await());
        }
        return ids;
    }

    /** Opens every client, at most {@link #OPENING_AT_ONCE} at a time; a failure to open is an error. */
    private void openClients(EventStreams http, List<String> ids) throws InterruptedException {
        Semaphore opening = new Semaphore(OPENING_AT_ONCE);
        ConcurrentLinkedQueue<EventStreams.Watcher> opened = new ConcurrentLinkedQueue<>();
        EventStreams.Listener listener = new Listener();
        for (int index = 0; index < clientsPerSession; index++) {
            for (String id : ids) {
                opening.acquire();
                Future<EventStreams.Watcher> watcher = http.watch(id, index, new Client(), true, listener);
                watcher.onComplete(done -> {
                    if (done.succeeded()) {
                        opened.add(done.result());
                    } else {
                        errors.add("opening a client: " + Errors.describe(done.cause()));
                    }
                    opening.release();
                });
            }
        }
        opening.acquire(OPENING_AT_ONCE);
        watchers.addAll(opened);
    }

    /** Tokens that clients still connected at the end did not get: each against the most any client of its session got. */
    private long missingTokens() {
        Map<String, Long> most = new HashMap<>();
        for (EventStreams.Watcher watcher : watchers) {
            most.merge(watcher.sessionId, ((Client) watcher.state).tokens, Math::max);
        }
        long missing = 0;
        for (EventStreams.Watcher watcher : watchers) {
            Client client = (Client) watcher.state;
            if (!client.dropped) {
                missing += most.get(watcher.sessionId) - client.tokens;
            }
        }
        return missing;
    }

    private long seqGaps() {
        return watchers.stream().mapToLong(watcher -> ((Client) watcher.state).gaps).sum();
    }

    private long droppedClients() {
        return watchers.stream().filter(watcher -> ((Client) watcher.state).dropped).count();
    }

    private void report(Map<String, String> settings, int clients, double connectSeconds, ThreadCpu.Usage cpu,
                        long turnsEnded, boolean settled) {
        Report report = new Report("fanout", "Fan-out: " + clients + " SSE clients on one gateway");
        report.setup(String.format("%d sessions, each producing replies of %d tokens %d ms apart (`%s`, about %d "
            + "tokens/s per session), posted back to back; %d SSE clients per session, each a plain `GET "
            + "/v1/sessions/{sid}/events?trace=true` from now, all on the bench's Vert.x HTTP client. Measured for %d s "
            + "after a %d s warm-up.", sessions, TOKENS_PER_REPLY, ITL_MS, PROMPT.substring(PROMPT.indexOf('#')),
            1000 / ITL_MS, clientsPerSession, seconds, WARM_UP_SECONDS), settings);

        long dropped = droppedClients();
        long missing = missingTokens();
        long gaps = seqGaps();
        report.heading("## Clients");
        report.table("clients", "connected", "failed to connect", "time to connect all", "dropped or disconnected",
                "errors", "tokens missing at connected clients", "gaps in a turn's seq")
            .row(clients, watchers.size(), clients - watchers.size(), String.format("%.1f s", connectSeconds),
                dropped, errors.count(), missing, gaps)
            .end();

        double producedPerSecond = produced.sum() / (double) seconds;
        double deliveredPerSecond = delivered.sum() / (double) seconds;
        report.heading("## Throughput in the measured stretch");
        report.table("tokens produced", "per second", "nominal per second (sessions × " + (1000 / ITL_MS) + ")",
                "tokens delivered to clients", "per second", "turns ended (whole run)")
            .row(produced.sum(), Report.number(producedPerSecond, 0), sessions * (1000 / ITL_MS), delivered.sum(),
                Report.number(deliveredPerSecond, 0), turnsEnded)
            .end();
        report.paragraph("Tokens produced are those the first client of each session received: every client of a "
            + "session should get the same.");

        report.heading("## Delivery lag: client received minus the hop's time");
        report.table("from", "p50", "p95", "p99", "max", "tokens")
            .row("produced: the worker handed the chunk to its Kafka producer", Report.ms(fromProduced.percentile(50)),
                Report.ms(fromProduced.percentile(95)), Report.ms(fromProduced.percentile(99)),
                Report.ms(fromProduced.max()), fromProduced.count())
            .row("acknowledged: Kafka acknowledged it to the worker (carried by the session's next chunk)",
                Report.ms(fromAcked.percentile(50)), Report.ms(fromAcked.percentile(95)),
                Report.ms(fromAcked.percentile(99)), Report.ms(fromAcked.max()), fromAcked.count())
            .row("relayed: the gateway's relay read it from Kafka", Report.ms(fromRelayed.percentile(50)),
                Report.ms(fromRelayed.percentile(95)), Report.ms(fromRelayed.percentile(99)),
                Report.ms(fromRelayed.max()), fromRelayed.count())
            .row("written: the gateway wrote it to the client's connection", Report.ms(fromWritten.percentile(50)),
                Report.ms(fromWritten.percentile(95)), Report.ms(fromWritten.percentile(99)),
                Report.ms(fromWritten.max()), fromWritten.count())
            .end();
        report.paragraph("\"produced\" is when the worker called its producer, so that row includes the producer's "
            + "batching, the append and the relay's fetch. A record cannot carry its own acknowledgement: the next "
            + "chunk of the attempt carries it, so \"acknowledged\" covers every chunk but a reply's last ones. "
            + "\"written\" is taken when the gateway's event loop hands the event to the connection, "
            + "so the last row is the time in the socket and the bench client's event loop. All clocks are this "
            + "JVM's.");

        report.heading("## CPU time per 1,000 tokens (ms), by thread group");
        report.paragraph(ThreadCpu.NOTE);
        List<String> columns = new ArrayList<>(List.of("per 1,000 tokens", "tokens"));
        columns.addAll(ThreadCpu.Usage.columns());
        Report.Table table = report.table(columns.toArray(String[]::new));
        List<Object> perDelivered = new ArrayList<>(List.of("delivered to clients", delivered.sum()));
        perDelivered.addAll(cpu.cells(delivered.sum()));
        List<Object> perProduced = new ArrayList<>(List.of("produced", produced.sum()));
        perProduced.addAll(cpu.cells(produced.sum()));
        table.row(perDelivered.toArray()).row(perProduced.toArray()).end();

        ProcessMemory memory = ProcessMemory.read();
        report.paragraph("Memory of the whole JVM at the end: " + memory.describe() + ".");
        report.heading("## Errors and disconnections");
        report.problems(settled ? List.of() : List.of("Turns still in flight 60 s after the last was posted: the "
            + "missing-token count may include their tokens."), drops, errors,
            "None: every client stayed connected and got every token.");

        report.put("sessions", sessions);
        report.put("clientsPerSession", clientsPerSession);
        report.put("clients", clients);
        report.put("clientsConnected", watchers.size());
        report.put("connectSeconds", Report.round(connectSeconds));
        report.put("clientsDropped", dropped);
        report.put("tokensMissingAtConnectedClients", missing);
        report.put("seqGaps", gaps);
        report.put("turnsSettled", settled);
        report.put("prompt", PROMPT);
        report.put("warmUpSeconds", WARM_UP_SECONDS);
        report.put("measuredSeconds", seconds);
        report.put("tokensProduced", produced.sum());
        report.put("tokensProducedPerSecond", Report.round(producedPerSecond));
        report.put("tokensDelivered", delivered.sum());
        report.put("tokensDeliveredPerSecond", Report.round(deliveredPerSecond));
        report.put("turnsEnded", turnsEnded);
        report.put("lagFromProduced", fromProduced.summary());
        report.put("lagFromAcked", fromAcked.summary());
        report.put("lagFromRelayed", fromRelayed.summary());
        report.put("lagFromWritten", fromWritten.summary());
        report.put("lagNote", "produced = the worker handed the chunk to its Kafka producer; acked = Kafka "
            + "acknowledged it, as carried by the attempt's next chunk");
        report.put("cpuPerDeliveredTokens", cpu.summary(delivered.sum()));
        report.put("cpuPerProducedTokens", cpu.summary(produced.sum()));
        report.put("memory", memory);
        report.write();
    }

    /** Counts and times the clients' events. */
    private final class Listener implements EventStreams.Listener {

        @Override
        public void onEvent(EventStreams.Watcher watcher, String type, String data, long receivedMicros) {
            if (type.equals("token")) {
                token(watcher, (Client) watcher.state, data, receivedMicros);
            } else if (!turns.onEnd(watcher.sessionId, type, data)) {
                errors.add("event " + type + ": " + data);
            }
        }

        private void token(EventStreams.Watcher watcher, Client client, String data, long receivedMicros) {
            client.gaps += client.order.missedBefore(JsonFields.text(data, "turnId"), JsonFields.number(data, "seq"));
            client.tokens++;
            if (measuring) {
                delivered.increment();
                if (watcher.index == 0) {
                    produced.increment();
                }
                long producedAt = JsonFields.number(data, "produced");
                long relayedAt = JsonFields.number(data, "relayed");
                long writtenAt = JsonFields.number(data, "written");
                long previousAcked = JsonFields.number(data, "previousAcked");
                if (previousAcked > 0 && client.lastReceived > 0) {
                    fromAcked.recordMicros(client.lastReceived - previousAcked);
                }
                client.lastReceived = receivedMicros;
                if (producedAt > 0) {
                    fromProduced.recordMicros(receivedMicros - producedAt);
                }
                if (relayedAt > 0) {
                    fromRelayed.recordMicros(receivedMicros - relayedAt);
                }
                if (writtenAt > 0) {
                    fromWritten.recordMicros(receivedMicros - writtenAt);
                }
            }
        }

        @Override
        public void onDropped(EventStreams.Watcher watcher, String why) {
            ((Client) watcher.state).dropped = true;
            drops.add(why);
        }
    }
}
