package dev.parley.standalone.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;

/**
 * One session's user, on its own thread: posts turns back to back, each with a clientTurnId that it retries until
 * a 202 answers, and watches the session's events over SSE, resuming with Last-Event-ID whenever the connection
 * drops. With several gateways it moves to the next one when a POST cannot reach its gateway or a connection ends:
 * what a client behind a load balancer sees when a gateway dies.
 */
public final class SessionDriver {

    /** The SSE event types that end a turn. */
    public static final List<String> TERMINALS = List.of("done", "failed", "cancelled");
    private static final long TURN_TIMEOUT_NANOS = TimeUnit.MINUTES.toNanos(3);

    private final String session;
    private final List<ParleyHttp> gateways;
    private final String prompt;
    private final int maxTurns;
    /** clientTurnId → the turnId its 202 answered, in posting order. */
    private final Map<String, String> accepted = new LinkedHashMap<>();
    private final Thread thread;
    private final List<SseClient.Event> history = new CopyOnWriteArrayList<>();
    /** Every event of every connection, errors included, and how each connection went: for a failure message. */
    private final List<SseClient.Event> everything = new CopyOnWriteArrayList<>();
    private final List<String> connections = new CopyOnWriteArrayList<>();
    private volatile int gateway;
    private volatile SseClient connection;
    private volatile int completed;
    private volatile boolean stopping;
    private volatile String failure;
    private volatile String failedTurn;

    /**
     * @param gateways where to post and watch, starting with {@code firstGateway} (modulo their number)
     * @param maxTurns how many turns to post at most; it stops earlier when {@link #stop()} is called
     */
    public SessionDriver(List<ParleyHttp> gateways, int firstGateway, String session, String prompt, int maxTurns) {
        this.gateways = List.copyOf(gateways);
        this.gateway = Math.floorMod(firstGateway, gateways.size());
        this.session = session;
        this.prompt = prompt;
        this.maxTurns = maxTurns;
        this.thread = new Thread(this::run, "driver-" + session);
        thread.setDaemon(true);
    }

    /** A session created on the first gateway that answers, starting at {@code firstGateway}. */
    public static String createSession(List<ParleyHttp> gateways, int firstGateway) throws Exception {
        IOException last = null;
        for (int i = 0; i < gateways.size(); i++) {
            try {
                return gateways.get(Math.floorMod(firstGateway + i, gateways.size())).createSession();
            } catch (IOException down) {
                last = down;
            }
        }
        throw last;
    }

    public void start() {
        thread.start();
    }

    /** Posts no new turn after the current one ends. */
    public void stop() {
        stopping = true;
    }

    /** Waits for the thread (at most three minutes), then closes the connection. */
    public void join() throws InterruptedException {
        thread.join(TimeUnit.MINUTES.toMillis(3));
        SseClient current = connection;
        if (current != null) {
            current.close();
        }
    }

    public boolean finished() {
        return !thread.isAlive();
    }

    public String session() {
        return session;
    }

    /** The index of the gateway it posts to and watches through now. */
    public int gateway() {
        return gateway;
    }

    /** Turns whose terminal event this client has seen. */
    public int completed() {
        return completed;
    }

    /** Why the driver stopped early (no 202 or no terminal event in time), or null. */
    public String failure() {
        return failure;
    }

    /** The turn whose terminal event never came, when that is the failure; else null. */
    public String failedTurn() {
        return failedTurn;
    }

    /** clientTurnId → the turnId its 202 answered, in posting order. */
    public Map<String, String> accepted() {
        synchronized (accepted) {
            return new LinkedHashMap<>(accepted);
        }
    }

    /** Everything the client received that carries an id, across its connections, in order. */
    public List<SseClient.Event> events() {
        List<SseClient.Event> all = new ArrayList<>(history);
        SseClient current = connection;
        if (current != null) {
            current.events().stream().filter(SessionDriver::delivered).forEach(all::add);
        }
        return all;
    }

    /** Every event of every connection, errors included, for a failure message. */
    public List<SseClient.Event> everything() {
        List<SseClient.Event> all = new ArrayList<>(everything);
        SseClient current = connection;
        if (current != null) {
            all.addAll(current.events());
        }
        return all;
    }

    /** How each connection started and ended, for a failure message. */
    public String connectionLog() {
        SseClient current = connection;
        return "connections: " + String.join("; ", connections)
            + (current == null ? "" : "; the current one " + (current.ended() ? "ended" : "open"));
    }

