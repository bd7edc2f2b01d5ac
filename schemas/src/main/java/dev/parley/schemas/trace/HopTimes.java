package dev.parley.schemas.trace;

import java.nio.ByteBuffer;
import java.time.Instant;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Where a turn's time goes: the moments it passes each hop, taken where they happen and carried in Kafka record
 * headers (epoch microseconds, 8 bytes big-endian) from the gateway through the worker to the gateway's relay.
 * The gateway hands them to clients that ask ({@code ?trace=true}); the bench turns them into a per-hop breakdown.
 */
public final class HopTimes {

    /** On a UserTurn, and on the first chunk of each attempt: the gateway received the turn's request. */
    public static final String RECEIVED = "parley.t.received";
    /** On the first chunk of each attempt: the worker consumed the UserTurn. */
    public static final String CONSUMED = "parley.t.consumed";
    /** On the first chunk of each attempt: the worker had built the context. */
    public static final String CONTEXT = "parley.t.context";
    /** On the first chunk of each attempt: the worker sent the request to the LLM backend. */
    public static final String BACKEND_SENT = "parley.t.backend_sent";
    /** On every chunk: its (first) text arrived from the backend. */
    public static final String BACKEND_BYTE = "parley.t.backend_byte";
    /** On every chunk: the worker handed it to its Kafka producer. */
    public static final String PRODUCED = "parley.t.produced";
    /**
     * On a chunk, when known by the time it was sent: when Kafka acknowledged the attempt's previous chunk (a record
     * cannot carry its own acknowledgement, so the next one carries it).
     */
    public static final String PREVIOUS_ACKED = "parley.t.previous_acked";

    /** Absent, or not a hop time. */
    public static final long NONE = -1;

    private HopTimes() {
    }

    /** Now, in epoch microseconds. */
    public static long now() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    /** Adds {@code micros} as header {@code key}, unless it is {@link #NONE}. */
    public static void put(Headers headers, String key, long micros) {
        if (micros != NONE) {
            headers.add(key, ByteBuffer.allocate(Long.BYTES).putLong(micros).array());
        }
    }

    /** The last header {@code key} as epoch microseconds, or {@link #NONE}. */
    public static long get(Headers headers, String key) {
        if (headers == null) {
            return NONE;
        }
        Header header = headers.lastHeader(key);
        return header == null || header.value() == null || header.value().length != Long.BYTES
            ? NONE : ByteBuffer.wrap(header.value()).getLong();
    }
}
