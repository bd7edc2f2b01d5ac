package dev.parley.worker.backend;

/** A running generation. */
public interface Generation {

    /** Stops it and closes the upstream HTTP request; idempotent, and a no-op once it has ended. */
    void cancel();
}
