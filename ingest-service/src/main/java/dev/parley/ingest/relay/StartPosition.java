package dev.parley.ingest.relay;

/** Where a watcher starts reading its session's partition. */
public sealed interface StartPosition {

    /** The partition's end offset when the watcher registers: only what comes next. */
    record End() implements StartPosition {
    }

    /** The first offset to deliver, e.g. right after a resume cursor. */
    record AtOffset(long offset) implements StartPosition {
    }

    /**
     * The first offset to deliver, which must still be retained: a resume that may not skip what retention dropped
     * fails with {@link OffsetExpiredException} instead of starting at the earliest record.
     */
    record Retained(long offset) implements StartPosition {
    }

    /** The first record written at or after {@code epochMillis} (the end when there is none). */
    record AtTime(long epochMillis) implements StartPosition {
    }

    static StartPosition end() {
        return new End();
    }

    static StartPosition atOffset(long offset) {
        return new AtOffset(offset);
    }

    static StartPosition retained(long offset) {
        return new Retained(offset);
    }

    static StartPosition atTime(long epochMillis) {
        return new AtTime(epochMillis);
    }
}
