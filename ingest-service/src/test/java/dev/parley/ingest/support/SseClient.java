package dev.parley.ingest.support;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** A Server-Sent Events client that records every event it reads on a background thread. */
public final class SseClient implements AutoCloseable {

    /** One event: its id (the cursor), type and JSON data. */
    public record Event(String id, String type, JsonObject data) {
    }

    private final int status;
    private final String errorBody;
    private final InputStream body;
    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final AtomicInteger comments = new AtomicInteger();
    private final AtomicBoolean ended = new AtomicBoolean();

    private SseClient(int status, String errorBody, InputStream body) {
        this.status = status;
        this.errorBody = errorBody;
        this.body = body;
    }

    /**
     * Sends the request and returns once the response headers arrived: for a 200 the gateway has
     * positioned the stream, so anything written to Kafka from now on will be delivered.
     */
    public static SseClient open(HttpClient http, URI uri, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET().header("Accept", "text/event-stream");
        headers.forEach(request::header);
        try {
            HttpResponse<InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() != 200) {
                try (InputStream in = response.body()) {
                    return new SseClient(response.statusCode(), new String(in.readAllBytes(), StandardCharsets.UTF_8),
                            null);
                }
            }
            SseClient client = new SseClient(200, null, response.body());
            Thread reader = new Thread(client::read, "sse-client");
            reader.setDaemon(true);
            reader.start();
            return client;
        } catch (IOException e) {
            throw new IllegalStateException("cannot open " + uri, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public int status() {
        return status;
    }

    /** The JSON error body of a non-200 answer. */
    public JsonObject error() {
        return new JsonObject(errorBody).getJsonObject("error");
    }

    public List<Event> events() {
        return List.copyOf(events);
    }

    public List<Event> events(String type) {
        return events.stream().filter(event -> event.type().equals(type)).toList();
    }

    public boolean hasEvent(String type) {
        return events.stream().anyMatch(event -> event.type().equals(type));
    }

    /** Comment lines read so far (the connect comment and heartbeats). */
    public int comments() {
        return comments.get();
    }

    /** True once the server ended the stream. */
    public boolean ended() {
        return ended.get();
    }

    private void read() {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            String id = null;
            String type = "message";
            StringBuilder data = new StringBuilder();
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isEmpty()) {
                    if (data.length() > 0) {
                        events.add(new Event(id, type, new JsonObject(data.toString())));
                    }
                    id = null;
                    type = "message";
                    data.setLength(0);
                } else if (line.startsWith(":")) {
                    comments.incrementAndGet();
                } else if (line.startsWith("id: ")) {
                    id = line.substring(4);
                } else if (line.startsWith("event: ")) {
                    type = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    data.append(line.substring(6));
                }
            }
        } catch (IOException e) {
            // closed by us or by the server: either way the stream is over
        } finally {
            ended.set(true);
        }
    }

    @Override
    public void close() {
        if (body != null) {
            try {
                body.close();
            } catch (IOException e) {
                // closing a stream we no longer read
            }
        }
    }
}
