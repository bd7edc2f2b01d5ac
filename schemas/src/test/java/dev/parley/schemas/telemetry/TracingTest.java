package dev.parley.schemas.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TracingTest {

    private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @Test
    @DisplayName("a traceparent survives a Kafka header round trip, replacing one already there")
    void kafkaHeaderRoundTrip() {
        Context context = Tracing.fromTraceparent(TRACEPARENT);
        RecordHeaders headers = new RecordHeaders();
        headers.add(Tracing.TRACEPARENT, "00-ffffffffffffffffffffffffffffffff-ffffffffffffffff-01".getBytes(StandardCharsets.UTF_8));
        Tracing.inject(context, headers);
        assertEquals(1, headers.toArray().length);
        assertEquals(TRACEPARENT, new String(headers.lastHeader(Tracing.TRACEPARENT).value(), StandardCharsets.UTF_8));
        SpanContext read = Span.fromContext(Tracing.extract(headers)).getSpanContext();
        assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", read.getTraceId());
        assertEquals("00f067aa0ba902b7", read.getSpanId());
        assertEquals(TRACEPARENT, Tracing.traceparent(Span.fromContext(context)));
    }

    @Test
    @DisplayName("a missing or malformed traceparent gives no parent, and an invalid span no traceparent")
    void badInput() {
        assertFalse(Span.fromContext(Tracing.fromTraceparent(null)).getSpanContext().isValid());
        assertFalse(Span.fromContext(Tracing.fromTraceparent("00-not-a-trace-01")).getSpanContext().isValid());
        assertFalse(Span.fromContext(Tracing.extract(new RecordHeaders())).getSpanContext().isValid());
        assertNull(Tracing.traceparent(Span.getInvalid()));
    }

    @Test
    @DisplayName("without an OTLP endpoint spans are still made, with trace ids a child continues")
    void spansWithoutExporter() {
        OpenTelemetry otel = Tracing.fromEnvironment(Map.of());
        Span parent = otel.getTracer("test").spanBuilder("parent").setParent(Tracing.fromTraceparent(TRACEPARENT))
            .startSpan();
        assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", parent.getSpanContext().getTraceId());
        assertNotEquals("00f067aa0ba902b7", parent.getSpanContext().getSpanId(), "a span of its own, not the caller's");
        assertTrue(parent.getSpanContext().isValid());
        parent.end();
        Span root = otel.getTracer("test").spanBuilder("root").startSpan();
        assertTrue(root.getSpanContext().isValid(), "a turn without traceparent starts a trace");
        assertEquals(55, Tracing.traceparent(root).length());
        root.end();
    }
}
