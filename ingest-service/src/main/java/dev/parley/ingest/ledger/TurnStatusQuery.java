package dev.parley.ingest.ledger;

import dev.parley.avro.AssistantReply;
import dev.parley.avro.LedgerEvent;
import dev.parley.avro.ReplyCancelled;
import dev.parley.avro.ReplyFailed;
import dev.parley.avro.UserTurn;

/** Finds a turn's UserTurn and its terminal event; optionally waits for the terminal event. */
final class TurnStatusQuery implements LedgerQuery<TurnStatus> {

    private final String turnId;
    private final boolean waitForTerminal;
    private boolean exists;
    private TurnStatus terminal;

    TurnStatusQuery(String turnId, boolean waitForTerminal) {
        this.turnId = turnId;
        this.waitForTerminal = waitForTerminal;
    }

    @Override
    public boolean accept(LedgerEvent event) {
        if (!turnId.equals(event.getTurnId())) {
            return false;
        }
        Object payload = event.getPayload();
        if (payload instanceof UserTurn) {
            exists = true;
        } else if (payload instanceof AssistantReply reply) {
            terminal = new TurnStatus(turnId, TurnStatus.State.COMPLETED, reply.getText(), null, event.getAttempt(),
                    TurnOutcome.of(reply));
        } else if (payload instanceof ReplyFailed failed) {
            terminal = new TurnStatus(turnId, TurnStatus.State.FAILED, failed.getPartialText(), failed.getReason(),
                    event.getAttempt(), TurnOutcome.of(failed));
        } else if (payload instanceof ReplyCancelled cancelled) {
            terminal = new TurnStatus(turnId, TurnStatus.State.CANCELLED, cancelled.getPartialText(),
                    cancelled.getReason(), event.getAttempt(), TurnOutcome.of(cancelled));
        }
        return terminal != null;
    }

    @Override
    public boolean caughtUp() {
        return !exists || !waitForTerminal;
    }

    @Override
    public TurnStatus result() {
        if (terminal != null) {
            return terminal;
        }
        return exists ? TurnStatus.pending(turnId) : TurnStatus.unknown(turnId);
    }
}
