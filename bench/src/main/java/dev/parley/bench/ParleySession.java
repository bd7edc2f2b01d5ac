package dev.parley.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.schemas.trace.HopTimes;
import java.io.BufferedReader;
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
abstract class ParleySession {

    static final ObjectMapper JSON = new ObjectMapper();

    final HttpClient http;
    final String base;
    final String sessionId;

    private ParleySession(HttpClient http, String base) {
        this.http = http;
        this.base = base;
        try {
            this.sessionId = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(base + "/v1/sessions"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()).body())
                .get("sessionId").asText();
        } catch (Exception e) {
            throw new IllegalStateException("cannot create a session", e);
        }
    }

    static ParleySession open(HttpClient http, String base, boolean webSocket) {
        return webSocket ? new OverWebSocket(http, base) : new OverSse(http, base);
    }

    /**
     * Sends a turn and reads its reply; the clock starts before the turn is sent and stops at the first token, the
     * last token and {@code done}. With {@code hops}, every token's hop times go into it ({@code ?trace=true}).
     */
    abstract TokenPathBench.Timing turn(String text, HopBreakdown hops) throws Exception;

    /** Times one reply's events as they arrive. */
    static final class Clock {
        final long start = System.nanoTime();
        final long sentMicros = HopTimes.now();
        double first = -1;
        double last = -1;

        void token(JsonNode data, HopBreakdown hops) {
            long receivedMicros = HopTimes.now();
            last = TokenPathBench.millisSince(start);
            boolean firstOfTurn = first < 0;
            first = firstOfTurn ? last : first;
            if (hops != null && data.has("hops")) {
                hops.add(data.get("hops"), sentMicros, receivedMicros, firstOfTurn);
            }
        }

        TokenPathBench.Timing end() {
            return new TokenPathBench.Timing(first, last, TokenPathBench.millisSince(start));
        }
    }

    /** POST the turn, then read {@code /events?turnId=} until done. */
    private static final class OverSse extends ParleySession {

        OverSse(HttpClient http, String base) {
            super(http, base);
        }

        @Override
        TokenPathBench.Timing turn(String text, HopBreakdown hops) throws Exception {
            Clock clock = new Clock();
            HttpRequest post = HttpRequest.newBuilder(URI.create(base + "/v1/sessions/" + sessionId + "/turns"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("text", text)))).build();
            String turn = JSON.readTree(send(post)).get("turnId").asText();
            HttpResponse<InputStream> events = http.send(HttpRequest.newBuilder(
                    URI.create(base + "/v1/sessions/" + sessionId + "/events?turnId=" + turn
                        + (hops == null ? "" : "&trace=true"))).build(),
                HttpResponse.BodyHandlers.ofInputStream());
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(events.body(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    if (line.equals("event: token")) {
                        String data = lines.readLine();
                        clock.token(JSON.readTree(data.substring("data: ".length())), hops);
                    }
                    if (line.equals("event: done") || line.equals("event: failed")) {
                        break;
                    }
                }
            }
            return clock.end();
        }
    }

    /**
     * The answer's body. Java's HTTP/1.1 client now and then hands out a pooled connection that a closed stream
     * is just taking down ("connection closed locally"): the request is sent once more. Without a clientTurnId
     * (which costs a ledger read per turn: measured about 50 ms at p50 with ten streams) a turn that did arrive
     * the first time is then generated twice; the session's next turn just waits for it.
     */
    String send(HttpRequest request) throws Exception {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString()).body();
        } catch (java.io.IOException closedUnderUs) {
            return http.send(request, HttpResponse.BodyHandlers.ofString()).body();
        }
    }

    /** One WebSocket for the session: a {@code turn} frame, then frames until its {@code done}. */
    private static final class OverWebSocket extends ParleySession implements WebSocket.Listener {

        private final BlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
        private final StringBuilder partial = new StringBuilder();
        private final WebSocket socket;

        OverWebSocket(HttpClient http, String base) {
            super(http, base);
            this.socket = http.newWebSocketBuilder()
                .buildAsync(URI.create(base.replaceFirst("^http", "ws") + "/v1/sessions/" + sessionId
                    + "/ws?trace=true"), this)
                .join();
        }

        @Override
        TokenPathBench.Timing turn(String text, HopBreakdown hops) throws Exception {
            Clock clock = new Clock();
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
                } else if (turnId != null && turnId.equals(frame.path("turnId").asText())) {
                    if (type.equals("token")) {
                        clock.token(frame, hops);
                    } else if (type.equals("done") || type.equals("failed")) {
                        return clock.end();
                    }
                }
            }
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
    }
}
