package dev.parley.ingest.ledger;

import dev.parley.avro.LedgerEvent;
import dev.parley.avro.SessionCreated;

/** Is there a SessionCreated for this session? */
final class SessionCreatedQuery implements LedgerQuery<Boolean> {

    private boolean found;

    @Override
    public boolean accept(LedgerEvent event) {
        found = event.getPayload() instanceof SessionCreated;
        return found;
    }

    @Override
    public boolean caughtUp() {
        return true;
    }

    @Override
    public Boolean result() {
        return found;
    }
}