    /**
     * The tokens received so far of the turn streaming now, or -1 between turns (nothing received yet, or the last
     * event ended a turn): a test that must act mid-stream waits for a small positive count.
     */
    public int currentTurnTokens() {
        int tokens = -1;
        for (SseClient.Event event : events()) {
            switch (event.type()) {
                case "token" -> tokens = Math.max(tokens, 0) + 1;
                case "done", "failed", "cancelled" -> tokens = -1;
                default -> {
                }
            }
        }
        return tokens;
    }

    /** When the first event of {@code type} arrived after {@code nanos} ({@link System#nanoTime()}), or 0. */
    public long firstAfter(long nanos, String type) {
        return events().stream().filter(e -> e.type().equals(type) && e.receivedNanos() > nanos)
            .mapToLong(SseClient.Event::receivedNanos).min().orElse(0);
    }

    /**
     * When the first token of an attempt that {@code attempt} accepts arrived after {@code nanos}, or 0: e.g. the
     * first token of a regenerated attempt (&gt; 1) after a worker was killed.
     */
    public long firstTokenAfter(long nanos, IntPredicate attempt) {
        for (SseClient.Event event : events()) {
            if (event.type().equals("token") && event.receivedNanos() > nanos
                && attempt.test(json(event).path("attempt").asInt())) {
                return event.receivedNanos();
            }
        }
        return 0;
    }

    private void run() {
        try {
            for (int n = 0; n < maxTurns && !stopping; n++) {
                String clientTurnId = "turn-" + n;
                String turnId = post(clientTurnId);
                synchronized (accepted) {
                    accepted.put(clientTurnId, turnId);
                }
                if (connection == null) {
                    connection = gateways.get(gateway).events(session, ParleyHttp.turnQuery(turnId));
                    connections.add("gateway " + gateway + " ?turnId=" + turnId);
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
        long deadline = System.nanoTime() + TURN_TIMEOUT_NANOS;
        String turnId = null;
        while (turnId == null && System.nanoTime() < deadline) {
            try {
                HttpResponse<String> answer = gateways.get(gateway).submitTurn(session, prompt, clientTurnId);
                if (answer.statusCode() == 202) {
                    turnId = ParleyHttp.JSON.readTree(answer.body()).get("turnId").asText();
                    break;
                }
            } catch (IOException down) {
                nextGateway(); // this gateway is gone: the same POST to the next
            }
            Thread.sleep(100);
        }
        if (turnId == null) {
            throw new AssertionError("no 202 for " + clientTurnId + " within 3 minutes");
        }
        // once more: a retry after a lost 202 must get the same turn, not a second one
        try {
            HttpResponse<String> again = gateways.get(gateway).submitTurn(session, prompt, clientTurnId);
            if (again.statusCode() == 202) {
                String second = ParleyHttp.JSON.readTree(again.body()).get("turnId").asText();
                if (!second.equals(turnId)) {
                    throw new AssertionError("a retried POST of " + clientTurnId + " got turn " + second
                        + " after " + turnId);
                }
            }
        } catch (IOException down) {
            nextGateway(); // killed meanwhile: the next turn's POST goes to the next gateway
        }
        return turnId;
    }

    private void awaitTerminal(String turnId) throws Exception {
        long deadline = System.nanoTime() + TURN_TIMEOUT_NANOS;
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

    /** Keeps what the dropped connection delivered and resumes after its last event, on the next gateway. */
    private void reconnect() throws InterruptedException {
        everything.addAll(connection.events());
        connections.set(connections.size() - 1, connections.get(connections.size() - 1) + ": status "
            + connection.status() + ", " + connection.events().size() + " event(s)");
        connection.events().stream().filter(SessionDriver::delivered).forEach(history::add);
        String last = history.isEmpty() ? null : history.get(history.size() - 1).id();
        Thread.sleep(100);
        nextGateway();
        String first;
        synchronized (accepted) {
            first = accepted.values().iterator().next();
        }
        ParleyHttp api = gateways.get(gateway);
        connection = last == null ? api.events(session, ParleyHttp.turnQuery(first)) : api.eventsAfter(session, last);
        connections.add("gateway " + gateway + (last == null ? " ?turnId=" + first : " Last-Event-ID " + last));
    }

    private void nextGateway() {
        gateway = (gateway + 1) % gateways.size();
    }

    private static boolean delivered(SseClient.Event event) {
        return event.id() != null && !event.type().equals("error");
    }

    /** The event's turnId, or "" when it has none. */
    public static String turnOf(SseClient.Event event) {
        return json(event).path("turnId").asText("");
    }

    private static JsonNode json(SseClient.Event event) {
        try {
            return ParleyHttp.JSON.readTree(event.data());
        } catch (IOException notJson) {
            return ParleyHttp.JSON.missingNode();
        }
    }
}
