package dev.parley.worker.turns;

import dev.parley.schemas.trace.HopTimes;
import org.apache.kafka.common.header.Headers;

/**
 * The hop times of one turn on this worker ({@link HopTimes}): when the gateway received it, when it was consumed,
 * when its context was ready and when the backend request went out. The first chunk of an attempt carries them.
 */
final class TurnHops {

    private final long received;
    private final long consumed;
    private volatile long context = HopTimes.NONE;
    private volatile long backendSent = HopTimes.NONE;

    TurnHops(long received, long consumed) {
        this.received = received;
        this.consumed = consumed;
    }

    void contextReady() {
        context = HopTimes.now();
    }

    void backendSent() {
        backendSent = HopTimes.now();
    }

    /** Adds the turn's hop times to a record's headers. */
    void addTo(Headers headers) {
        HopTimes.put(headers, HopTimes.RECEIVED, received);
        HopTimes.put(headers, HopTimes.CONSUMED, consumed);
        HopTimes.put(headers, HopTimes.CONTEXT, context);
        HopTimes.put(headers, HopTimes.BACKEND_SENT, backendSent);
    }
}
