package dev.parley.ingest.ledger;

/**
 * What the ledger says about a turn.
 *
 * @param text   the reply (completed) or the partial text (failed, cancelled); empty while pending
 * @param reason why it failed or was cancelled, else null
 * @param attempt the generation attempt the terminal event records; 0 while there is none
 * @param outcome how the terminal event says the turn was answered; null while there is none
 */
public record TurnStatus(String turnId, State state, String text, String reason, int attempt, TurnOutcome outcome) {

    /** A turn's state as clients see it. */
    public enum State {
        UNKNOWN, PENDING, COMPLETED, FAILED, CANCELLED;

        /** The API's name for it, e.g. {@code completed}. */
        public String apiName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public static TurnStatus unknown(String turnId) {
        return new TurnStatus(turnId, State.UNKNOWN, "", null, 0, null);
    }

    public static TurnStatus pending(String turnId) {
        return new TurnStatus(turnId, State.PENDING, "", null, 0, null);
    }

    /** True once the turn has its one terminal ledger event. */
    public boolean terminal() {
        return state == State.COMPLETED || state == State.FAILED || state == State.CANCELLED;
    }
}
