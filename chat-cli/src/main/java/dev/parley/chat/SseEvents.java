package dev.parley.chat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/** Decodes a Server-Sent Events body into events, one {@link #next()} at a time; comments (heartbeats) are skipped. */
final class SseEvents implements AutoCloseable {

    /** One event: its {@code id:} (the gateway's resume cursor, or null), {@code event:} type and {@code data:}. */
    record Event(String id, String type, String data) {
    }

    private final InputStream body;
    private final BufferedReader lines;

    SseEvents(InputStream body) {
        this.body = body;
        this.lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
    }

    /** The next event; null when the stream ended (the server closed it, or it broke off between events). */
    Event next() throws IOException {
        String id = null;
        String type = "message";
        StringBuilder data = null;
        for (String line; (line = lines.readLine()) != null; ) {
            if (line.isEmpty()) {
                if (data != null) {
                    return new Event(id, type, data.toString());
                }
                id = null;
                type = "message";
            } else if (line.startsWith("id:")) {
                id = value(line, 3);
            } else if (line.startsWith("event:")) {
                type = value(line, 6);
            } else if (line.startsWith("data:")) {
                data = data == null ? new StringBuilder() : data.append('\n');
                data.append(value(line, 5));
            }
        }
        return null;
    }

    /** A field's value: after the colon, without the one space that may follow it. */
    private static String value(String line, int colon) {
        return line.startsWith(" ", colon) ? line.substring(colon + 1) : line.substring(colon);
    }

    @Override
    public void close() throws IOException {
        body.close();
    }
}
