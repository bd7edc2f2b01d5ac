package dev.parley.ingest.support;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for postprocess-streams' query API ({@code /sessions/{sid}}, {@code /sessions/{sid}/search}) on a
 * random port: answers what a test scripts for a session, records every request, and by default answers 404
 * session_not_found as postprocess does for a session it has not read yet.
 */
public final class FakePostprocess implements AutoCloseable {

    /** A request as it arrived: the path, the raw query string and the decoded q and k. */
    public record Request(String path, String rawQuery, String q, String k) {
    }

    /**
     * What to answer; {@link #NEVER} holds the request open without answering, {@link #TRICKLE} sends a 200
     * JSON body one byte every {@link #TRICKLE_INTERVAL_MS} ms (six seconds in all).
     */
    public record Answer(int status, String contentType, String body, Map<String, String> headers) {

        public static final Answer NEVER = new Answer(0, null, null, Map.of());
        public static final Answer TRICKLE = new Answer(200, "application/json", "{\"a\":\"1234567\"}", Map.of());

        public static Answer json(int status, String body) {
            return new Answer(status, "application/json", body, Map.of());
        }

        public static Answer error(int status, String code, String message) {
            return json(status, new JsonObject().put("error", new JsonObject().put("code", code)
                    .put("message", message)).encode());
        }

        public static Answer text(int status, String contentType, String body) {
            return new Answer(status, contentType, body, Map.of());
        }

        public Answer withHeader(String name, String value) {
            return new Answer(status, contentType, body, Map.of(name, value));
        }
    }

    public static final long TRICKLE_INTERVAL_MS = 400;

    private static final Answer NO_SNAPSHOT = Answer.error(404, "session_not_found", "no snapshot yet");

    private final Vertx vertx;
    private final HttpServer server;
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    private final Map<String, List<Request>> requests = new ConcurrentHashMap<>();

    private FakePostprocess() {
        vertx = Vertx.vertx();
        // a 1000-character query percent-encodes to up to 12 KB: postprocess must read request lines that long
        server = vertx.createHttpServer(new HttpServerOptions().setMaxInitialLineLength(16_384))
                .requestHandler(this::handle).listen(0)
                .toCompletionStage().toCompletableFuture().join();
    }

    public static FakePostprocess start() {
        return new FakePostprocess();
    }

    /** A port nothing listens on (bound, then released). */
    public static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The base URL, as PARLEY_POSTPROCESS_URL. */
    public String url() {
        return "http://localhost:" + server.actualPort();
    }

    /** Answers every request for this session with {@code answer}. */
    public void answer(String sessionId, Answer answer) {
        answers.put(sessionId, answer);
    }

    /** The requests that named this session, in arrival order. */
    public List<Request> requestsFor(String sessionId) {
        return List.copyOf(requests.getOrDefault(sessionId, List.of()));
    }

    @Override
    public void close() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    private void handle(HttpServerRequest request) {
        String[] segments = request.path().split("/");
        // "", "sessions", sid[, "search"]; "", "usage", principal; "", "principals", principal, "sessions"
        String sessionId = segments.length >= 3 ? segments[2] : "";
        requests.computeIfAbsent(sessionId, id -> new CopyOnWriteArrayList<>())
                .add(new Request(request.path(), request.query(), request.getParam("q"), request.getParam("k")));
        Answer answer = answers.getOrDefault(sessionId, segments.length >= 2 && segments[1].equals("principals")
                ? noSessions(sessionId) : NO_SNAPSHOT);
        if (answer == Answer.NEVER) {
            return;
        }
        if (answer == Answer.TRICKLE) {
            trickle(request, answer.body());
            return;
        }
        answer.headers().forEach(request.response()::putHeader);
        if (answer.contentType() != null) {
            request.response().putHeader("Content-Type", answer.contentType());
        }
        request.response().setStatusCode(answer.status()).end(answer.body());
    }

    /** What postprocess answers for a principal it has seen no session of: an empty list, not a 404. */
    private static Answer noSessions(String principal) {
        return Answer.json(200, new JsonObject().put("principal", principal)
                .put("sessions", new JsonArray()).encode());
    }

    private void trickle(HttpServerRequest request, String body) {
        request.response().setChunked(true).putHeader("Content-Type", "application/json");
        int[] sent = {0};
        vertx.setPeriodic(TRICKLE_INTERVAL_MS, timer -> {
            if (request.response().closed() || sent[0] == body.length()) {
                vertx.cancelTimer(timer);
                request.response().end();
                return;
            }
            request.response().write(body.substring(sent[0], sent[0] + 1));
            sent[0]++;
        });
    }
}
