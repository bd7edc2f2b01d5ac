package dev.parley.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SseEventsTest {

    @Test
    @DisplayName("events are read with their id, type and data; comments are skipped; data lines join with newlines")
    void decodesTheGatewaysEvents() throws Exception {
        String wire = ": connected\n\n"
            + "id: 3-17\nevent: token\ndata: {\"text\":\"Hi\"}\n\n"
            + ": heartbeat\n\n"
            + "event: note\ndata:first\ndata: second\r\n\r\n"
            + "id: 3-18\nevent: done\ndata: {}\n";
        try (SseEvents events = new SseEvents(new ByteArrayInputStream(wire.getBytes(StandardCharsets.UTF_8)),
                Duration.ofMinutes(1))) {
            assertEquals(new SseEvents.Event("3-17", "token", "{\"text\":\"Hi\"}"), events.next());
            assertEquals(new SseEvents.Event(null, "note", "first\nsecond"), events.next());
            assertNull(events.next(), "an event without its closing blank line is not delivered: the stream broke off");
        }
    }
}
