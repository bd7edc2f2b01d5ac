package dev.parley.ingest.ledger;

import dev.parley.schemas.telemetry.Tracing;
import dev.parley.schemas.trace.HopTimes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.header.Headers;

/**
 * How a turn arrived: when the gateway received it (a hop time) and the gateway's span of its intake, which continues
 * the request's W3C {@code traceparent} (or starts a trace). Both go on the UserTurn's Kafka headers.
 */
public final class TurnArrival {

    /** No hop time and no trace: events that are not turns. */
    public static final TurnArrival NONE = new TurnArrival(HopTimes.NONE, null, null);

    private final long receivedMicros;
    private final String traceparent;
    private final String transport;
    /** Started by the intake, which also ends it: a request refused before it has none. */
    private Span span = Span.getInvalid();

    private TurnArrival(long receivedMicros, String traceparent, String transport) {
        this.receivedMicros = receivedMicros;
        this.traceparent = traceparent;
        this.transport = transport;
    }

    /**
     * A turn received now, over {@code transport}, continuing {@code traceparent} (the request's header, or null).
     */
    public static TurnArrival now(String traceparent, String transport) {
        return new TurnArrival(HopTimes.now(), traceparent, transport);
    }

    /** Starts the intake's span, from the moment the request was received. */
    void started() {
        if (transport != null) {
            span = Tracing.tracer(Tracing.GATEWAY).spanBuilder("turn accepted").setSpanKind(SpanKind.SERVER)
                .setParent(Tracing.fromTraceparent(traceparent))
                .setStartTimestamp(receivedMicros, TimeUnit.MICROSECONDS)
                .setAttribute("parley.transport", transport).startSpan();
        }
    }

    /** Adds the hop time and the trace context to the UserTurn record's headers. */
    void addTo(Headers headers, String sessionId, String turnId) {
        HopTimes.put(headers, HopTimes.RECEIVED, receivedMicros);
        if (span.getSpanContext().isValid()) {
            span.setAttribute("parley.session_id", sessionId).setAttribute("parley.turn_id", turnId);
            Tracing.inject(Context.root().with(span), headers);
        }
    }

    /** The intake is over: the turn is in the ledger, or it was refused ({@code error}, else null). */
    void ended(Throwable error) {
        if (error != null) {
            span.setStatus(StatusCode.ERROR, String.valueOf(error.getMessage()));
        }
        span.end();
    }
}
