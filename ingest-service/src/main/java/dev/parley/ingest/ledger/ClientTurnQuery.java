package dev.parley.ingest.ledger;

import dev.parley.avro.LedgerEvent;
import dev.parley.avro.UserTurn;
import java.util.Optional;

/** The turnId of the session's UserTurn carrying a given clientTurnId, if there is one. */
final class ClientTurnQuery implements LedgerQuery<Optional<String>> {

    private final String clientTurnId;
    private String turnId;

    ClientTurnQuery(String clientTurnId) {
        this.clientTurnId = clientTurnId;
    }

    @Override
    public boolean accept(LedgerEvent event) {
        if (event.getPayload() instanceof UserTurn turn && clientTurnId.equals(turn.getClientTurnId())) {
            turnId = event.getTurnId();
            return true;
        }
        return false;
    }

    @Override
    public boolean caughtUp() {
        return true;
    }

    @Override
    public Optional<String> result() {
        return Optional.ofNullable(turnId);
    }
}
