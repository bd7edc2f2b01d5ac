package dev.parley.ingest.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Cursors are <partition>-<offset>")
class CursorTest {

    @Test
    @DisplayName("a cursor round-trips through its text and resumes at the next offset")
    void roundTrip() {
        Cursor cursor = Cursor.parse("3-1234").orElseThrow();

        assertEquals(new Cursor(3, 1234), cursor);
        assertEquals("3-1234", cursor.toString());
        assertEquals(1235, cursor.nextOffset());
    }

    @Test
    @DisplayName("offset -1 means before the first record")
    void beforeTheFirstRecord() {
        Cursor cursor = Cursor.parse("0--1").orElseThrow();

        assertEquals(0, cursor.nextOffset());
        assertEquals("0--1", cursor.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "3", "3-", "-1-2", "a-1", "3-x", "3--2", "3-1-2", "99999999999-1", " 3-1", "+3-1",
            "3-9223372036854775807", "٣-١", "3-١٢"})
    @DisplayName("malformed cursors are refused")
    void malformed(String text) {
        assertEquals(Optional.empty(), Cursor.parse(text));
    }
}
