package dev.parley.worker.turns;

import dev.parley.avro.AssistantReply;
import dev.parley.avro.LedgerEvent;
import dev.parley.avro.ReplyCancelled;
import dev.parley.schemas.telemetry.ServiceMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/**
 * The worker's turn meters: turns by outcome (once their terminal event is committed), time to first token and
 * between tokens from the hop times (the gateway received the turn → the worker produced its first text chunk; one
 * text chunk produced → the next of the attempt), and the text chunks written. A few atomic adds per chunk.
 */
public final class TurnMetrics {

    public static final String TURNS = "parley.turns";
    public static final String TTFT = "parley.turn.ttft";
    public static final String ITL = "parley.turn.itl";
    public static final String CHUNKS = "parley.tokens.produced";

    private final Counter completed;
    private final Counter failed;
    private final Counter cancelled;
    private final Timer ttft;
    private final Timer itl;
    private final Counter chunks;

    public TurnMetrics(MeterRegistry registry) {
        this.completed = outcome(registry, "completed");
        this.failed = outcome(registry, "failed");
        this.cancelled = outcome(registry, "cancelled");
        this.ttft = ServiceMetrics.latency(registry, TTFT,
            "From the gateway receiving a turn to the worker producing its first text chunk");
        this.itl = ServiceMetrics.latency(registry, ITL, "Between two text chunks of one attempt, as produced");
        this.chunks = Counter.builder(CHUNKS).description("Token chunks with text written to the token topic")
            .register(registry);
    }

    private static Counter outcome(MeterRegistry registry, String outcome) {
        return Counter.builder(TURNS).tag("outcome", outcome)
            .description("Turns ended by this worker; a turn whose partition moved to another worker is counted there")
            .register(registry);
    }

    /** The outcome name of a terminal ledger event. */
    static String outcomeOf(LedgerEvent terminal) {
        Object payload = terminal.getPayload();
        return payload instanceof AssistantReply ? "completed"
            : payload instanceof ReplyCancelled ? "cancelled" : "failed";
    }

    void ended(String outcome) {
        switch (outcome) {
            case "completed" -> completed.increment();
            case "cancelled" -> cancelled.increment();
            default -> failed.increment();
        }
    }

    void firstToken(long micros) {
        ttft.record(micros, TimeUnit.MICROSECONDS);
    }

    void interToken(long micros) {
        itl.record(micros, TimeUnit.MICROSECONDS);
    }

    void chunk() {
        chunks.increment();
    }
}
