package dev.parley.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a streamed reply's time goes, hop by hop, from the hop times Parley returns with {@code ?trace=true}
 * (epoch microseconds; the bench runs in the same JVM, so every clock is the same one). Thread-safe.
 */
final class HopBreakdown {

    /** The hops of a turn's first token, each from the moment before it (the client's POST first). */
    private static final List<String[]> FIRST = List.of(
        new String[] {"request sent → gateway received it", "sent", "received"},
        new String[] {"gateway received → worker consumed the UserTurn (ledger append, worker poll)", "received", "consumed"},
        new String[] {"consumed → context ready", "consumed", "context"},
        new String[] {"context ready → backend request sent", "context", "backendSent"},
        new String[] {"backend request → first token from the backend (the LLM itself)", "backendSent", "backendByte"},
        new String[] {"backend token → chunk handed to the producer", "backendByte", "produced"},
        new String[] {"produced → gateway relay has it (Kafka append, ack, fetch)", "produced", "relayed"},
        new String[] {"relayed → written to the client's connection", "relayed", "written"},
        new String[] {"written → client received it", "written", "clientReceived"});

    /** The hops of every later token. */
    private static final List<String[]> LATER = FIRST.subList(5, FIRST.size());

    private final Map<String, List<Double>> first = new LinkedHashMap<>();
    private final Map<String, List<Double>> later = new LinkedHashMap<>();

    /** Adds one token's hop times; {@code firstOfTurn} also counts the hops before the backend answered. */
    synchronized void add(JsonNode hops, long sentMicros, long clientReceivedMicros, boolean firstOfTurn) {
        for (String[] hop : firstOfTurn ? FIRST : LATER) {
            long from = time(hops, hop[1], sentMicros, clientReceivedMicros);
            long to = time(hops, hop[2], sentMicros, clientReceivedMicros);
            if (from > 0 && to > 0) {
                (firstOfTurn ? first : later).computeIfAbsent(hop[0], k -> new ArrayList<>()).add((to - from) / 1000.0);
            }
        }
    }

    /** Markdown tables: the first token's hops, then every later token's. */
    synchronized void print() {
        print("first token of a turn", first);
        print("later tokens", later);
    }

    private static void print(String title, Map<String, List<Double>> hops) {
        System.out.printf("%n| hop (%s) | p50 | p95 | p99 |%n|---|---|---|---|%n", title);
        hops.forEach((name, values) -> {
            List<Double> sorted = values.stream().sorted().toList();
            System.out.printf("| %s | %.2f ms | %.2f ms | %.2f ms |%n", name, TokenPathBench.pct(sorted, 50),
                TokenPathBench.pct(sorted, 95), TokenPathBench.pct(sorted, 99));
        });
    }

    private static long time(JsonNode hops, String name, long sent, long clientReceived) {
        return switch (name) {
            case "sent" -> sent;
            case "clientReceived" -> clientReceived;
            default -> hops.has(name) ? hops.get(name).asLong() : -1;
        };
    }
}
