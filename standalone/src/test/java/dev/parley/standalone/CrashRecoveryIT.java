package dev.parley.standalone;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.avro.AssistantReply;
import dev.parley.avro.LedgerEvent;
import dev.parley.avro.ReplyCancelled;
import dev.parley.avro.ReplyFailed;
import dev.parley.avro.UserTurn;
import dev.parley.schemas.topics.Topics;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The crash test of the all-in-one process: concurrent sessions post turns back to back with SSE watchers while
 * {@code ./parley start} is SIGKILLed mid-stream and started again on the same data directory, several times. Then
 * the ledger is audited with read_committed and compared with what every client saw.
 */
@DisplayName("./parley start killed with SIGKILL mid-stream and restarted: every accepted turn ends exactly once, "
    + "and clients see exactly the ledger's replies")
class CrashRecoveryIT {

    private static final int SESSIONS = 6;
    private static final int KILLS = 3;
    private static final Duration START = Duration.ofSeconds(180);
    /** Long enough that a kill usually lands mid-stream, short enough that many turns end between kills. */
    private static final String PROMPT = "tell me more\n#sim: tokens=30 itl_ms=20";
    private static final List<String> TERMINALS = List.of("done", "failed", "cancelled");
    /**
     * The embedded broker's own threads (controller, coordinators, raft, request handlers, log maintenance): what they
     * log is Kafka's, not Parley's, and on a starved CPU they log ERRORs Parley cannot act on (a controller queue
     * overloaded, a coordinator load stopped by a leader-epoch bump and redone). The audit above judges the outcome;
     * every ERROR of any other thread — Parley's own, and its Kafka clients' — fails the test.
     */
    private static final Pattern BROKER_THREAD = Pattern.compile(" ERROR \\[(quorum-controller-|group-coordinator-"
        + "|transaction-coordinator-|share-coordinator-|kafka-raft-|raft-|data-plane-kafka-|controller-|broker-\\d"
        + "|kafka-scheduler-|ReplicaFetcherThread|LogCleaner|ExpirationReaper)[^\\]]*\\] (o\\.a\\.k\\.|kafka\\.)");

    @Test
    @DisplayName("three SIGKILLs under six streaming sessions: one terminal event per accepted turn, no duplicate "
        + "turn from a retried POST, streamed text equals ledger text, no gap or duplicate in any resumed stream")
    void killedAndRestarted(@TempDir Path dataDir) throws Exception {
        // embeddings off: the ONNX model would take both cores during every catch-up
        ParleyProcess parley = new ParleyProcess(dataDir, Map.of("PARLEY_EMBEDDINGS", "none"));
        Random random = new Random(42);
        List<String> measurements = new ArrayList<>();
        parley.start(dataDir.resolve("run-0.log"));
        try {
            parley.awaitReady(START);
            List<SessionDriver> drivers = new ArrayList<>();
            for (int i = 0; i < SESSIONS; i++) {
                drivers.add(new SessionDriver(parley.api, parley.api.createSession()));
            }
            drivers.forEach(SessionDriver::start);

            for (int kill = 1; kill <= KILLS; kill++) {
                int before = completed(drivers);
                await().atMost(Duration.ofSeconds(120)).until(() -> completed(drivers) >= before + SESSIONS);
                Thread.sleep(random.nextInt(800)); // the kill's moment, not an outcome: anywhere in a reply
                parley.kill();

                long restarted = System.nanoTime();
                parley.start(dataDir.resolve("run-" + kill + ".log"));
                parley.awaitReady(START);
                long ready = System.nanoTime();
                await().atMost(Duration.ofSeconds(120)).until(() -> drivers.stream()
                    .anyMatch(driver -> driver.tokenAfter(restarted)));
                long firstToken = drivers.stream().mapToLong(driver -> driver.firstTokenAfter(restarted))
                    .filter(at -> at > 0).min().orElseThrow();
                measurements.add(String.format("kill %d: ready %d ms after the restart, first token %d ms after it",
                    kill, TimeUnit.NANOSECONDS.toMillis(ready - restarted),
                    TimeUnit.NANOSECONDS.toMillis(firstToken - restarted)));
            }
            int afterKills = completed(drivers);
            await().atMost(Duration.ofSeconds(120)).until(() -> completed(drivers) >= afterKills + SESSIONS);
            drivers.forEach(SessionDriver::stop);
            for (SessionDriver driver : drivers) {
                driver.join();
            }

            Map<String, List<LedgerEvent>> ledger = readLedger(parley);
            int turns = 0;
            for (SessionDriver driver : drivers) {
                turns += audit(driver, ledger.getOrDefault(driver.session, List.of()),
                    turnId -> driver.diagnosis(turnId, parley, dataDir));
            }
            measurements.add(turns + " turns in " + SESSIONS + " sessions audited");
            Files.write(Path.of("target", "crash-recovery.txt"), measurements);
            measurements.forEach(line -> System.out.println("crash-recovery: " + line));

            parley.interrupt();
            assertTrue(parley.process().waitFor(60, TimeUnit.SECONDS), "Ctrl-C stops everything");
        } catch (AssertionError | org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError(e.getMessage() + "\nAfter: " + measurements + "\nTransactions: "
                + transactions(parley) + "\nThe log of the current run ends:\n" + parley.logTail(), e);
        } finally {
            parley.process().destroyForcibly();
        }
        for (int run = 0; run <= KILLS; run++) {
            Path log = dataDir.resolve("run-" + run + ".log");
            List<String> errors = Files.readAllLines(log).stream().filter(line -> line.contains(" ERROR "))
                .filter(line -> !BROKER_THREAD.matcher(line).find()).toList();
            assertEquals(List.of(), errors, "recovering from a kill is expected, not an error (" + log + ")");
        }
    }

