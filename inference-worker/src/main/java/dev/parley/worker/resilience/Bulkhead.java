package dev.parley.worker.resilience;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * At most {@code permits} generations of one backend at once; the others wait in line, priority (spotlight)
 * turns ahead of the rest, so a local GPU is queued for rather than overloaded. Grants run outside the lock.
 */
final class Bulkhead {

    private final int permits;
    private final Deque<Ticket> priority = new ArrayDeque<>();
    private final Deque<Ticket> normal = new ArrayDeque<>();
    private int inUse;

    Bulkhead(int permits) {
        this.permits = permits;
    }

    /** A place in line: {@link #cancel()} leaves the line, or gives the permit back once granted. */
    final class Ticket {
        private final Runnable granted;
        private boolean waiting;
        private boolean holding;

        private Ticket(Runnable granted) {
            this.granted = granted;
        }

        /** Leaves the line or returns the permit; idempotent. */
        void cancel() {
            release(this);
        }
    }

    /** Runs {@code granted} now (on this thread) when a permit is free, else when one is given back. */
    Ticket acquire(boolean first, Runnable granted) {
        Ticket ticket = new Ticket(granted);
        synchronized (this) {
            if (inUse < permits) {
                inUse++;
                ticket.holding = true;
            } else {
                ticket.waiting = true;
                (first ? priority : normal).addLast(ticket);
                return ticket;
            }
        }
        granted.run();
        return ticket;
    }

    private void release(Ticket ticket) {
        Ticket next;
        synchronized (this) {
            if (ticket.waiting) {
                ticket.waiting = false;
                priority.remove(ticket);
                normal.remove(ticket);
                return;
            }
            if (!ticket.holding) {
                return;
            }
            ticket.holding = false;
            next = priority.pollFirst();
            if (next == null) {
                next = normal.pollFirst();
            }
            if (next == null) {
                inUse--;
                return;
            }
            next.waiting = false;
            next.holding = true; // the permit passes straight to the next in line
        }
        next.granted.run();
    }

    synchronized int waiting() {
        return priority.size() + normal.size();
    }

    synchronized int inUse() {
        return inUse;
    }
}
