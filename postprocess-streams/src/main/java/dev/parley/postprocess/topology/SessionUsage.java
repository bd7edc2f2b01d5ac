package dev.parley.postprocess.topology;

import dev.parley.avro.SessionSnapshot;
import dev.parley.avro.Usage;
import dev.parley.avro.UsageTotals;

/**
 * Adds a terminal event's usage and cost to its session's totals. Failed and cancelled turns count too: their
 * backend calls were paid for. Callers count a turn once, on the terminal event that finished it, so a redelivered
 * or repeated terminal event adds nothing.
 */
final class SessionUsage {

    private SessionUsage() {
    }

    /** Adds {@code usage} (null: none recorded) and {@code costUsd} (null: no prices) to the snapshot's totals. */
    static void count(SessionSnapshot snapshot, Usage usage, Double costUsd) {
        snapshot.setUsage(add(snapshot.getUsage(), usage, costUsd));
    }

    static UsageTotals add(UsageTotals totals, Usage usage, Double costUsd) {
        UsageTotals sum = totals != null ? totals : new UsageTotals(0L, 0L, 0.0, false);
        return new UsageTotals(
            sum.getPromptTokens() + (usage == null ? 0 : usage.getPromptTokens()),
            sum.getCompletionTokens() + (usage == null ? 0 : usage.getCompletionTokens()),
            sum.getCostUsd() + (costUsd == null ? 0.0 : costUsd),
            sum.getEstimated() || (usage != null && usage.getEstimated()));
    }
}
