package dev.parley.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a streamed reply's time goes, hop by hop, from the hop times Parley returns with {@code ?trace=true}
 * (epoch microseconds; the bench runs in the same JVM, so every clock is the same one). Thread-safe.
 */
final class HopBreakdown {

    /** The hops of a turn's first token, each from the moment before it (the client's request first). */
    static final List<String[]> FIRST = List.of(
        new String[] {"request sent → gateway received it", "sent", "received"},
        new String[] {"gateway received → worker consumed the UserTurn (ledger append, worker poll)", "received", "consumed"},
        new String[] {"consumed → context ready", "consumed", "context"},
        new String[] {"context ready → backend request sent", "context", "backendSent"},
        new String[] {"backend request → first token from the backend (the LLM itself)", "backendSent", "backendByte"},
        new String[] {"backend token → chunk handed to the producer", "backendByte", "produced"},
        new String[] {"produced → gateway relay has it (Kafka append, ack, fetch)", "produced", "relayed"},
        new String[] {"  of which produced → Kafka acknowledged it (carried by the next chunk)", "produced", "acked"},
        new String[] {"  of which acknowledged → gateway relay has it (fetch)", "acked", "relayed"},
        new String[] {"relayed → written to the client's connection", "relayed", "written"},
        new String[] {"written → client received it", "written", "clientReceived"});

    /** The hops of every later token. */
    static final List<String[]> LATER = FIRST.subList(5, FIRST.size());

    private final Map<String, Latencies> first = new LinkedHashMap<>();
    private final Map<String, Latencies> later = new LinkedHashMap<>();

    HopBreakdown() {
        FIRST.forEach(hop -> first.put(hop[0], new Latencies()));
        LATER.forEach(hop -> later.put(hop[0], new Latencies()));
    }

    /** Adds one token's hop times; {@code firstOfTurn} also counts the hops before the backend answered. */
    void add(JsonNode hops, long sentMicros, long clientReceivedMicros, boolean firstOfTurn) {
        for (String[] hop : firstOfTurn ? FIRST : LATER) {
            long from = time(hops, hop[1], sentMicros, clientReceivedMicros);
            long to = time(hops, hop[2], sentMicros, clientReceivedMicros);
            if (from > 0 && to > 0) {
                (firstOfTurn ? first : later).get(hop[0]).recordMicros(to - from);
            }
        }
    }

    /**
     * Adds the acknowledgement hops of the previous token of a turn, now that the next one brought its
     * acknowledgement time ({@code previousAcked}).
     */
    void addAcked(JsonNode previousHops, long acked, boolean previousWasFirst) {
        for (String[] hop : previousWasFirst ? FIRST : LATER) {
            if (hop[1].equals("acked") || hop[2].equals("acked")) {
                long from = hop[1].equals("acked") ? acked : time(previousHops, hop[1], -1, -1);
                long to = hop[2].equals("acked") ? acked : time(previousHops, hop[2], -1, -1);
                if (from > 0 && to > 0) {
                    (previousWasFirst ? first : later).get(hop[0]).recordMicros(to - from);
                }
            }
        }
    }

    /** A hop's durations: of first tokens, or of every later token. */
    Latencies hop(boolean firstToken, String name) {
        return (firstToken ? first : later).get(name);
    }

    /** Every hop's count, p50, p95, p99 and max, for the JSON results. */
    Map<String, Object> summary() {
        Map<String, Object> firstSummary = new LinkedHashMap<>();
        first.forEach((name, values) -> firstSummary.put(name, values.summary()));
        Map<String, Object> laterSummary = new LinkedHashMap<>();
        later.forEach((name, values) -> laterSummary.put(name, values.summary()));
        return Map.of("firstToken", firstSummary, "laterTokens", laterSummary);
    }

    private static long time(JsonNode hops, String name, long sent, long clientReceived) {
        return switch (name) {
            case "sent" -> sent;
            case "clientReceived" -> clientReceived;
            default -> hops.has(name) ? hops.get(name).asLong() : -1;
        };
    }
}
