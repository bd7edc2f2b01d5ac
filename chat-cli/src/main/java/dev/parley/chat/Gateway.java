package dev.parley.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The gateway's native HTTP API as the terminal client uses it: sessions, turns, cancel, events, view and search. */
final class Gateway {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient http = newClient();
    private final String base;
    /** Sent as {@code Authorization: Bearer}; null against a gateway without authentication. */
    private final String key;

    Gateway(String base, String key) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.key = key == null || key.isBlank() ? null : key.trim();
    }

    String base() {
        return base;
    }

    String createSession() throws IOException, InterruptedException {
        return expect(201, send("POST", "/v1/sessions", "{}")).path("sessionId").asText();
    }

    /** What postprocess-streams has made of the session (404 {@code unknown_session} when it is not the caller's). */
    JsonNode session(String sessionId) throws IOException, InterruptedException {
        return expect(200, send("GET", sessionPath(sessionId), null));
    }

    JsonNode search(String sessionId, String query, int k) throws IOException, InterruptedException {
        return expect(200, send("GET", sessionPath(sessionId) + "/search?q=" + encode(query) + "&k=" + k, null));
    }

    /** Posts a turn; its id once the gateway answered 202 (Kafka has it). */
    String postTurn(String sessionId, String text, String route) throws IOException, InterruptedException {
        Map<String, String> turn = route == null ? Map.of("text", text) : Map.of("text", text, "route", route);
        return expect(202, send("POST", sessionPath(sessionId) + "/turns", JSON.writeValueAsString(turn)))
                .path("turnId").asText();
    }

    /** Asks the worker to stop the turn; false when it had already ended (409 {@code turn_finished}). */
    boolean cancel(String sessionId, String turnId) throws IOException, InterruptedException {
        HttpResponse<String> response = send("POST", sessionPath(sessionId) + "/turns/" + turnId + "/cancel", "");
        if (response.statusCode() == 409) {
            return false;
        }
        expect(202, response);
        return true;
    }

    /**
     * Opens the session's event stream: right after {@code cursor} (Last-Event-ID) when there is one, else at the
     * first chunk of {@code turnId}; an {@link HttpTimeoutException} when its headers take longer than {@code timeout}
     * (a dead connection from the pool, say). The caller reads and closes the body.
     *
     * <p>Each stream has a client, and so a connection, of its own: JDK 17's client puts a stream's connection back in
     * its pool when the stream is closed early, and reuses it even when the network had silently dropped it.
     */
    InputStream events(String sessionId, String turnId, String cursor, Duration timeout)
            throws IOException, InterruptedException {
        String path = sessionPath(sessionId) + "/events" + (cursor == null ? "?turnId=" + encode(turnId) : "");
        HttpRequest.Builder request = request(path).header("Accept", "text/event-stream").GET();
        if (cursor != null) {
            request.header("Last-Event-ID", cursor);
        }
        HttpResponse<InputStream> response = within(timeout,
                newClient().sendAsync(request.build(), HttpResponse.BodyHandlers.ofInputStream()));
        if (response.statusCode() != 200) {
            String body;
            try (InputStream in = response.body()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            throw failure(response.statusCode(), body);
        }
        return response.body();
    }

    private static HttpClient newClient() {
        return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    /**
     * The answer, or an {@link HttpTimeoutException} once {@code timeout} passed and the exchange was cancelled (the
     * request's own timeout did not fire on a silent connection in JDK 17).
     */
    private static <T> HttpResponse<T> within(Duration timeout, CompletableFuture<HttpResponse<T>> answer)
            throws IOException, InterruptedException {
        try {
            return answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            answer.cancel(true);
            throw new HttpTimeoutException("no answer within " + timeout.toSeconds() + " s");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
    }

    private HttpResponse<String> send(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = request(path).timeout(REQUEST_TIMEOUT)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return request;
    }

    private static JsonNode expect(int status, HttpResponse<String> response) throws IOException {
        if (response.statusCode() != status) {
            throw failure(response.statusCode(), response.body());
        }
        return JSON.readTree(response.body());
    }

    /** The gateway's {@code {"error": {code, message}}}, or the status alone when the body is something else. */
    static GatewayException failure(int status, String body) {
        try {
            JsonNode error = JSON.readTree(body).path("error");
            if (error.hasNonNull("code")) {
                return new GatewayException(status, error.path("code").asText(), error.path("message").asText());
            }
        } catch (IOException notJson) {
            // a proxy's HTML page, say: the status says enough
        }
        return new GatewayException(status, "http_" + status, "the gateway answered " + status);
    }

    private static String sessionPath(String sessionId) {
        return "/v1/sessions/" + encode(sessionId);
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
