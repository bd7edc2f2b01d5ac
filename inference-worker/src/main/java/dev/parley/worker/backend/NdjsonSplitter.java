package dev.parley.worker.backend;

import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Splits newline-delimited JSON into lines, from bytes split anywhere: bytes are collected until a {@code \n}, so a
 * multi-byte UTF-8 character cut between reads is decoded whole. Blank lines are skipped. One thread at a time.
 */
final class NdjsonSplitter {

    private final Consumer<String> sink;
    private final int maxLineBytes;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);

    NdjsonSplitter(Consumer<String> sink) {
        this(sink, SseParser.DEFAULT_MAX_LINE_BYTES);
    }

    NdjsonSplitter(Consumer<String> sink, int maxLineBytes) {
        this.sink = sink;
        this.maxLineBytes = maxLineBytes;
    }

    /**
     * Emits every line this piece completes.
     *
     * @throws BackendException when a line grows beyond the maximum line length
     */
    void feed(Buffer buffer) {
        byte[] bytes = buffer.getBytes();
        int start = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                append(bytes, start, i - start);
                emit();
                start = i + 1;
            }
        }
        append(bytes, start, bytes.length - start);
    }

    /** The body has ended: a last line without its {@code \n} counts too. */
    void end() {
        emit();
    }

    private void append(byte[] bytes, int offset, int length) {
        if (line.size() + length > maxLineBytes) {
            throw new BackendException(FailureKind.PROTOCOL, "NDJSON line longer than " + maxLineBytes + " bytes");
        }
        line.write(bytes, offset, length);
    }

    private void emit() {
        String text = line.toString(StandardCharsets.UTF_8).strip();
        line.reset();
        if (!text.isEmpty()) {
            sink.accept(text);
        }
    }
}
