package dev.parley.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.schemas.trace.HopTimes;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One chat session as the bench's client: posts turns one after another and times each reply, over SSE (POST, then
 * a stream from the turn) or over one WebSocket for the whole session (a turn frame, then its events).
 */
abstract class ParleySession implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();

    final HttpClient http;
    final String base;
    final String sessionId;
    /** {@code Bearer <API key>} on every request, or null without authentication. */
    final String authorization;

    private ParleySession(HttpClient http, String base, String apiKey) {
        this.http = http;
        this.base = base;
        this.authorization = apiKey == null ? null : "Bearer " + apiKey;
        try {
            HttpResponse<String> created = http.send(request("/v1/sessions")
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            if (created.statusCode() != 201 && created.statusCode() != 200) {
                throw new IllegalStateException("HTTP " + created.statusCode() + ": " + created.body());
            }
            this.sessionId = JSON.readTree(created.body()).get("sessionId").asText();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating a session", e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create a session", e);
        }
    }

    static ParleySession open(HttpClient http, String base, Transport transport) {
        return open(http, base, transport, null);
    }

    /** A session of the principal whose API key this is (null: without authentication). */
    static ParleySession open(HttpClient http, String base, Transport transport, String apiKey) {
        return transport == Transport.WS ? new OverWebSocket(http, base, apiKey) : new OverSse(http, base, apiKey);
    }

    /** A request to {@code path} of the gateway, with the API key if there is one. */
    HttpRequest.Builder request(String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path));
        return authorization == null ? request : request.header("Authorization", authorization);
    }

    /**
     * Sends a turn and reads its reply; the clock starts before the turn is sent and stops at the first token, the
     * last token and {@code done}. Every token's hop times go into {@code hops} ({@code ?trace=true}). Fails on an
     * error answer, a {@code failed}, {@code cancelled}, {@code reset} or {@code error} event, or a token count
     * other than {@code expectedTokens}.
     */
    abstract TurnTiming turn(String text, HopBreakdown hops, int expectedTokens) throws Exception;

    @Override
    public void close() {
    }

    /** Counts a token event and adds its hop times. */
    static void token(TurnTiming.Clock clock, JsonNode data, HopBreakdown hops) {
        long receivedMicros = HopTimes.now();
        boolean first = clock.token();
        if (data.has("hops")) {
            JsonNode times = data.get("hops");
            hops.add(times, clock.sentMicros, receivedMicros, first);
            if (clock.previousHops != null && times.has("previousAcked")) {
                hops.addAcked(clock.previousHops, times.get("previousAcked").asLong(), clock.tokens() == 2);
            }
            clock.previousHops = times;
        }
    }

    /** POST the turn, then read {@code /events?turnId=} until done. */
    private static final class OverSse extends ParleySession {

        OverSse(HttpClient http, String base, String apiKey) {
            super(http, base, apiKey);
        }

        @Override
        TurnTiming turn(String text, HopBreakdown hops, int expectedTokens) throws Exception {
            TurnTiming.Clock clock = new TurnTiming.Clock();
            HttpRequest post = request("/v1/sessions/" + sessionId + "/turns")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("text", text)))).build();
            HttpResponse<String> accepted = send(post);
            if (accepted.statusCode() != 202) {
                throw new IllegalStateException("POST turn: HTTP " + accepted.statusCode() + " " + accepted.body());
            }
            String turn = JSON.readTree(accepted.body()).get("turnId").asText();
            HttpResponse<InputStream> events = http.send(
                request("/v1/sessions/" + sessionId + "/events?trace=true&turnId=" + turn).build(),
                HttpResponse.BodyHandlers.ofInputStream());
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(events.body(),
                    StandardCharsets.UTF_8))) {
                if (events.statusCode() != 200) {
                    throw new IllegalStateException("GET events: HTTP " + events.statusCode());
                }
                for (String line; (line = lines.readLine()) != null; ) {
                    if (!line.startsWith("event: ")) {
                        continue;
                    }
                    String type = line.substring("event: ".length());
                    String data = lines.readLine();
                    if (type.equals("token")) {
                        token(clock, JSON.readTree(data.substring("data: ".length())), hops);
                    } else if (type.equals("done")) {
                        return clock.end(expectedTokens);
                    } else {
                        throw new IllegalStateException("event " + type + ": " + data);
                    }
                }
            }
            throw new IllegalStateException("the event stream ended before done, after " + clock.tokens() + " tokens");
        }

        /**
         * Java's HTTP/1.1 client now and then hands out a pooled connection that a closed stream is just taking down
         * ("connection closed locally"): the request is sent once more. Without a clientTurnId (which costs a ledger
         * read per turn: measured about 50 ms at p50 with ten streams) a turn that did arrive the first time is then
         * generated twice; the session's next turn just waits for it.
         */
        private HttpResponse<String> send(HttpRequest request) throws Exception {
            try {
                return http.send(request, HttpResponse.BodyHandlers.ofString());
            } catch (IOException closedUnderUs) {
                return http.send(request, HttpResponse.BodyHandlers.ofString());
            }
        }
    }

    /** One WebSocket for the session: a {@code turn} frame, then frames until its {@code done}. */
    private static final class OverWebSocket extends ParleySession implements WebSocket.Listener {

        private final BlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
        private final StringBuilder partial = new StringBuilder();
        private final WebSocket socket;

        OverWebSocket(HttpClient http, String base, String apiKey) {
            super(http, base, apiKey);
            WebSocket.Builder builder = http.newWebSocketBuilder();
            if (authorization != null) {
                builder.header("Authorization", authorization);
            }
            this.socket = builder
                .buildAsync(URI.create(base.replaceFirst("^http", "ws") + "/v1/sessions/" + sessionId
                    + "/ws?trace=true"), this)
                .join();
        }

        @Override
        TurnTiming turn(String text, HopBreakdown hops, int expectedTokens) throws Exception {
            TurnTiming.Clock clock = new TurnTiming.Clock();
            socket.sendText(JSON.writeValueAsString(Map.of("type", "turn", "text", text)), true).join();
            String turnId = null;
            while (true) {
                JsonNode frame = frames.poll(60, TimeUnit.SECONDS);
                if (frame == null) {
                    throw new IllegalStateException("no frame within 60 s on session " + sessionId);
                }
                String type = frame.path("type").asText();
                if (type.equals("accepted")) {
                    turnId = frame.get("turnId").asText();
                } else if (type.equals("closed")) {
                    throw new IllegalStateException("the WebSocket closed: " + frame);
                } else if (turnId != null && turnId.equals(frame.path("turnId").asText())) {
                    if (type.equals("token")) {
                        token(clock, frame, hops);
                    } else if (type.equals("done")) {
                        return clock.end(expectedTokens);
                    } else {
                        throw new IllegalStateException("frame " + frame);
                    }
                } else if (type.equals("error")) {
                    throw new IllegalStateException("frame " + frame);
                }
            }
        }

        @Override
        public void close() {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "").exceptionally(alreadyClosed -> null);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    frames.add(JSON.readTree(partial.toString()));
                } catch (Exception e) {
                    throw new IllegalStateException("not a JSON frame: " + partial, e);
                } finally {
                    partial.setLength(0);
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            frames.add(JSON.createObjectNode().put("type", "closed").put("status", statusCode).put("reason", reason));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            frames.add(JSON.createObjectNode().put("type", "closed").put("error", Errors.describe(error)));
        }
    }
}
