package dev.parley.worker.backend;

/** A running generation. */
public interface Generation {

    /**
     * Stops it and closes the upstream HTTP request; idempotent, never blocks, and a no-op once it has ended.
     * Called on the thread that runs the callbacks (e.g. inside one), nothing at all follows it. Called from another
     * thread, a callback already under way there may still arrive, but none starts after that; a listener that
     * cancels from another thread should therefore ignore calls once it has moved on (a state check is enough).
     */
    void cancel();
}
