package dev.parley.worker.simulator;

import java.util.Objects;

/**
 * A failure the simulator plays on purpose, e.g. {@code fail_after=5}: the directive key and its number.
 *
 * @param kind  what goes wrong
 * @param value tokens streamed before it goes wrong, or the HTTP status for {@link Kind#STATUS}
 */
public record Fault(Kind kind, int value) {

    /** The faults, named by their directive keys. */
    public enum Kind {
        /** Stream {@code value} tokens, then the protocol's in-stream error, then end the response unfinished. */
        FAIL_AFTER("fail_after"),
        /** Stream {@code value} tokens, then send nothing more until the client goes away. */
        STALL_AFTER("stall_after"),
        /** Stream {@code value} tokens, then close the TCP connection in the middle of the response. */
        DISCONNECT_AFTER("disconnect_after"),
        /** Answer HTTP {@code value} with the protocol's error body and no stream. */
        STATUS("status");

        private final String key;

        Kind(String key) {
            this.key = key;
        }

        /** The directive key, e.g. {@code fail_after}. */
        public String key() {
            return key;
        }

        static Kind ofKey(String key) {
            for (Kind kind : values()) {
                if (kind.key.equals(key)) {
                    return kind;
                }
            }
            return null;
        }
    }

    public Fault {
        Objects.requireNonNull(kind, "kind");
        if (kind == Kind.STATUS ? value < 400 || value > 599 : value < 0) {
            throw new IllegalArgumentException(kind.key + "=" + value + " is out of range");
        }
    }

    /**
     * Parses a fault written as a directive, e.g. {@code fail_after=5} or {@code status=503} (the format of
     * {@code PARLEY_SIM_FAULT}).
     *
     * @throws IllegalArgumentException naming the problem
     */
    public static Fault parse(String text) {
        Directives directives = DirectiveParser.parsePairs(text);
        if (directives.fault() == null || !directives.withoutFault().equals(Directives.NONE)) {
            throw new IllegalArgumentException("a fault is exactly one of fail_after=N, stall_after=N, "
                + "disconnect_after=N or status=NNN");
        }
        return directives.fault();
    }

    @Override
    public String toString() {
        return kind.key + "=" + value;
    }
}
