package dev.parley.ingest.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.parley.ingest.ApiException;
import dev.parley.schemas.ids.UuidV7;
import dev.parley.ingest.relay.StartPosition;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Where an event stream starts")
class StreamStartTest {

    private static final String TURN = UuidV7.at(1_000_000_000L).toString();

    @Test
    @DisplayName("Last-Event-ID wins over ?after and ?turnId: a reconnecting EventSource sends all of them")
    void lastEventIdFirst() {
        StreamStart start = StreamStart.parse("2-41", "2-7", TURN);

        assertEquals(StartPosition.atOffset(42), start.position());
        assertNull(start.startTurnId());
    }

    @Test
    @DisplayName("?after resumes after the cursor; ?turnId starts at the turn's time (its chunks are stamped no earlier); nothing means now")
    void positions() {
        assertEquals(StartPosition.atOffset(8), StreamStart.parse(null, "2-7", TURN).position());
        StreamStart byTurn = StreamStart.parse(" ", null, TURN);
        assertEquals(StartPosition.atTime(1_000_000_000L), byTurn.position());
        assertEquals(TURN, byTurn.startTurnId());
        assertEquals(StartPosition.end(), StreamStart.parse(null, null, null).position());
    }

    @Test
    @DisplayName("a malformed cursor, a cursor of another partition and a malformed turnId are refused")
    void refused() {
        assertEquals("bad_cursor", assertThrows(ApiException.class,
                () -> StreamStart.parse("x", null, null)).code());
        assertEquals("bad_cursor", assertThrows(ApiException.class,
                () -> StreamStart.parse(null, "2-7", null).requirePartition(3)).code());
        assertEquals("bad_request", assertThrows(ApiException.class,
                () -> StreamStart.parse(null, null, UUID.randomUUID().toString())).code());
    }
}
