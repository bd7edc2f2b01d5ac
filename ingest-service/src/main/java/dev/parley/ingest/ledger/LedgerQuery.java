package dev.parley.ingest.ledger;

import dev.parley.avro.LedgerEvent;

/**
 * A question answered by reading one session's ledger events from a point in time. Calls come from
 * the relay thread, one at a time.
 */
public interface LedgerQuery<R> {

    /** Takes the next event of the session; true when the answer is known. */
    boolean accept(LedgerEvent event);

    /** Everything that existed when the lookup started has been read; true to answer now, false to wait on. */
    boolean caughtUp();

    /** The answer from what has been read. */
    R result();
}
