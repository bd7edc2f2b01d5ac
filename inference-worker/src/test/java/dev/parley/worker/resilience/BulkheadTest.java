package dev.parley.worker.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The bulkhead's queue discipline: round-robin across principals, spotlight first within a principal's lane, a
 * cancel leaves the line. Grants run on the releasing thread, so every order here is deterministic.
 */
class BulkheadTest {

    /** The names of the turns in the order they were granted a permit. */
    private final List<String> granted = new ArrayList<>();
    private final Map<String, Bulkhead.Ticket> tickets = new HashMap<>();

    private void post(Bulkhead bulkhead, String principal, String turn, boolean spotlight) {
        tickets.put(turn, bulkhead.acquire(principal, spotlight, () -> granted.add(turn)));
    }

    /** Ends the turn that holds a permit longest: its permit goes to the next in line. */
    private void finishOldest() {
        for (String turn : granted) {
            Bulkhead.Ticket ticket = tickets.remove(turn);
            if (ticket != null) {
                ticket.cancel();
                return;
            }
        }
        throw new AssertionError("nothing is running");
    }

    private void drain(Bulkhead bulkhead) {
        while (bulkhead.inUse() > 0) {
            finishOldest();
        }
    }

    @Test
    @DisplayName("with one principal flooding, each single turn of another principal starts after at most one of the flood's")
    void floodDoesNotStarveOthers() {
        Bulkhead bulkhead = new Bulkhead(1, false);
        for (int i = 0; i < 1_000; i++) {
            post(bulkhead, "A", "A" + i, false);
        }
        post(bulkhead, "B", "B0", false);
        finishOldest();
        finishOldest();
        post(bulkhead, "C", "C0", false);
        drain(bulkhead);

        assertEquals(1_002, granted.size());
        // B0 joined while A0 ran and C0 while B0 ran: each starts after exactly one more of A's turns
        assertEquals(List.of("A0", "A1", "B0", "A2", "C0", "A3"), granted.subList(0, 6));
        assertEquals(0, bulkhead.waiting());
    }

    @Test
    @DisplayName("with more permits, a newcomer's turn still waits for at most one of the flood's after a permit frees")
    void floodWithSeveralPermits() {
        Bulkhead bulkhead = new Bulkhead(4, false);
        for (int i = 0; i < 100; i++) {
            post(bulkhead, "A", "A" + i, false);
        }
        post(bulkhead, "B", "B0", false);
        assertEquals(List.of("A0", "A1", "A2", "A3"), granted);
        finishOldest();
        finishOldest();
        assertEquals(List.of("A0", "A1", "A2", "A3", "A4", "B0"), granted);
        assertEquals(4, bulkhead.inUse());
    }

    @Test
    @DisplayName("many principals are served in turn: every waiting principal gets one permit before any gets a second")
    void roundRobinAmongMany() {
        Bulkhead bulkhead = new Bulkhead(1, false);
        post(bulkhead, "A", "running", false);
        List<String> principals = List.of("P1", "P2", "P3", "P4", "P5");
        for (String principal : principals) {
            for (int i = 0; i < principal.charAt(1) - '0' + 2; i++) { // uneven backlogs: 3 to 7 turns each
                post(bulkhead, principal, principal + "-" + i, false);
            }
        }
        drain(bulkhead);

        List<String> order = granted.subList(1, granted.size());
        for (int round = 0; round < 3; round++) { // every principal has at least three turns
            List<String> served = order.subList(round * 5, round * 5 + 5).stream().map(t -> t.substring(0, 2)).toList();
            assertEquals(principals, served, "round " + round + " of " + order);
        }
        for (String principal : principals) { // each principal's own turns stay in the order it posted them
            List<String> own = order.stream().filter(t -> t.startsWith(principal)).toList();
            List<String> sorted = own.stream().sorted().toList();
            assertEquals(sorted, own);
        }
    }

    @Test
    @DisplayName("a spotlight turn goes first within its own principal's lane, not ahead of other principals")
    void spotlightWithinShare() {
        Bulkhead bulkhead = new Bulkhead(1, false);
        post(bulkhead, "A", "A0", false);
        post(bulkhead, "A", "A1", false);
        post(bulkhead, "B", "B0", false);
        post(bulkhead, "A", "A-spot", true);
        post(bulkhead, "B", "B1", false);
        drain(bulkhead);
        assertEquals(List.of("A0", "A-spot", "B0", "A1", "B1"), granted);
    }

    @Test
    @DisplayName("with spotlightJumpsQueue a spotlight turn goes ahead of every principal's turns")
    void spotlightJumpsQueue() {
        Bulkhead bulkhead = new Bulkhead(1, true);
        post(bulkhead, "A", "A0", false);
        post(bulkhead, "B", "B0", false);
        post(bulkhead, "A", "A1", false);
        post(bulkhead, "C", "C-spot", true);
        drain(bulkhead);
        assertEquals(List.of("A0", "C-spot", "B0", "A1"), granted);
    }

    @Test
    @DisplayName("a cancel while queued leaves the line: the turn is never granted, and its principal's empty lane leaves the rotation")
    void cancelWhileQueued() {
        Bulkhead bulkhead = new Bulkhead(1, false);
        post(bulkhead, "A", "A0", false);
        post(bulkhead, "A", "A1", false);
        post(bulkhead, "B", "B0", false);
        post(bulkhead, "C", "C0", false);
        assertEquals(3, bulkhead.waiting());
        assertEquals(3, bulkhead.principalsWaiting());

        tickets.remove("B0").cancel();
        tickets.get("A1").cancel();
        tickets.remove("A1").cancel(); // idempotent
        assertEquals(1, bulkhead.waiting());
        assertEquals(1, bulkhead.principalsWaiting());

        post(bulkhead, "B", "B1", false); // B comes back: it joins the back of the rotation
        drain(bulkhead);
        assertEquals(List.of("A0", "C0", "B1"), granted);
        assertEquals(0, bulkhead.waiting());
        assertEquals(0, bulkhead.inUse());
    }

    @Test
    @DisplayName("a null principal is one principal, anonymous, served in turn with the others")
    void anonymousIsOnePrincipal() {
        Bulkhead bulkhead = new Bulkhead(1, false);
        post(bulkhead, null, "n0", false);
        post(bulkhead, null, "n1", false);
        post(bulkhead, null, "n2", false);
        post(bulkhead, "B", "B0", false);
        post(bulkhead, Bulkhead.ANONYMOUS, "n3", false);
        assertEquals(2, bulkhead.principalsWaiting());
        drain(bulkhead);
        assertEquals(List.of("n0", "n1", "B0", "n2", "n3"), granted);
    }

    @Test
    @DisplayName("a permit given back with nobody waiting is free again, and giving it back twice frees nothing more")
    void permitsAreCounted() {
        Bulkhead bulkhead = new Bulkhead(2, false);
        post(bulkhead, "A", "A0", false);
        post(bulkhead, "A", "A1", false);
        assertEquals(2, bulkhead.inUse());
        Bulkhead.Ticket a0 = tickets.remove("A0");
        a0.cancel();
        a0.cancel();
        assertEquals(1, bulkhead.inUse());
        post(bulkhead, "B", "B0", false);
        post(bulkhead, "B", "B1", false);
        assertEquals(List.of("A0", "A1", "B0"), granted);
        assertEquals(1, bulkhead.waiting());
    }
}
