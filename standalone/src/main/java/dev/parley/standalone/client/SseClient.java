package dev.parley.standalone.client;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** A plain Server-Sent Events reader for tests and benchmarks: records every event it receives, in order. */
public final class SseClient implements AutoCloseable {

    /** One event as the wire carried it, and when it arrived ({@link System#nanoTime()}). */
    public record Event(String id, String type, String data, long receivedNanos) {
    }

    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final Thread reader;
    private volatile InputStream body;
    private volatile int status;
    private volatile boolean closed;

    private SseClient(HttpClient http, String url, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/event-stream");
        headers.forEach(request::header);
        this.reader = new Thread(() -> read(http, request.build()), "sse-test-client");
        reader.setDaemon(true);
        reader.start();
    }

    public static SseClient open(HttpClient http, String url) {
        return new SseClient(http, url, Map.of());
    }

    public static SseClient open(HttpClient http, String url, Map<String, String> headers) {
        return new SseClient(http, url, headers);
    }

    public List<Event> events() {
        return List.copyOf(events);
    }

    public int status() {
        return status;
    }

    /** True once the connection has ended: closed by the server, failed, or never opened. */
    public boolean ended() {
        return !reader.isAlive();
    }

    private void read(HttpClient http, HttpRequest request) {
        try {
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            status = response.statusCode();
            body = response.body();
            BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
            String id = null;
            String type = "message";
            StringBuilder data = new StringBuilder();
            for (String line; !closed && (line = lines.readLine()) != null; ) {
                if (line.isEmpty()) {
                    if (data.length() > 0) {
                        events.add(new Event(id, type, data.toString(), System.nanoTime()));
                    }
                    id = null;
                    type = "message";
                    data.setLength(0);
                } else if (line.startsWith("id:")) {
                    id = line.substring(3).trim();
                } else if (line.startsWith("event:")) {
                    type = line.substring(6).trim();
                } else if (line.startsWith("data:")) {
                    if (data.length() > 0) {
                        data.append('\n');
                    }
                    data.append(line.substring(5).startsWith(" ") ? line.substring(6) : line.substring(5));
                }
            }
        } catch (Exception e) {
            if (!closed) {
                events.add(new Event(null, "client-error", e.toString(), System.nanoTime()));
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            if (body != null) {
                body.close();
            }
        } catch (Exception ignored) {
            // closing a stream that is being read may fail: it is going away either way
        }
        reader.interrupt();
        try {
            reader.join(Duration.ofSeconds(5).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
