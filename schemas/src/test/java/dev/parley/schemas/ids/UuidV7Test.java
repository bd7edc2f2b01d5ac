package dev.parley.schemas.ids;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("UUIDv7 ids carry their creation time")
class UuidV7Test {

    @Test
    @DisplayName("an id has version 7, the RFC variant, and its millisecond timestamp in the first 48 bits")
    void layout() {
        long millis = 1_795_328_560_381L;
        UUID id = UuidV7.at(millis);

        assertEquals(7, id.version());
        assertEquals(2, id.variant());
        assertEquals(millis, UuidV7.timestampMillis(id));
        assertEquals(Long.toHexString(millis), id.toString().replace("-", "").substring(0, 12).replaceFirst("^0+", ""));
    }

    @Test
    @DisplayName("ids of later milliseconds sort after earlier ones, as strings too")
    void timeOrdered() {
        String earlier = UuidV7.at(1_000_000L).toString();
        String later = UuidV7.at(1_000_001L).toString();

        assertTrue(earlier.compareTo(later) < 0);
        assertNotEquals(UuidV7.next(), UuidV7.next());
    }

    @Test
    @DisplayName("parse accepts canonical version-7 ids only")
    void parse() {
        UUID id = UuidV7.next();

        assertEquals(Optional.of(id), UuidV7.parse(id.toString()));
        assertEquals(Optional.empty(), UuidV7.parse(UUID.randomUUID().toString()), "version 4");
        assertEquals(Optional.empty(), UuidV7.parse("not-a-uuid"));
        assertEquals(Optional.empty(), UuidV7.parse(null));
        assertEquals(Optional.empty(), UuidV7.parse("1-2-3-4-5"));
        assertEquals(Optional.empty(), UuidV7.parse(id + "0"));
    }

    @Test
    @DisplayName("the timestamp of a non-v7 id is refused")
    void timestampOfOtherVersions() {
        assertThrows(IllegalArgumentException.class, () -> UuidV7.timestampMillis(UUID.randomUUID()));
    }
}
