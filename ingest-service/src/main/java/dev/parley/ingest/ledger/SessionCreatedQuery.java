package dev.parley.ingest.ledger;

import dev.parley.avro.LedgerEvent;
import dev.parley.avro.SessionCreated;
import java.util.Optional;

/** The session's SessionCreated (which names its owner), if there is one. */
final class SessionCreatedQuery implements LedgerQuery<Optional<SessionCreated>> {

    private SessionCreated found;

    @Override
    public boolean accept(LedgerEvent event) {
        if (event.getPayload() instanceof SessionCreated created) {
            found = created;
            return true;
        }
        return false;
    }

    @Override
    public boolean caughtUp() {
        return true;
    }

    @Override
    public Optional<SessionCreated> result() {
        return Optional.ofNullable(found);
    }
}
