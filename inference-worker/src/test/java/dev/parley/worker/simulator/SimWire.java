package dev.parley.worker.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A plain HTTP client's view of the simulator for the protocol tests: requests, and the framings split apart. */
final class SimWire {

    /** One server-sent event: its {@code event:} name (null when unnamed) and its data. */
    record Sse(String event, String data) {
        JsonObject json() {
            return new JsonObject(data);
        }
    }

    /** A reply with a stop sequence, END, after its first three tokens. */
    static final String STOP_REPLY = "#sim: reply=\"one two three END four five\"";

    static final String[] ANTHROPIC_HEADERS = {"anthropic-version", "2023-06-01", "x-api-key", "not-checked"};

    private static final HttpClient HTTP = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .build();

    private SimWire() {
    }

    static JsonObject userMessage(String content) {
        return new JsonObject()
            .put("model", "anything")
            .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", content)));
    }

    static HttpResponse<String> post(String url, JsonObject body, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body.encode()));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
            HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    static List<JsonObject> ndjson(String body) {
        List<JsonObject> lines = new ArrayList<>();
        for (String line : body.split("\n")) {
            if (!line.isEmpty()) {
                lines.add(new JsonObject(line));
            }
        }
        return lines;
    }

    static List<Sse> sse(String body) {
        List<Sse> events = new ArrayList<>();
        for (String block : body.split("\n\n")) {
            String event = null;
            String data = null;
            for (String line : block.split("\n")) {
                if (line.startsWith("event: ")) {
                    event = line.substring("event: ".length());
                } else if (line.startsWith("data: ")) {
                    data = line.substring("data: ".length());
                }
            }
            if (data != null) {
                events.add(new Sse(event, data));
            }
        }
        return events;
    }

    /** Sends a request on a raw socket, so a test can read part of a reply and then leave. */
    static void writeRequest(Socket socket, String path, JsonObject body, String... headers) throws IOException {
        byte[] bytes = body.encode().getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder("POST " + path + " HTTP/1.1\r\nHost: localhost\r\n"
            + "Content-Type: application/json\r\nContent-Length: " + bytes.length + "\r\n");
        for (int i = 0; i < headers.length; i += 2) {
            head.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
        }
        head.append("\r\n");
        socket.setSoTimeout(10_000);
        OutputStream out = socket.getOutputStream();
        out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.flush();
    }

    /** Reads until the text has arrived, so the test knows the reply is under way. */
    static void readUntil(InputStream in, String text) throws IOException {
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        byte[] buffer = new byte[1024];
        while (!seen.toString(StandardCharsets.UTF_8).contains(text)) {
            int read = in.read(buffer);
            if (read < 0) {
                throw new AssertionError("stream ended before " + text + ": " + seen);
            }
            seen.write(Arrays.copyOf(buffer, read));
        }
    }
}
