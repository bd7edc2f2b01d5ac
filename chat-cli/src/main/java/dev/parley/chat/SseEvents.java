package dev.parley.chat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Decodes a Server-Sent Events body into events, one {@link #next()} at a time; comments (heartbeats) are skipped.
 * A connection that goes silent for longer than the given time (no event, no heartbeat: a network that dropped it
 * without a word) is closed, so {@link #next()} ends and the caller can reconnect.
 */
final class SseEvents implements AutoCloseable {

    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "sse-silence-watchdog");
        thread.setDaemon(true);
        return thread;
    });

    /** One event: its {@code id:} (the gateway's resume cursor, or null), {@code event:} type and {@code data:}. */
    record Event(String id, String type, String data) {
    }

    private final InputStream body;
    private final BufferedReader lines;
    private final ScheduledFuture<?> watchdog;
    private volatile long lastLineNanos = System.nanoTime();

    SseEvents(InputStream body, Duration silence) {
        this.body = body;
        this.lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
        long checkMs = Math.max(100, silence.toMillis() / 4);
        this.watchdog = WATCHDOG.scheduleWithFixedDelay(() -> closeIfSilent(silence), checkMs, checkMs,
                TimeUnit.MILLISECONDS);
    }

    /** The next event; null when the stream ended (the server closed it, or it broke off between events). */
    Event next() throws IOException {
        String id = null;
        String type = "message";
        StringBuilder data = null;
        for (String line; (line = lines.readLine()) != null; ) {
            lastLineNanos = System.nanoTime();
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

    private void closeIfSilent(Duration silence) {
        if (System.nanoTime() - lastLineNanos > silence.toNanos()) {
            try {
                close();
            } catch (IOException e) {
                // closing is all the watchdog wants; the reader sees the stream end either way
            }
        }
    }

    @Override
    public void close() throws IOException {
        watchdog.cancel(false);
        body.close();
    }
}
