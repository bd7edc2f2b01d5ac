package dev.parley.schemas.ids;

import java.security.SecureRandom;
import java.util.Optional;
import java.util.UUID;

/** Time-ordered UUIDs (RFC 9562 version 7): the first 48 bits are the Unix epoch millis of creation. */
public final class UuidV7 {

    // Session and turn ids carry their creation time, so the gateway can seek a partition by time
    // (offsetsForTimes) instead of scanning it from the start. java.util.UUID has no v7 generator.

    private static final SecureRandom RANDOM = new SecureRandom();

    private UuidV7() {
    }

    /** A new id for now. */
    public static UUID next() {
        return at(System.currentTimeMillis());
    }

    /** A new id whose timestamp is {@code epochMillis} (the other 74 bits random). */
    public static UUID at(long epochMillis) {
        long randA = RANDOM.nextInt(1 << 12);
        long randB = RANDOM.nextLong();
        long msb = ((epochMillis & 0xFFFF_FFFF_FFFFL) << 16) | (0x7L << 12) | randA;
        long lsb = (randB & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(msb, lsb);
    }

    /** The creation time of a version-7 id, in Unix epoch millis. */
    public static long timestampMillis(UUID id) {
        if (id.version() != 7) {
            throw new IllegalArgumentException(id + " is not a version-7 UUID");
        }
        return id.getMostSignificantBits() >>> 16;
    }

    /** The id if {@code text} is a canonical version-7 UUID (RFC 4122 variant), else empty. */
    public static Optional<UUID> parse(String text) {
        if (text == null || text.length() != 36) {
            return Optional.empty();
        }
        try {
            UUID id = UUID.fromString(text);
            // UUID.fromString is lenient about digit counts; the round trip rejects non-canonical text
            if (id.version() != 7 || id.variant() != 2 || !id.toString().equalsIgnoreCase(text)) {
                return Optional.empty();
            }
            return Optional.of(id);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
