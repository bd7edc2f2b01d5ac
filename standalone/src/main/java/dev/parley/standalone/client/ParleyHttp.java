package dev.parley.standalone.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Parley's public HTTP API as a client sees it, for end-to-end tests and benchmarks. */
public final class ParleyHttp {

    public static final ObjectMapper JSON = new ObjectMapper();

    public final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    public final String base;

    /** The credential sent as {@code Authorization: Bearer}, or null (a gateway without authentication). */
    private final String bearer;

    public ParleyHttp(String base) {
        this(base, null);
    }

    /** A client that authenticates with an API key or JWT on every request and stream. */
    public ParleyHttp(String base, String bearer) {
        this.base = base;
        this.bearer = bearer;
    }

    public String createSession() throws Exception {
        JsonNode created = expect(201, send("POST", "/v1/sessions", "{}"));
        return created.get("sessionId").asText();
    }

    /** Posts a turn and returns its id once the gateway answered 202. */
    public String postTurn(String sessionId, String text) throws Exception {
        String body = JSON.writeValueAsString(Map.of("text", text));
        return expect(202, send("POST", "/v1/sessions/" + sessionId + "/turns", body)).get("turnId").asText();
    }

    /** Posts a turn that names its route; returns its id once the gateway answered 202. */
    public String postTurn(String sessionId, String text, String route) throws Exception {
        String body = JSON.writeValueAsString(Map.of("text", text, "route", route));
        return expect(202, send("POST", "/v1/sessions/" + sessionId + "/turns", body)).get("turnId").asText();
    }

    /** Posts a turn with an idempotency key; the raw answer, whatever it is. */
    public HttpResponse<String> submitTurn(String sessionId, String text, String clientTurnId) throws Exception {
        String body = JSON.writeValueAsString(Map.of("text", text, "clientTurnId", clientTurnId));
        return send("POST", "/v1/sessions/" + sessionId + "/turns", body);
    }

    public JsonNode turnStatus(String sessionId, String turnId, int waitSeconds) throws Exception {
        return expect(200, send("GET", "/v1/sessions/" + sessionId + "/turns/" + turnId + "?wait=" + waitSeconds, null));
    }

    public HttpResponse<String> cancel(String sessionId, String turnId) throws Exception {
        return send("POST", "/v1/sessions/" + sessionId + "/turns/" + turnId + "/cancel", "");
    }

    public SseClient events(String sessionId, String query) {
        return SseClient.open(http, base + "/v1/sessions/" + sessionId + "/events" + query, authorization());
    }

    public SseClient eventsAfter(String sessionId, String lastEventId) {
        Map<String, String> headers = new java.util.HashMap<>(authorization());
        headers.put("Last-Event-ID", lastEventId);
        return SseClient.open(http, base + "/v1/sessions/" + sessionId + "/events", headers);
    }

    private Map<String, String> authorization() {
        return bearer == null ? Map.of() : Map.of("Authorization", "Bearer " + bearer);
    }

    public static String turnQuery(String turnId) {
        return "?turnId=" + URLEncoder.encode(turnId, StandardCharsets.UTF_8);
    }

    public HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(90));
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        authorization().forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    public static JsonNode expect(int status, HttpResponse<String> response) throws Exception {
        if (response.statusCode() != status) {
            throw new AssertionError("expected " + status + ": " + response.request().uri() + " answered "
                + response.statusCode() + " " + response.body());
        }
        return JSON.readTree(response.body());
    }

    /** The reply a client assembles from the stream: tokens of the last attempt, restarted at each reset. */
    public static String streamedReply(List<SseClient.Event> events, String turnId) {
        StringBuilder text = new StringBuilder();
        for (SseClient.Event event : events) {
            if (event.type().equals("token") || event.type().equals("reset")) {
                JsonNode data = json(event);
                if (!data.get("turnId").asText().equals(turnId)) {
                    continue;
                }
                if (event.type().equals("reset")) {
                    text.setLength(0);
                } else {
                    text.append(data.get("text").asText());
                }
            }
        }
        return text.toString();
    }

    /** The terminal SSE event (done, failed or cancelled) of the turn, or null. */
    public static SseClient.Event terminal(List<SseClient.Event> events, String turnId) {
        for (SseClient.Event event : events) {
            if (List.of("done", "failed", "cancelled").contains(event.type())
                && json(event).get("turnId").asText().equals(turnId)) {
                return event;
            }
        }
        return null;
    }

    private static JsonNode json(SseClient.Event event) {
        try {
            return JSON.readTree(event.data());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("not JSON: " + event, e);
        }
    }
}
