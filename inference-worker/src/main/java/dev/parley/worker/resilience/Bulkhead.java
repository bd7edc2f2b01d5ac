package dev.parley.worker.resilience;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * At most {@code permits} holders at once (a backend's generations, or the worker's); the others wait in a line that
 * is fair across principals, so a local GPU is queued for rather than overloaded and one principal's flood does not
 * starve the others. Grants run outside the lock.
 *
 * <p>The discipline is round-robin over principals: each principal with turns waiting has its own lane, and a free
 * permit goes to the lane at the head of the rotation, which then moves to the back if it still has turns waiting. A
 * principal that starts waiting joins the back of the rotation, so its turn waits for at most one turn of each other
 * waiting principal; with one principal flooding, another's single turn starts after at most one of the flood's. A
 * spotlight turn goes first within its own principal's lane (it takes no more than that principal's share), unless
 * {@code spotlightJumpsQueue}: then it goes ahead of every lane, as before fair queuing. A null principal is one
 * principal, {@value #ANONYMOUS}.
 */
public final class Bulkhead {

    /** The lane of turns without a principal (a gateway without authentication). */
    public static final String ANONYMOUS = "anonymous";

    private final int permits;
    private final boolean spotlightJumpsQueue;
    private final Map<String, Lane> lanes = new HashMap<>();
    /** The lanes with turns waiting, in serving order. */
    private final Deque<Lane> rotation = new ArrayDeque<>();
    /** Spotlight turns ahead of every lane; used only when {@code spotlightJumpsQueue}. */
    private final Deque<Ticket> jumpers = new ArrayDeque<>();
    private int waiting;
    private int inUse;

    public Bulkhead(int permits, boolean spotlightJumpsQueue) {
        if (permits < 1) {
            throw new IllegalArgumentException("permits must be at least 1, was " + permits);
        }
        this.permits = permits;
        this.spotlightJumpsQueue = spotlightJumpsQueue;
    }

    /** One principal's waiting turns, its spotlight ones first. */
    private static final class Lane {
        final String principal;
        final Deque<Ticket> spotlight = new ArrayDeque<>();
        final Deque<Ticket> normal = new ArrayDeque<>();

        Lane(String principal) {
            this.principal = principal;
        }

        Ticket poll() {
            Ticket next = spotlight.pollFirst();
            return next != null ? next : normal.pollFirst();
        }

        boolean isEmpty() {
            return spotlight.isEmpty() && normal.isEmpty();
        }
    }

    /** A place in line: {@link #cancel()} leaves the line, or gives the permit back once granted. */
    public final class Ticket {
        private final Runnable granted;
        private final String principal;
        private final boolean spotlight;
        private boolean waiting;
        private boolean holding;

        private Ticket(String principal, boolean spotlight, Runnable granted) {
            this.principal = principal;
            this.spotlight = spotlight;
            this.granted = granted;
        }

        /** Leaves the line or returns the permit; idempotent. */
        public void cancel() {
            release(this);
        }
    }

    /**
     * Runs {@code granted} now (on this thread) when a permit is free, else (on the thread that gives one back) when
     * it is this ticket's turn.
     *
     * @param principal who the turn is for; null is {@value #ANONYMOUS}
     * @param spotlight a priority turn: first in its principal's lane (or in the whole line, see the class comment)
     */
    public Ticket acquire(String principal, boolean spotlight, Runnable granted) {
        Ticket ticket = new Ticket(principal == null ? ANONYMOUS : principal, spotlight, granted);
        synchronized (this) {
            if (inUse < permits) {
                inUse++;
                ticket.holding = true;
            } else {
                enqueue(ticket);
                return ticket;
            }
        }
        granted.run();
        return ticket;
    }

    private void enqueue(Ticket ticket) {
        ticket.waiting = true;
        waiting++;
        if (ticket.spotlight && spotlightJumpsQueue) {
            jumpers.addLast(ticket);
            return;
        }
        Lane lane = lanes.get(ticket.principal);
        if (lane == null) {
            lane = new Lane(ticket.principal);
            lanes.put(ticket.principal, lane);
            rotation.addLast(lane);
        }
        (ticket.spotlight ? lane.spotlight : lane.normal).addLast(ticket);
    }

    private void release(Ticket ticket) {
        Ticket next;
        synchronized (this) {
            if (ticket.waiting) {
                leave(ticket);
                return;
            }
            if (!ticket.holding) {
                return;
            }
            ticket.holding = false;
            next = next();
            if (next == null) {
                inUse--;
                return;
            }
            next.waiting = false;
            next.holding = true; // the permit passes straight to the next in line
        }
        next.granted.run();
    }

    /** Takes a waiting ticket out of the line. */
    private void leave(Ticket ticket) {
        ticket.waiting = false;
        waiting--;
        if (jumpers.remove(ticket)) {
            return;
        }
        Lane lane = lanes.get(ticket.principal);
        if (lane != null && (lane.spotlight.remove(ticket) || lane.normal.remove(ticket)) && lane.isEmpty()) {
            lanes.remove(lane.principal);
            rotation.remove(lane);
        }
    }

    /** The next ticket to serve, out of the line; null when nobody waits. */
    private Ticket next() {
        Ticket next = jumpers.pollFirst();
        if (next == null) {
            Lane lane = rotation.pollFirst();
            if (lane == null) {
                return null;
            }
            next = lane.poll();
            if (lane.isEmpty()) {
                lanes.remove(lane.principal);
            } else {
                rotation.addLast(lane);
            }
        }
        waiting--;
        return next;
    }

    /** Turns waiting in line (the queue-length metric). */
    public synchronized int waiting() {
        return waiting;
    }

    /** Principals with turns waiting. */
    public synchronized int principalsWaiting() {
        return rotation.size();
    }

    public synchronized int inUse() {
        return inUse;
    }
}
