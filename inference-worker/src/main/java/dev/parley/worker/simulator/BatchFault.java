package dev.parley.worker.simulator;

import java.util.Locale;

/**
 * How one agent's object goes wrong in a batch call's reply array, set by {@code #sim: batch=...} in that agent's
 * message; the objects before it stay intact. Ignored outside a batch call.
 */
enum BatchFault {
    /** The agent is missing from the array. */
    OMIT,
    /** Its object appears twice. */
    DUPLICATE,
    /** After its object comes one for an agent named {@code stranger}, which is not in the batch. */
    EXTRA,
    /** Its reply string lacks its closing quote: the array cannot be parsed from there on; the stream ends normally. */
    MALFORMED,
    /** The connection is closed part-way through its reply, as {@code disconnect_after} closes it: no proper end. */
    CUT;

    /** The directive value, e.g. {@code omit}. */
    String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The fault a directive value names, or null. */
    static BatchFault ofKey(String value) {
        for (BatchFault fault : values()) {
            if (fault.key().equals(value)) {
                return fault;
            }
        }
        return null;
    }
}
