package dev.parley.worker.turns;

import dev.parley.schemas.telemetry.Tracing;
import dev.parley.schemas.trace.HopTimes;
import io.opentelemetry.api.trace.Span;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;

/**
 * The hop times of one turn on this worker ({@link HopTimes}): when the gateway received it, when it was consumed,
 * when its context was ready and when the backend request went out. The first chunk of an attempt carries them.
 * Also the turn's span on this worker, a child of the gateway's: its {@code traceparent} goes on every chunk, on the
 * terminal event and (through the backend call's span) on the backend request.
 */
final class TurnHops {

    private final long received;
    private final long consumed;
    private final Span span;
    /** The span's traceparent, encoded once for every chunk; null when the span is not valid. */
    private final byte[] traceparent;
    private volatile long context = HopTimes.NONE;
    private volatile long backendSent = HopTimes.NONE;

    TurnHops(long received, long consumed, Span span) {
        this.received = received;
        this.consumed = consumed;
        this.span = span;
        String value = Tracing.traceparent(span);
        this.traceparent = value == null ? null : value.getBytes(StandardCharsets.UTF_8);
    }

    void contextReady() {
        context = HopTimes.now();
        span.addEvent("context ready");
    }

    void backendSent() {
        backendSent = HopTimes.now();
    }

    /** When the gateway received the turn, epoch microseconds, or {@link HopTimes#NONE}. */
    long received() {
        return received;
    }

    /** The turn span's W3C traceparent, or null. */
    String traceparent() {
        return traceparent == null ? null : new String(traceparent, StandardCharsets.UTF_8);
    }

    /** Adds the turn's hop times to a record's headers. */
    void addTo(Headers headers) {
        HopTimes.put(headers, HopTimes.RECEIVED, received);
        HopTimes.put(headers, HopTimes.CONSUMED, consumed);
        HopTimes.put(headers, HopTimes.CONTEXT, context);
        HopTimes.put(headers, HopTimes.BACKEND_SENT, backendSent);
    }

    /** Adds the turn's trace context to a record's headers. */
    void addTraceTo(Headers headers) {
        if (traceparent != null) {
            headers.add(Tracing.TRACEPARENT, traceparent);
        }
    }

    /** The turn's end on this worker: its terminal event committed ({@code outcome}) or the turn given up. */
    void ended(String outcome) {
        span.setAttribute("parley.outcome", outcome);
        span.end();
    }
}
