package dev.parley.worker.turns;

import java.util.OptionalLong;
import java.util.UUID;

/** Reads the creation time out of a UUIDv7 id (sessions and turns), so a partition can be sought by time. */
final class Ids {

    private Ids() {
    }

    /** The id's Unix epoch millis if it is a UUIDv7, else empty. */
    static OptionalLong timestampOf(String id) {
        try {
            UUID uuid = UUID.fromString(id);
            if (uuid.version() != 7) {
                return OptionalLong.empty();
            }
            return OptionalLong.of(uuid.getMostSignificantBits() >>> 16);
        } catch (IllegalArgumentException notAUuid) {
            return OptionalLong.empty();
        }
    }
}
