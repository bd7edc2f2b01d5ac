package dev.parley.bench;

/** One client's place in its session's replies, to count the chunks it missed. Used by one thread. */
final class TurnOrder {

    private String turnId;
    private long seq = -1;

    /**
     * Takes the next token's turn and seq; returns how many chunks came before it that this client did not get. A
     * turn begins at seq 0, and the scenarios open their clients before the first turn.
     */
    long missedBefore(String nextTurnId, long nextSeq) {
        long missed = nextTurnId != null && nextTurnId.equals(turnId) ? Math.max(0, nextSeq - seq - 1) : nextSeq;
        turnId = nextTurnId;
        seq = nextSeq;
        return missed;
    }
}
