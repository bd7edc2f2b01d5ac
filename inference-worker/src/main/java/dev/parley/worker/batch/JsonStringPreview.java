package dev.parley.worker.batch;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * The text of a JSON string value while it is still arriving. Jackson's non-blocking parser reports a string only once
 * it is complete; {@link BatchReplyParser} uses this to stream an agent's reply before then. It decodes no more than
 * the content of the one string Jackson has located (the bytes after its field name): the separator, the opening
 * quote, escapes and UTF-8 split across chunks, up to the closing quote. Jackson stays the judge of the JSON: the
 * parser checks that what was previewed is a prefix of the string Jackson returns.
 */
final class JsonStringPreview {

    private enum State { SEEK, TEXT, ESCAPE, UNICODE, DONE }

    private State state = State.SEEK;
    private final ByteArrayOutputStream raw = new ByteArrayOutputStream();
    private final StringBuilder out = new StringBuilder();
    private int unicode;
    private int unicodeDigits;

    /** Reads {@code bytes[from, to)} and hands {@code sink} the text decoded so far that is safe to show. */
    void accept(byte[] bytes, int from, int to, Consumer<String> sink) {
        for (int i = from; i < to && state != State.DONE; i++) {
            byte b = bytes[i];
            switch (state) {
                case SEEK -> seek(b);
                case TEXT -> text(b);
                case ESCAPE -> escape(b);
                case UNICODE -> unicodeDigit(b);
                default -> {
                }
            }
        }
        flushRaw();
        int safe = out.length();
        if (safe > 0 && Character.isHighSurrogate(out.charAt(safe - 1))) {
            safe--; // its low surrogate is still to come
        }
        if (safe > 0) {
            sink.accept(out.substring(0, safe));
            out.delete(0, safe);
        }
    }

    private void seek(byte b) {
        if (b == '"') {
            state = State.TEXT;
        } else if (b != ':' && b != ' ' && b != '\t' && b != '\n' && b != '\r') {
            state = State.DONE; // not a string value: nothing to preview
        }
    }

    private void text(byte b) {
        if (b == '\\') {
            state = State.ESCAPE;
        } else if (b == '"') {
            state = State.DONE;
        } else {
            raw.write(b);
        }
    }

    private void escape(byte b) {
        flushRaw();
        state = State.TEXT;
        switch (b) {
            case '"', '\\', '/' -> out.append((char) b);
            case 'b' -> out.append('\b');
            case 'f' -> out.append('\f');
            case 'n' -> out.append('\n');
            case 'r' -> out.append('\r');
            case 't' -> out.append('\t');
            case 'u' -> {
                state = State.UNICODE;
                unicode = 0;
                unicodeDigits = 0;
            }
            default -> state = State.DONE; // invalid JSON: Jackson will say so
        }
    }

    private void unicodeDigit(byte b) {
        int digit = Character.digit(b, 16);
        if (digit < 0) {
            state = State.DONE;
            return;
        }
        unicode = unicode * 16 + digit;
        if (++unicodeDigits == 4) {
            out.append((char) unicode);
            state = State.TEXT;
        }
    }

    /** Decodes the raw bytes up to the last complete UTF-8 character; the rest waits for more bytes. */
    private void flushRaw() {
        byte[] bytes = raw.toByteArray();
        int complete = completeUtf8(bytes);
        if (complete > 0) {
            out.append(new String(bytes, 0, complete, StandardCharsets.UTF_8));
        }
        raw.reset();
        raw.write(bytes, complete, bytes.length - complete);
    }

    private static int completeUtf8(byte[] bytes) {
        int end = bytes.length;
        for (int back = 1; back <= 3 && end - back >= 0; back++) {
            int b = bytes[end - back] & 0xFF;
            if ((b & 0xC0) == 0x80) {
                continue; // a continuation byte: look further back for the lead byte
            }
            int length = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
            return length > back ? end - back : end;
        }
        return end;
    }
}