    /** The broker's transactions and their states, for a failure message. */
    private static String transactions(ParleyProcess parley) {
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                Map.<String, Object>of("bootstrap.servers", parley.bootstrapServers()))) {
            List<String> ids = admin.listTransactions().all().get(10, TimeUnit.SECONDS).stream()
                .map(org.apache.kafka.clients.admin.TransactionListing::transactionalId).toList();
            return admin.describeTransactions(ids).all().get(10, TimeUnit.SECONDS).toString();
        } catch (Exception e) {
            return "(could not describe them: " + e + ")";
        }
    }

    private static int completed(List<SessionDriver> drivers) {
        return drivers.stream().mapToInt(SessionDriver::completed).sum();
    }

    /**
     * Checks one session against the ledger; returns how many turns it had. A failure about a turn carries
     * {@code diagnose}'s report on it: what the ledger, the token topic, the client and the logs know of it.
     */
    private static int audit(SessionDriver driver, List<LedgerEvent> events,
                             java.util.function.Function<String, String> diagnose) throws Exception {
        assertTrue(driver.failure == null, () -> "session " + driver.session + ": " + driver.failure
            + (driver.failedTurn == null ? "" : diagnose.apply(driver.failedTurn)));
        Map<String, String> turnByClientTurn = new HashMap<>();
        Map<String, List<LedgerEvent>> terminals = new HashMap<>();
        for (LedgerEvent event : events) {
            Object payload = event.getPayload();
            if (payload instanceof UserTurn turn) {
                String earlier = turnByClientTurn.put(turn.getClientTurnId(), event.getTurnId());
                assertEquals(null, earlier, "a retried POST appended clientTurnId " + turn.getClientTurnId() + " twice");
                terminals.putIfAbsent(event.getTurnId(), new ArrayList<>());
            } else if (payload instanceof AssistantReply || payload instanceof ReplyFailed
                || payload instanceof ReplyCancelled) {
                terminals.computeIfAbsent(event.getTurnId(), id -> new ArrayList<>()).add(event);
            }
        }
        terminals.forEach((turnId, ends) -> assertEquals(1, ends.size(),
            () -> "turn " + turnId + " of session " + driver.session + " has " + ends.size() + " terminal events"
                + diagnose.apply(turnId)));

        List<SseClient.Event> seen = driver.events();
        for (Map.Entry<String, String> accepted : driver.accepted.entrySet()) {
            try {
                auditTurn(accepted.getKey(), accepted.getValue(), turnByClientTurn, terminals, seen);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError(e.getMessage() + diagnose.apply(accepted.getValue()), e);
            }
        }
        return turnByClientTurn.size();
    }

    /** One accepted turn: the ledger's, one terminal event, and the client saw exactly its reply. */
    private static void auditTurn(String clientTurnId, String turnId, Map<String, String> turnByClientTurn,
                                  Map<String, List<LedgerEvent>> terminals, List<SseClient.Event> seen)
            throws Exception {
        assertEquals(turnId, turnByClientTurn.get(clientTurnId), "the 202's turnId is the ledger's");
        LedgerEvent end = terminals.get(turnId).get(0);
        AssistantReply reply = (AssistantReply) end.getPayload();
        List<SseClient.Event> ends = seen.stream().filter(e -> TERMINALS.contains(e.type()))
            .filter(e -> turnOf(e).equals(turnId)).toList();
        assertEquals(1, ends.size(), "one terminal event reaches the client for turn " + turnId + ": " + ends);
        assertEquals("done", ends.get(0).type());
        assertEquals(end.getAttempt(), ParleyHttp.JSON.readTree(ends.get(0).data()).get("attempt").asInt(),
            "the client's done is for the attempt the ledger recorded");
        assertEquals(reply.getText(), ParleyHttp.streamedReply(seen, turnId), "streamed text == ledger text");
        assertSeqsWithoutGapsOrDuplicates(seen, turnId);
    }

    /** Every attempt the client saw: seq 0, 1, 2, ... each once; every attempt after the first announced by reset. */
    private static void assertSeqsWithoutGapsOrDuplicates(List<SseClient.Event> seen, String turnId) throws Exception {
        Map<Integer, Integer> nextSeq = new HashMap<>();
        int announced = 1;
        for (SseClient.Event event : seen) {
            if (!turnOf(event).equals(turnId)) {
                continue;
            }
            JsonNode data = ParleyHttp.JSON.readTree(event.data());
            if (event.type().equals("reset")) {
                announced = data.get("attempt").asInt();
            } else if (event.type().equals("token")) {
                int attempt = data.get("attempt").asInt();
                assertEquals(announced, attempt, "attempt " + attempt + " of " + turnId + " without its reset");
                int expected = nextSeq.getOrDefault(attempt, 0);
                assertEquals(expected, data.get("seq").asInt(), "turn " + turnId + " attempt " + attempt);
                nextSeq.put(attempt, expected + 1);
            }
        }
    }

    private static String turnOf(SseClient.Event event) {
        try {
            JsonNode turn = ParleyHttp.JSON.readTree(event.data()).get("turnId");
            return turn == null ? "" : turn.asText();
        } catch (IOException notJson) {
            return "";
        }
    }

    /** The whole ledger as a read_committed consumer sees it, by session. */
    private static Map<String, List<LedgerEvent>> readLedger(ParleyProcess parley) {
        Map<String, List<LedgerEvent>> bySession = new HashMap<>();
        for (TurnDiagnosis.Logged<LedgerEvent> logged : TurnDiagnosis.readAll(parley, Topics.LEDGER, "read_committed")) {
            bySession.computeIfAbsent(logged.value().getSessionId(), s -> new ArrayList<>()).add(logged.value());
        }
        return bySession;
    }

    /**
     * One session's user: posts turns back to back, each with a clientTurnId that it retries until it gets a 202,
     * and watches the session's events over SSE, resuming with Last-Event-ID whenever the connection drops.
     */
    private static final class SessionDriver {

        final String session;
        /** clientTurnId → the turnId its 202 answered, in posting order. */
        final Map<String, String> accepted = new java.util.LinkedHashMap<>();
        private final ParleyHttp api;
        private final Thread thread;
        private final List<SseClient.Event> history = new CopyOnWriteArrayList<>();
        private volatile SseClient connection;
        private volatile int completed;
        private volatile boolean stopping;
        private volatile String failure;
        /** The turn whose terminal event never came, when that is the failure. */
        private volatile String failedTurn;
        /** Every event of every connection, errors included, and how each connection went: for a failure message. */
        private final List<SseClient.Event> everything = new CopyOnWriteArrayList<>();
        private final List<String> connections = new CopyOnWriteArrayList<>();

        SessionDriver(ParleyHttp api, String session) {
            this.api = api;
            this.session = session;
            this.thread = new Thread(this::run, "driver-" + session);
            thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        void stop() {
            stopping = true;
        }

        void join() throws InterruptedException {
            thread.join(TimeUnit.MINUTES.toMillis(3));
            if (connection != null) {
                connection.close();
            }
        }

        int completed() {
            return completed;
        }

        private void run() {
            try {
                for (int n = 0; !stopping; n++) {
                    String clientTurnId = "turn-" + n;
                    String turnId = post(clientTurnId);
                    synchronized (accepted) {
                        accepted.put(clientTurnId, turnId);
                    }
                    if (connection == null) {
                        connection = api.events(session, ParleyHttp.turnQuery(turnId));
                        connections.add("?turnId=" + turnId);
                    }
                    awaitTerminal(turnId);
                    completed++;
                }
            } catch (Exception | AssertionError e) {
                failure = e.toString();
            }
        }

        /** POSTs until a 202 answers, with the same clientTurnId every time: the server decides once. */
        private String post(String clientTurnId) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            String turnId = null;
            while (System.nanoTime() < deadline) {
                try {
                    HttpResponse<String> answer = api.submitTurn(session, PROMPT, clientTurnId);
                    if (answer.statusCode() == 202) {
                        turnId = ParleyHttp.JSON.readTree(answer.body()).get("turnId").asText();
                        break;
                    }
                } catch (IOException down) {
                    // the process is being killed or restarted: the same POST again
                }
                Thread.sleep(100);
            }
            if (turnId == null) {
                throw new AssertionError("no 202 for " + clientTurnId + " within 3 minutes");
            }
            // once more: a retry after a lost 202 must get the same turn, not a second one
            try {
                HttpResponse<String> again = api.submitTurn(session, PROMPT, clientTurnId);
                if (again.statusCode() == 202) {
                    assertEquals(turnId, ParleyHttp.JSON.readTree(again.body()).get("turnId").asText());
                }
            } catch (IOException down) {
                // killed meanwhile: the next turn's POST waits for the restart
            }
            return turnId;
        }

        private void awaitTerminal(String turnId) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            while (System.nanoTime() < deadline) {
                if (connection.ended()) {
                    reconnect();
                }
                for (SseClient.Event event : connection.events()) {
                    if (TERMINALS.contains(event.type()) && turnOf(event).equals(turnId)) {
                        return;
                    }
                }
                Thread.sleep(20);
            }
            failedTurn = turnId;
            throw new AssertionError("turn " + turnId + " had no terminal event within 3 minutes");
        }

        /** Keeps what the dropped connection delivered and resumes after its last event. */
        private void reconnect() throws InterruptedException {
            everything.addAll(connection.events());
            connections.set(connections.size() - 1, connections.get(connections.size() - 1) + ": status "
                + connection.status() + ", " + connection.events().size() + " event(s)");
            connection.events().stream().filter(e -> e.id() != null && !e.type().equals("error"))
                .forEach(history::add);
            String last = history.isEmpty() ? null : history.get(history.size() - 1).id();
            Thread.sleep(100);
            String first;
            synchronized (accepted) {
                first = accepted.values().iterator().next();
            }
            connection = last == null ? api.events(session, ParleyHttp.turnQuery(first))
                : api.eventsAfter(session, last);
            connections.add(last == null ? "?turnId=" + first : "Last-Event-ID " + last);
        }

        /** What is known about one of this session's turns, for a failure message. */
        String diagnosis(String turnId, ParleyProcess parley, Path dataDir) {
            List<SseClient.Event> all = new ArrayList<>(everything);
            SseClient current = connection;
            if (current != null) {
                all.addAll(current.events());
            }
            String how = "connections: " + String.join("; ", connections)
                + (current == null ? "" : "; the current one " + (current.ended() ? "ended" : "open"));
            return TurnDiagnosis.of(turnId, parley, all, how, dataDir);
        }

        /** Everything the client received, across its connections, in order. */
        List<SseClient.Event> events() {
            List<SseClient.Event> all = new ArrayList<>(history);
            SseClient current = connection;
            if (current != null) {
                current.events().stream().filter(e -> e.id() != null && !e.type().equals("error")).forEach(all::add);
            }
            return all;
        }

        boolean tokenAfter(long nanos) {
            return firstTokenAfter(nanos) > 0;
        }

        long firstTokenAfter(long nanos) {
            return events().stream().filter(e -> e.type().equals("token") && e.receivedNanos() > nanos)
                .mapToLong(SseClient.Event::receivedNanos).min().orElse(0);
        }
    }
}
