package dev.parley.ingest.stream;

import dev.parley.schemas.telemetry.ServiceMetrics;
import dev.parley.schemas.trace.HopTimes;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The gateway's client-feed meters: open streams by transport, tokens delivered to clients, the delivery lag (the
 * worker produced a chunk → the gateway wrote it to a client) and the time to first token as clients get it (the
 * gateway received the turn → wrote its first token), both from the hop times the chunks carry; and the clients
 * closed as too slow. A few atomic adds per delivered token, on the connection's event loop.
 */
public final class FeedMetrics {

    public static final String OPEN = "parley.gateway.streams.open";
    public static final String DELIVERED = "parley.gateway.tokens.delivered";
    public static final String DELIVERY_LAG = "parley.gateway.delivery.lag";
    public static final String TTFT = "parley.gateway.ttft";
    public static final String SLOW_CLOSED = "parley.gateway.slow.consumer.closed";

    private final Map<String, AtomicInteger> open;
    private final Counter delivered;
    private final Timer deliveryLag;
    private final Timer ttft;
    private final AtomicLong slowClosed = new AtomicLong();

    public FeedMetrics(MeterRegistry registry) {
        this.open = Map.of(EventSink.SSE, new AtomicInteger(), EventSink.WEBSOCKET, new AtomicInteger(),
            EventSink.DURABLE, new AtomicInteger(), EventSink.OPENAI, new AtomicInteger());
        open.forEach((transport, count) -> Gauge.builder(OPEN, count, AtomicInteger::get).tag("transport", transport)
            .description("Client streams open on this gateway").register(registry));
        this.delivered = Counter.builder(DELIVERED).description("Token events written to client connections")
            .register(registry);
        this.deliveryLag = ServiceMetrics.latency(registry, DELIVERY_LAG,
            "From the worker producing a chunk to the gateway writing it to a client");
        this.ttft = ServiceMetrics.latency(registry, TTFT,
            "From the gateway receiving a turn to writing its first token to a client");
        FunctionCounter.builder(SLOW_CLOSED, slowClosed, AtomicLong::get)
            .description("Clients closed with slow_consumer").register(registry);
    }

    /** Meters that go nowhere (for tests of a feed alone). */
    public static FeedMetrics unregistered() {
        return new FeedMetrics(new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
    }

    AtomicInteger open(String transport) {
        return open.getOrDefault(transport, open.get(EventSink.SSE));
    }

    /** A token written to a client, with the hop times of its chunk (or {@link HopTimes#NONE}). */
    void delivered(long producedMicros, long receivedMicros) {
        delivered.increment();
        if (producedMicros == HopTimes.NONE && receivedMicros == HopTimes.NONE) {
            return;
        }
        long now = HopTimes.now();
        if (producedMicros != HopTimes.NONE) {
            deliveryLag.record(Math.max(0, now - producedMicros), TimeUnit.MICROSECONDS);
        }
        if (receivedMicros != HopTimes.NONE) {
            ttft.record(Math.max(0, now - receivedMicros), TimeUnit.MICROSECONDS);
        }
    }

    void slowClientClosed() {
        slowClosed.incrementAndGet();
    }

    long slowClientsClosed() {
        return slowClosed.get();
    }
}
