package dev.parley.ingest.limits;

import io.vertx.core.Future;

/**
 * What a principal was granted for one turn before anything was written: a generation and, for a request that
 * creates its session (a stateless OpenAI completion), a session. The generation is held until the gateway reads the
 * turn's terminal event; a session once created stays counted.
 */
public final class TurnPermit {

    private final Quota quota;
    private final Permit generation;
    private final Permit session;
    private volatile boolean sessionKept;
    private volatile boolean followed;

    TurnPermit(Quota quota, Permit generation, Permit session) {
        this.quota = quota;
        this.generation = generation;
        this.session = session;
    }

    /** {@code created} unchanged; once it succeeds the session stays counted. */
    public Future<String> sessionCreated(Future<String> created) {
        return created.onSuccess(ignored -> sessionKept = true);
    }

    /** {@code turnId} unchanged; once it succeeds the generation is held until the turn ends, else released. */
    public Future<String> accepted(String sessionId, int partition, Future<String> turnId) {
        return turnId.onComplete(result -> {
            if (result.succeeded()) {
                followed = true;
                quota.follow(generation, sessionId, partition, result.result());
            } else {
                generation.release();
            }
        });
    }

    /** For a request that failed: gives back whatever was not used (a created session stays counted). */
    public void release() {
        if (!followed) {
            generation.release();
        }
        if (session != null && !sessionKept) {
            session.release();
        }
    }
}
