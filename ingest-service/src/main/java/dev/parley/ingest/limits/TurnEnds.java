package dev.parley.ingest.limits;

import dev.parley.ingest.ledger.TurnCommits;
import io.vertx.core.Future;

/** Tells when an accepted turn has its terminal event in the ledger, as this gateway reads it. */
@FunctionalInterface
public interface TurnEnds {

    /** Completes when the turn has ended, or when the gateway gives up waiting for it; never fails. */
    Future<Void> await(String sessionId, int partition, String turnId);

    /**
     * The ledger, through the same waiting (one lookup per turn, shared) that holds a client's final chunk until its
     * terminal event is known; it gives up after {@link TurnCommits}' limit, which frees the generation too.
     */
    static TurnEnds inLedger(TurnCommits commits) {
        return (sessionId, partition, turnId) -> commits.committed(sessionId, partition, turnId)
                .<Void>mapEmpty().otherwiseEmpty();
    }
}
