package dev.parley.worker.turns;

import dev.parley.avro.AssistantReply;
import dev.parley.avro.BackendCall;
import dev.parley.avro.LedgerEvent;
import dev.parley.avro.PersonaRef;
import dev.parley.avro.ReplyCancelled;
import dev.parley.avro.ReplyFailed;
import dev.parley.avro.Usage;
import dev.parley.schemas.telemetry.ServiceMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The worker's turn meters: turns by outcome (once their terminal event is committed), time to first token and
 * between tokens from the hop times (the gateway received the turn → the worker produced its first text chunk; one
 * text chunk produced → the next of the attempt), and the text chunks written. A few atomic adds per chunk. Per
 * persona, its backend calls by prompt-cache outcome and their prompt and cached prompt tokens (the hit rate).
 */
public final class TurnMetrics {

    public static final String TURNS = "parley.turns";
    public static final String TTFT = "parley.turn.ttft";
    public static final String ITL = "parley.turn.itl";
    public static final String CHUNKS = "parley.tokens.produced";
    public static final String PERSONA_CALLS = "parley.persona.calls";
    public static final String PERSONA_PROMPT_TOKENS = "parley.persona.prompt.tokens";
    public static final String PERSONA_CACHED_TOKENS = "parley.persona.cached.prompt.tokens";

    private final MeterRegistry registry;
    private final Predicate<String> reportsCache;

    private final Counter completed;
    private final Counter failed;
    private final Counter cancelled;
    private final Timer ttft;
    private final Timer itl;
    private final Counter chunks;

    /** Every backend counts as one that reports its prompt-cache hits. */
    public TurnMetrics(MeterRegistry registry) {
        this(registry, backend -> true);
    }

    /** {@code reportsCache} tells by name the backends whose protocol reports cached prompt tokens (not Ollama's). */
    public TurnMetrics(MeterRegistry registry, Predicate<String> reportsCache) {
        this.registry = registry;
        this.reportsCache = reportsCache;
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

    /**
     * Counts the backend calls of a turn whose requests began with a persona block: a hit when the backend read part
     * of the prompt from its cache, a miss when it reported none cached, unreported when it cannot say (its protocol
     * has no such count, or it reported no usage at all).
     */
    void personaCalls(LedgerEvent terminal) {
        Object payload = terminal.getPayload();
        PersonaRef persona = payload instanceof AssistantReply reply ? reply.getPersona()
            : payload instanceof ReplyFailed failed ? failed.getPersona()
            : payload instanceof ReplyCancelled cancelled ? cancelled.getPersona() : null;
        if (persona == null) {
            return;
        }
        List<BackendCall> attempts = payload instanceof AssistantReply reply ? reply.getAttempts()
            : payload instanceof ReplyFailed failed ? failed.getAttempts() : ((ReplyCancelled) payload).getAttempts();
        for (BackendCall call : attempts) {
            Usage usage = call.getUsage();
            if (usage == null) {
                continue; // rejected by its breaker: no request was made
            }
            String cache = usage.getEstimated() || !reportsCache.test(call.getBackend()) ? "unreported"
                : usage.getCachedPromptTokens() > 0 ? "hit" : "miss";
            Counter.builder(PERSONA_CALLS).tag("persona", persona.getName()).tag("cache", cache)
                .description("Backend calls of turns whose requests began with this persona, by prompt-cache outcome")
                .register(registry).increment();
            Counter.builder(PERSONA_PROMPT_TOKENS).tag("persona", persona.getName())
                .description("Prompt tokens of those calls")
                .register(registry).increment(usage.getPromptTokens());
            Counter.builder(PERSONA_CACHED_TOKENS).tag("persona", persona.getName())
                .description("Of those prompt tokens, the ones the backend read from its prompt cache")
                .register(registry).increment(usage.getCachedPromptTokens());
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
