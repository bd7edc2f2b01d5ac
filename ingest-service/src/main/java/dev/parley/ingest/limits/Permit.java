package dev.parley.ingest.limits;

import io.vertx.core.http.HttpServerResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** One unit of a concurrency limit (a stream, a generation, a session) held by a principal; released once. */
public final class Permit {

    private final AtomicInteger held;
    private final AtomicBoolean released = new AtomicBoolean();

    Permit(AtomicInteger held) {
        this.held = held;
    }

    /** Gives the unit back; later calls do nothing. */
    public void release() {
        if (released.compareAndSet(false, true)) {
            held.decrementAndGet();
        }
    }

    /**
     * Releases once {@code response} is done: ended, or its connection closed before that (Vert.x calls a response's
     * end handler in both cases). The response's end handler is this permit's from now on.
     */
    public void releaseWhenDone(HttpServerResponse response) {
        response.endHandler(ignored -> release());
    }

    /** Takes one unit of {@code held} if fewer than {@code limit} are taken, else null. */
    static Permit take(AtomicInteger held, int limit) {
        while (true) {
            int now = held.get();
            if (now >= limit) {
                return null;
            }
            if (held.compareAndSet(now, now + 1)) {
                return new Permit(held);
            }
        }
    }
}
