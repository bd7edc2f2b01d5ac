package dev.parley.worker.backend;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Incremental parser of {@code text/event-stream} that accepts bytes split anywhere and emits complete events.
 *
 * <p>Network reads split the stream at arbitrary byte positions: inside a line, inside a multi-byte UTF-8
 * character, between a {@code \r} and its {@code \n}. The parser therefore collects raw bytes and decodes UTF-8
 * only once a whole line is there. Lines end with {@code \n}, {@code \r\n} or {@code \r}; lines starting with
 * {@code :} are comments (keep-alives); {@code retry:} and unknown fields are ignored. Not thread-safe: feed it
 * from one thread (a Vert.x context) at a time.
 */
public final class SseParser {

    /** A line longer than this is a broken or hostile stream, not an LLM reply. */
    public static final int DEFAULT_MAX_LINE_BYTES = 4 * 1024 * 1024;

    private final Consumer<SseEvent> sink;
    private final int maxLineBytes;

    private byte[] line = new byte[256];
    private int lineLength;
    private boolean lastWasCr;
    private boolean firstLine = true;

    private final StringBuilder data = new StringBuilder();
    private boolean hasData;
    private String eventName;
    private String id;

    public SseParser(Consumer<SseEvent> sink) {
        this(sink, DEFAULT_MAX_LINE_BYTES);
    }

    public SseParser(Consumer<SseEvent> sink, int maxLineBytes) {
        this.sink = sink;
        this.maxLineBytes = maxLineBytes;
    }

    /** Parses the next piece of the stream; emits every event it completes. */
    public void feed(Buffer buffer) {
        feed(buffer.getBytes());
    }

    /** Parses the next piece of the stream; emits every event it completes. */
    public void feed(byte[] bytes) {
        feed(bytes, 0, bytes.length);
    }

    /**
     * Parses the next piece of the stream; emits every event it completes.
     *
     * @throws IllegalStateException when a line grows beyond the maximum line length
     */
    public void feed(byte[] bytes, int offset, int length) {
        int end = offset + length;
        for (int i = offset; i < end; i++) {
            byte b = bytes[i];
            if (b == '\n') {
                if (lastWasCr) {
                    // the \n of a \r\n whose \r already ended the line
                    lastWasCr = false;
                    continue;
                }
                endLine();
            } else if (b == '\r') {
                endLine();
                lastWasCr = true;
            } else {
                lastWasCr = false;
                append(b);
            }
        }
    }

    /**
     * The stream has ended. A last event without its closing blank line is emitted anyway: the standard says to
     * drop it, but some servers end with {@code data: [DONE]\n} and the reply is better kept than lost.
     */
    public void end() {
        if (lineLength > 0) {
            endLine();
        }
        dispatch();
    }

    private void append(byte b) {
        if (lineLength >= maxLineBytes) {
            throw new IllegalStateException("event-stream line longer than " + maxLineBytes + " bytes");
        }
        if (lineLength == line.length) {
            line = Arrays.copyOf(line, Math.min(maxLineBytes, line.length * 2));
        }
        line[lineLength++] = b;
    }

    private void endLine() {
        String text = new String(line, 0, lineLength, StandardCharsets.UTF_8);
        lineLength = 0;
        if (firstLine) {
            firstLine = false;
            if (text.startsWith("\uFEFF")) {
                text = text.substring(1);
            }
        }
        processLine(text);
    }

    private void processLine(String text) {
        if (text.isEmpty()) {
            dispatch();
            return;
        }
        if (text.charAt(0) == ':') {
            return;
        }
        int colon = text.indexOf(':');
        String field = colon < 0 ? text : text.substring(0, colon);
        String value = colon < 0 ? "" : text.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        switch (field) {
            case "data" -> {
                if (hasData) {
                    data.append('\n');
                }
                data.append(value);
                hasData = true;
            }
            case "event" -> eventName = value;
            case "id" -> id = value.indexOf('\0') >= 0 ? id : value;
            default -> {
                // retry and unknown fields mean nothing to an LLM client
            }
        }
    }

    private void dispatch() {
        if (hasData) {
            String name = eventName == null || eventName.isEmpty() ? "message" : eventName;
            SseEvent event = new SseEvent(name, data.toString(), id);
            resetEvent();
            sink.accept(event);
        } else {
            resetEvent();
        }
    }

    private void resetEvent() {
        data.setLength(0);
        hasData = false;
        eventName = null;
        id = null;
    }
}
