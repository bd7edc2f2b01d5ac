package dev.parley.worker.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SseParserTest {

    /** LF, CRLF and bare CR line ends, comments, a named event, multi-line data, 2-, 3- and 4-byte UTF-8. */
    private static final String SAMPLE = "\uFEFF: keep-alive comment\n"
        + "data: {\"content\":\"Grüße\"}\n\n"
        + "data: 世界\r\n\r\n"
        + ":another comment\r"
        + "event: error\r"
        + "data: first line\r"
        + "data:second 🎉 line\r"
        + "id: 7\r\r"
        + "data\n"
        + "data:  two spaces\n"
        + "retry: 1000\n"
        + "unknown: field\n\n"
        + "event: ignored because no data\n\n"
        + "data: [DONE]\n\n";

    private static final List<SseEvent> EXPECTED = List.of(
        new SseEvent("message", "{\"content\":\"Grüße\"}", null),
        new SseEvent("message", "世界", null),
        new SseEvent("error", "first line\nsecond 🎉 line", "7"),
        new SseEvent("message", "\n two spaces", null),
        new SseEvent("message", "[DONE]", null));

    @Test
    @DisplayName("the whole sample at once gives every event")
    void wholeSample() {
        assertEquals(EXPECTED, parse(bytes(SAMPLE), new int[0]));
    }

    @Test
    @DisplayName("a split at any byte gives the same events, also inside a UTF-8 character or a CRLF")
    void everySplitPosition() {
        byte[] bytes = bytes(SAMPLE);
        for (int split = 0; split <= bytes.length; split++) {
            assertEquals(EXPECTED, parse(bytes, new int[] {split}), "split at " + split);
        }
    }

    @Test
    @DisplayName("two splits at any pair of bytes give the same events")
    void everyPairOfSplitPositions() {
        byte[] bytes = bytes(SAMPLE);
        for (int first = 0; first <= bytes.length; first++) {
            for (int second = first; second <= bytes.length; second++) {
                assertEquals(EXPECTED, parse(bytes, new int[] {first, second}), "splits at " + first + "," + second);
            }
        }
    }

    @Test
    @DisplayName("one byte at a time gives the same events")
    void byteByByte() {
        byte[] bytes = bytes(SAMPLE);
        List<SseEvent> events = new ArrayList<>();
        SseParser parser = new SseParser(events::add);
        for (byte b : bytes) {
            parser.feed(new byte[] {b});
        }
        parser.end();
        assertEquals(EXPECTED, events);
    }

    @Test
    @DisplayName("a last event without its blank line is still emitted at the end of the stream")
    void lastEventWithoutBlankLine() {
        List<SseEvent> events = new ArrayList<>();
        SseParser parser = new SseParser(events::add);
        parser.feed(bytes("data: a\n\ndata: [DONE]"));
        assertEquals(List.of(new SseEvent("message", "a", null)), events);
        parser.end();
        assertEquals(List.of(new SseEvent("message", "a", null), new SseEvent("message", "[DONE]", null)), events);
    }

    @Test
    @DisplayName("a line beyond the limit is refused instead of growing without bound")
    void overlongLine() {
        SseParser parser = new SseParser(event -> { }, 16);
        assertThrows(IllegalStateException.class, () -> parser.feed(bytes("data: " + "x".repeat(32))));
    }

    private static List<SseEvent> parse(byte[] bytes, int[] splits) {
        List<SseEvent> events = new ArrayList<>();
        SseParser parser = new SseParser(events::add);
        int from = 0;
        for (int split : splits) {
            parser.feed(Arrays.copyOfRange(bytes, from, split));
            from = split;
        }
        parser.feed(Arrays.copyOfRange(bytes, from, bytes.length));
        parser.end();
        return events;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
