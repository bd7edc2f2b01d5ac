package dev.parley.bench;

import dev.parley.schemas.trace.HopTimes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.parsetools.RecordParser;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Thousands of SSE clients on a few threads: each a {@code GET /v1/sessions/{sid}/events} from now on one connection
 * of a Vert.x HTTP client (the bench's own Vert.x, threads {@code bench-*}), its events parsed as the lines arrive
 * and handed to a listener on the connection's event loop. Also posts sessions and turns.
 */
final class EventStreams implements AutoCloseable {

    /** What a scenario does with the events; called on the watcher's event loop. */
    interface Listener {
        /** One event: its type ({@code token}, {@code done}, ...), its data line, and when its data arrived. */
        void onEvent(Watcher watcher, String type, String data, long receivedMicros);

        /** The stream ended or failed while the bench still wanted it: the client was disconnected. */
        void onDropped(Watcher watcher, String why);
    }

    /** One SSE client of a session. Its fields are used on its connection's event loop only. */
    static final class Watcher {
        final String sessionId;
        final int index;
        /** The scenario's per-client state. */
        final Object state;
        private String eventType;

        private Watcher(String sessionId, int index, Object state) {
            this.sessionId = sessionId;
            this.index = index;
            this.state = state;
        }
    }

    private final Vertx vertx;
    private final HttpClientAgent streams;
    private final HttpClientAgent requests;
    private final int port;
    /** {@code Bearer <API key>} on every request, or null without authentication. */
    private final String authorization;
    private final AtomicBoolean closing = new AtomicBoolean();

    EventStreams(int port, int maxStreams) {
        this(port, maxStreams, null);
    }

    /** Clients that send {@code apiKey} with every request (null: none). */
    EventStreams(int port, int maxStreams, String apiKey) {
        this.port = port;
        this.authorization = apiKey == null ? null : "Bearer " + apiKey;
        this.vertx = NamedVertx.create("bench");
        HttpClientOptions options = new HttpClientOptions().setDefaultHost("localhost").setDefaultPort(port)
            .setConnectTimeout((int) Duration.ofSeconds(30).toMillis());
        // connections spread over as many event loops as there are cores (else all share the caller's one)
        this.streams = vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(maxStreams)
            .setEventLoopSize(Runtime.getRuntime().availableProcessors()));
        this.requests = vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(64));
    }

    /** Runs {@code task} on the bench's Vert.x after {@code delay}. */
    void later(Duration delay, Runnable task) {
        vertx.setTimer(Math.max(1, delay.toMillis()), timer -> task.run());
    }

    /** Creates a session; completes with its id. */
    Future<String> createSession() {
        return post("/v1/sessions", "", 201).map(body -> body.getString("sessionId"));
    }

    /** Posts a turn; completes with its id once the gateway accepted it (202). */
    Future<String> postTurn(String sessionId, String text) {
        return post("/v1/sessions/" + sessionId + "/turns", new JsonObject().put("text", text).encode(), 202)
            .map(body -> body.getString("turnId"));
    }

    private Future<JsonObject> post(String uri, String body, int expectedStatus) {
        return requests.request(HttpMethod.POST, port, "localhost", uri)
            .compose(request -> authorized(request).putHeader("Content-Type", "application/json").send(body))
            .compose(response -> response.body().compose(answer -> response.statusCode() == expectedStatus
                ? Future.succeededFuture(answer.toJsonObject())
                : Future.failedFuture("POST " + uri.replaceAll("[0-9a-f-]{36}", "{id}") + ": HTTP "
                    + response.statusCode() + " " + answer)));
    }

    /**
     * Opens a session's event stream from now ({@code ?trace=true} adds the hop times); completes once the gateway
     * answered 200, i.e. the stream is positioned.
     */
    Future<Watcher> watch(String sessionId, int index, Object state, boolean trace, Listener listener) {
        Watcher watcher = new Watcher(sessionId, index, state);
        String uri = "/v1/sessions/" + sessionId + "/events" + (trace ? "?trace=true" : "");
        return streams.request(HttpMethod.GET, port, "localhost", uri).compose(request -> authorized(request).send())
            .compose(response -> {
                if (response.statusCode() != 200) {
                    return response.body().compose(body -> Future.failedFuture("GET events: HTTP "
                        + response.statusCode() + " " + body));
                }
                response.handler(RecordParser.newDelimited("\n", line -> line(watcher, line, listener)));
                response.endHandler(ended -> dropped(watcher, listener, "the gateway ended the stream"));
                response.exceptionHandler(error -> dropped(watcher, listener, Errors.describe(error)));
                return Future.succeededFuture(watcher);
            });
    }

    private HttpClientRequest authorized(HttpClientRequest request) {
        return authorization == null ? request : request.putHeader("Authorization", authorization);
    }

    private static void line(Watcher watcher, Buffer line, Listener listener) {
        if (line.length() == 0 || line.getByte(0) == ':') {
            return; // end of an event (dispatched with its data line) or a comment (connected, heartbeat)
        }
        String text = line.toString();
        if (text.startsWith("event: ")) {
            watcher.eventType = text.substring("event: ".length());
        } else if (text.startsWith("data: ")) {
            listener.onEvent(watcher, watcher.eventType, text.substring("data: ".length()), HopTimes.now());
        }
    }

    private void dropped(Watcher watcher, Listener listener, String why) {
        if (!closing.get()) {
            listener.onDropped(watcher, why);
        }
    }

    /** Closes every stream and the bench's Vert.x; what ends now is not counted as dropped. */
    @Override
    public void close() {
        closing.set(true);
        streams.close().await();
        requests.close().await();
        vertx.close().await();
    }
}
