package dev.parley.postprocess.topology;

import dev.parley.avro.PrincipalUsage;
import dev.parley.avro.Usage;

/**
 * Usage per principal: one finished turn's share, and the sum of two. The snapshot updater decides which terminal
 * event finishes a turn (the first), so a regenerated attempt's second terminal event is never counted again.
 */
public final class PrincipalUsages {

    /** The principal of turns sent without authentication (their events carry a null principal). */
    public static final String ANONYMOUS = "anonymous";

    private PrincipalUsages() {
    }

    /** The principal a terminal event's usage counts for. */
    public static String principal(String principal) {
        return principal == null || principal.isEmpty() ? ANONYMOUS : principal;
    }

    /** Nothing counted yet: what an unknown principal has used. */
    public static PrincipalUsage none(String principal) {
        return new PrincipalUsage(principal, 0L, 0L, 0L, 0L, 0L, 0L, 0.0, false);
    }

    /** One turn that ended with {@code outcome} (completed, failed or cancelled). */
    static PrincipalUsage turn(String principal, String outcome, Usage usage, Double costUsd) {
        return new PrincipalUsage(principal(principal), 1L,
            outcome.equals("completed") ? 1L : 0L,
            outcome.equals("failed") ? 1L : 0L,
            outcome.equals("cancelled") ? 1L : 0L,
            usage == null ? 0L : usage.getPromptTokens(),
            usage == null ? 0L : usage.getCompletionTokens(),
            costUsd == null ? 0.0 : costUsd,
            usage != null && usage.getEstimated());
    }

    /** The two totals added up (both of {@code total}'s principal). */
    static PrincipalUsage add(PrincipalUsage total, PrincipalUsage more) {
        return new PrincipalUsage(total.getPrincipal(),
            total.getTurns() + more.getTurns(),
            total.getCompleted() + more.getCompleted(),
            total.getFailed() + more.getFailed(),
            total.getCancelled() + more.getCancelled(),
            total.getPromptTokens() + more.getPromptTokens(),
            total.getCompletionTokens() + more.getCompletionTokens(),
            total.getCostUsd() + more.getCostUsd(),
            total.getEstimated() || more.getEstimated());
    }
}
